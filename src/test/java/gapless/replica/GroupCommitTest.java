package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

  /** A request for one seq; {@code from} tells two requests for the same seq apart, {@code content} is its blob. */
  private record Req(long seq, String from, String content, long epoch) {
    Req(long seq, String from, String content) {
      this(seq, from, content, 0);
    }

    Req(long seq, String from) {
      this(seq, from, "blob-" + seq);
    }
  }

  private static final LongPredicate NOTHING_HELD = seq -> false;

  private final GroupCommit<Req> commit = new GroupCommit<>(Req::seq, Req::epoch, (a, b) -> a.content().equals(b.content()));

  @Test
  void theFirstRequestIsWrittenAtOnce() {
    Optional<GroupCommit.Group<Req>> group = commit.add(new Req(1, "gw"), NOTHING_HELD);
    assertEquals(List.of(new Req(1, "gw")), group.orElseThrow().toWrite());
    assertTrue(commit.isWriting());
  }

  @Test
  void requestsArrivingDuringAWriteGoOutTogetherAsTheNextGroup() {
    commit.add(new Req(1, "gw"), NOTHING_HELD);
    assertTrue(commit.add(new Req(2, "gw"), NOTHING_HELD).isEmpty());
    assertTrue(commit.add(new Req(3, "gw"), NOTHING_HELD).isEmpty());
    assertEquals(2, commit.waiting());

    GroupCommit.Group<Req> next = commit.finished(seq -> seq == 1).orElseThrow();
    assertEquals(List.of(new Req(2, "gw"), new Req(3, "gw")), next.toWrite());
    assertEquals(next.toWrite(), next.members());
    assertTrue(commit.isWriting());
    assertTrue(commit.finished(seq -> seq <= 3).isEmpty());
    assertFalse(commit.isWriting());
  }

  @Test
  void aSeqIsWrittenOnceButEveryRequestForItWithTheSameContentIsAnswered() {
    commit.add(new Req(1, "gw"), NOTHING_HELD);
    commit.add(new Req(2, "gw"), NOTHING_HELD);
    commit.add(new Req(2, "recovery"), NOTHING_HELD);
    // Seq 1 was in the write that just ended: asked for again, it is compared with what is stored.
    commit.add(new Req(1, "retry"), NOTHING_HELD);
    GroupCommit.Group<Req> next = commit.finished(seq -> seq == 1).orElseThrow();
    assertEquals(List.of(new Req(2, "gw")), next.toWrite());
    assertEquals(List.of(new Req(2, "gw"), new Req(2, "recovery")), next.members());
    assertEquals(List.of(new Req(1, "retry")), next.held());
    assertTrue(next.refused().isEmpty());
  }

  @Test
  void otherContentForASeqInTheSameGroupIsRefusedNotAnsweredWithTheFirst() {
    commit.add(new Req(1, "gw"), NOTHING_HELD);
    commit.add(new Req(2, "gw", "first"), NOTHING_HELD);
    commit.add(new Req(2, "wiped-gw", "second"), NOTHING_HELD);
    commit.add(new Req(2, "retry", "first"), NOTHING_HELD);
    GroupCommit.Group<Req> next = commit.finished(seq -> seq == 1).orElseThrow();
    assertEquals(List.of(new Req(2, "gw", "first")), next.toWrite());
    assertEquals(List.of(new Req(2, "gw", "first"), new Req(2, "retry", "first")), next.members());
    assertEquals(List.of(new GroupCommit.Refused<>(new Req(2, "gw", "first"), new Req(2, "wiped-gw", "second"))),
        next.refused());
    assertTrue(next.held().isEmpty());
  }

  @Test
  void aRefusedRequestDoesNotGoAgainAfterARestart() {
    commit.add(new Req(1, "gw", "first"), NOTHING_HELD);
    commit.add(new Req(2, "gw", "first"), NOTHING_HELD);
    commit.add(new Req(2, "wiped-gw", "second"), NOTHING_HELD);
    commit.finished(seq -> seq == 1).orElseThrow();
    GroupCommit.Group<Req> again = commit.restarted(seq -> seq == 1).orElseThrow();
    assertEquals(List.of(new Req(2, "gw", "first")), again.members());
    assertTrue(again.refused().isEmpty());
  }

  @Test
  void afterARestartTheLostGroupGoesAgainFirst() {
    commit.add(new Req(1, "gw"), NOTHING_HELD);
    commit.add(new Req(2, "gw"), NOTHING_HELD);
    GroupCommit.Group<Req> again = commit.restarted(NOTHING_HELD).orElseThrow();
    assertEquals(List.of(new Req(1, "gw"), new Req(2, "gw")), again.toWrite());
  }

  @Test
  void aRestartWithNothingInFlightWritesNothing() {
    assertTrue(commit.restarted(NOTHING_HELD).isEmpty());
    assertFalse(commit.isWriting());
    Set<Long> held = Set.of(1L);
    commit.add(new Req(1, "gw"), held::contains);
    commit.finished(held::contains);
    assertTrue(commit.restarted(held::contains).isEmpty());
  }

  @Test
  void forOneSeqTheHighestEpochIsKeptAndOtherContentRefused() {
    commit.add(new Req(1, "gw"), NOTHING_HELD);
    Req old = new Req(2, "old-owner", "old", 1);
    Req newer = new Req(2, "new-owner", "new", 2);
    Req newerAgain = new Req(2, "copy", "new", 2);
    Req tie = new Req(2, "other", "other", 2);
    commit.add(old, NOTHING_HELD);
    commit.add(newer, NOTHING_HELD);
    commit.add(tie, NOTHING_HELD);
    commit.add(newerAgain, NOTHING_HELD);
    GroupCommit.Group<Req> next = commit.finished(seq -> seq == 1).orElseThrow();
    assertEquals(List.of(newer), next.toWrite());
    assertEquals(List.of(newer, newerAgain), next.members());
    assertEquals(List.of(new GroupCommit.Refused<>(newer, old), new GroupCommit.Refused<>(newer, tie)), next.refused());
    assertEquals(List.of(newer, newerAgain), commit.pending());
  }
}

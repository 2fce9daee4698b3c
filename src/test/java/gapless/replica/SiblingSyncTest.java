package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.model.SeqEpochs;
import gapless.model.SeqEpochs.Run;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SiblingSyncTest {

  private static final long START = 1_000_000;

  /** Confirm every 10 seqs or after 5 s; heartbeat every 4 ticks; recover after 3 ticks behind. */
  private final SiblingSync sync = new SiblingSync(new SiblingSync.Rules(10, 5000, 4, 3), START);

  /** A report with no epochs on either side (as before epochs existed): what is confirmed. */
  private OptionalLong confirmed(String peer, long peerContiguous, long ownContiguous, long persisted, long now) {
    SiblingSync.Reported r = sync.siblingReported(peer, peerContiguous, SeqEpochs.EMPTY, ownContiguous, SeqEpochs.EMPTY, persisted, now);
    assertEquals(OptionalLong.empty(), r.staleSeq());
    return r.confirm();
  }

  private static SeqEpochs epochs(Run... runs) {
    return new SeqEpochs(List.of(runs));
  }

  @Test
  void aSeqTheSiblingHoldsUnderANewerEpochIsNotConfirmedAndIsReportedStale() {
    // Both hold 1..30; seqs 21..30 here were written by epoch 1, the sibling holds 24..30 from epoch 2.
    SeqEpochs own = epochs(new Run(1, 30, 1));
    SeqEpochs peer = epochs(new Run(11, 23, 1), new Run(24, 30, 2));
    SiblingSync.Reported r = sync.siblingReported("s2", 30, peer, 30, own, 10, START);
    assertEquals(OptionalLong.of(23), r.confirm(), "only below the first stale seq");
    assertEquals(OptionalLong.of(24), r.staleSeq());
    assertEquals(1, r.ownEpoch());
    assertEquals(2, r.peerEpoch());
    // Nothing more to confirm while it stays stale, but it is still reported.
    SiblingSync.Reported again = sync.siblingReported("s2", 30, peer.clip(24, 30), 30, own, 23, START + 1);
    assertEquals(OptionalLong.empty(), again.confirm());
    assertEquals(OptionalLong.of(24), again.staleSeq());
    // Once replaced here, the same report confirms everything.
    SiblingSync.Reported fixed = sync.siblingReported("s2", 30, peer.clip(24, 30), 30, own.merge(peer), 23, START + 10_000);
    assertEquals(OptionalLong.of(30), fixed.confirm());
    assertEquals(OptionalLong.empty(), fixed.staleSeq());
  }

  @Test
  void anOlderOrEqualEpochAtTheSiblingOrBeyondTheConfirmableRangeIsNotStale() {
    SeqEpochs own = epochs(new Run(1, 20, 3));
    // The sibling is the stale one at 5..20 (epoch 2), and its 21..25 are beyond what this replica holds.
    SeqEpochs peer = epochs(new Run(5, 20, 2), new Run(21, 25, 4));
    SiblingSync.Reported r = sync.siblingReported("s2", 25, peer, 20, own, 0, START);
    assertEquals(OptionalLong.empty(), r.staleSeq());
    assertEquals(OptionalLong.of(20), r.confirm());
  }

  @Test
  void reportsItsContiguousSeqWhenItChangesAndAsAHeartbeat() {
    assertFalse(sync.statusDue(0), "nothing held, nothing to report");
    assertTrue(sync.statusDue(5));
    assertFalse(sync.statusDue(5));
    assertFalse(sync.statusDue(5));
    assertFalse(sync.statusDue(5));
    assertTrue(sync.statusDue(5), "heartbeat on the 4th tick without a change");
    assertTrue(sync.statusDue(6));
  }

  @Test
  void confirmsTheSeqBothHoldThrottledBySeqsAndTime() {
    assertEquals(OptionalLong.empty(), confirmed("s2", 5, 25, 0, START), "5 seqs is below the throttle of 10");
    assertEquals(OptionalLong.of(25), confirmed("s2", 30, 25, 0, START), "both hold 1..25, not the sibling's 30");
    assertEquals(OptionalLong.empty(), confirmed("s2", 30, 27, 25, START + 4999));
    assertEquals(OptionalLong.of(27), confirmed("s2", 30, 27, 25, START + 5000), "a small advance once the delay passed");
    assertEquals(OptionalLong.empty(), confirmed("s2", 30, 27, 27, START + 60_000), "no advance, nothing to persist");
    assertEquals(Map.of("s2", 30L), sync.peers());
  }

  @Test
  void theDelayIsCountedPerSibling() {
    assertEquals(OptionalLong.of(20), confirmed("s2", 20, 20, 0, START));
    assertEquals(OptionalLong.of(3), confirmed("s3", 3, 20, 0, START + 5000), "s3 never confirmed: due since start");
  }

  @Test
  void asksForRecoveryAfterStayingBehindASiblingForLagTicks() {
    confirmed("s2", 30, 25, 0, START);
    assertEquals(5, sync.lag(25));
    assertEquals(OptionalLong.empty(), sync.behindSibling(25, false), "first tick sets the target");
    assertEquals(OptionalLong.empty(), sync.behindSibling(25, false));
    assertEquals(OptionalLong.empty(), sync.behindSibling(25, false));
    assertEquals(OptionalLong.of(30), sync.behindSibling(25, false));
    // Asked once: counting starts over.
    assertEquals(OptionalLong.empty(), sync.behindSibling(25, false));
  }

  @Test
  void catchingUpOrRecoveringResetsTheCount() {
    confirmed("s2", 30, 25, 0, START);
    sync.behindSibling(25, false);
    sync.behindSibling(25, false);
    assertEquals(OptionalLong.empty(), sync.behindSibling(30, false), "caught up: live writes were only in flight");
    confirmed("s2", 40, 30, 0, START);
    sync.behindSibling(30, false);
    sync.behindSibling(30, false);
    assertEquals(OptionalLong.empty(), sync.behindSibling(30, true), "a recovery runs already");
    assertEquals(OptionalLong.empty(), sync.behindSibling(30, false));
    assertEquals(OptionalLong.empty(), sync.behindSibling(30, false));
    assertEquals(OptionalLong.of(40), sync.behindSibling(30, false));
  }
}

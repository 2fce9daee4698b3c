package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SiblingSyncTest {

  private static final long START = 1_000_000;

  /** Confirm every 10 seqs or after 5 s; heartbeat every 4 ticks; recover after 3 ticks behind. */
  private final SiblingSync sync = new SiblingSync(new SiblingSync.Rules(10, 5000, 4, 3), START);

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
    assertEquals(OptionalLong.empty(), sync.siblingReported("s2", 5, 25, 0, START), "5 seqs is below the throttle of 10");
    assertEquals(OptionalLong.of(25), sync.siblingReported("s2", 30, 25, 0, START), "both hold 1..25, not the sibling's 30");
    assertEquals(OptionalLong.empty(), sync.siblingReported("s2", 30, 27, 25, START + 4999));
    assertEquals(OptionalLong.of(27), sync.siblingReported("s2", 30, 27, 25, START + 5000), "a small advance once the delay passed");
    assertEquals(OptionalLong.empty(), sync.siblingReported("s2", 30, 27, 27, START + 60_000), "no advance, nothing to persist");
    assertEquals(Map.of("s2", 30L), sync.peers());
  }

  @Test
  void theDelayIsCountedPerSibling() {
    assertEquals(OptionalLong.of(20), sync.siblingReported("s2", 20, 20, 0, START));
    assertEquals(OptionalLong.of(3), sync.siblingReported("s3", 3, 20, 0, START + 5000), "s3 never confirmed: due since start");
  }

  @Test
  void asksForRecoveryAfterStayingBehindASiblingForLagTicks() {
    sync.siblingReported("s2", 30, 25, 0, START);
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
    sync.siblingReported("s2", 30, 25, 0, START);
    sync.behindSibling(25, false);
    sync.behindSibling(25, false);
    assertEquals(OptionalLong.empty(), sync.behindSibling(30, false), "caught up: live writes were only in flight");
    sync.siblingReported("s2", 40, 30, 0, START);
    sync.behindSibling(30, false);
    sync.behindSibling(30, false);
    assertEquals(OptionalLong.empty(), sync.behindSibling(30, true), "a recovery runs already");
    assertEquals(OptionalLong.empty(), sync.behindSibling(30, false));
    assertEquals(OptionalLong.empty(), sync.behindSibling(30, false));
    assertEquals(OptionalLong.of(40), sync.behindSibling(30, false));
  }
}

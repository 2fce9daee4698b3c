package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The reason text a recovery carries reads back as its trigger and detail. */
class RecoveryTriggerTest {

  @Test
  void reasonReadsBackAsTriggerAndDetail() {
    for (RecoveryTrigger t : RecoveryTrigger.values()) {
      assertEquals(t, RecoveryTrigger.ofReason(t.reason("")));
      assertEquals("", RecoveryTrigger.detailOf(t.reason("")));
      assertEquals(t, RecoveryTrigger.ofReason(t.reason("s2 at 40: 3 intervals")));
      assertEquals("s2 at 40: 3 intervals", RecoveryTrigger.detailOf(t.reason("s2 at 40: 3 intervals")));
    }
    assertEquals("BEHIND_SIBLING: s2 at 40", RecoveryTrigger.BEHIND_SIBLING.reason("s2 at 40"));
  }

  @Test
  void anUnknownReasonIsABug() {
    assertThrows(IllegalStateException.class, () -> RecoveryTrigger.ofReason("BORED"));
  }
}

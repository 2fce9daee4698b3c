package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gapless.store.SampleStore;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeldWriteTest {

  private static final byte[] STORED = {1, 2, 3};
  private static final byte[] OTHER = {1, 2, 4};

  @Test
  void theSameContentIsAckedAndANewerEpochOfItRecorded() {
    assertEquals(HeldWrite.ACK, HeldWrite.judge(2, STORED, Optional.empty(), 2, STORED.clone()));
    assertEquals(HeldWrite.ACK, HeldWrite.judge(2, STORED, Optional.empty(), 1, STORED.clone()));
    assertEquals(HeldWrite.RECORD_EPOCH, HeldWrite.judge(2, STORED, Optional.empty(), 3, STORED.clone()));
  }

  @Test
  void otherContentReplacesOnlyFromANewerEpoch() {
    assertEquals(HeldWrite.REPLACE, HeldWrite.judge(0, STORED, Optional.empty(), 1, OTHER));
    assertEquals(HeldWrite.REFUSE, HeldWrite.judge(2, STORED, Optional.empty(), 2, OTHER));
    assertEquals(HeldWrite.REFUSE, HeldWrite.judge(2, STORED, Optional.empty(), 1, OTHER));
    assertEquals(HeldWrite.REFUSE, HeldWrite.judge(0, STORED, Optional.empty(), 0, OTHER), "as before epochs");
  }

  @Test
  void aReplacementTheJournalDoesNotKnowIsFinishedFirst() {
    Optional<SampleStore.Replaced> unrecorded = Optional.of(new SampleStore.Replaced(3, OTHER));
    assertEquals(HeldWrite.FINISH_REPLACEMENT, HeldWrite.judge(1, STORED, unrecorded, 3, STORED));
    // Recorded already: the journal's epoch is the replacement's.
    assertEquals(HeldWrite.ACK, HeldWrite.judge(3, STORED, unrecorded, 3, STORED));
  }
}

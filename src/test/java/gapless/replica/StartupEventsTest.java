package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gapless.TestBatches;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.model.StopReason;
import gapless.replica.ReplicaEvent.RecordingStopped;
import gapless.replica.ReplicaEvent.EpochPromised;
import gapless.replica.ReplicaEvent.StoreBound;
import gapless.replica.ReplicaEvent.StoreLost;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupEventsTest {

  private static ReplicaState holding(long to, String storeId) {
    ReplicaState s = ReplicaState.EMPTY;
    for (long seq = 1; seq <= to; seq++) {
      s = s.withBatch(seq, 1, seq, 10, 100);
    }
    return storeId == null ? s : s.withStore(storeId);
  }

  @Test
  void aNewReplicaBindsItsJournalToTheStoreWithItsFirstEvents() {
    assertEquals(List.of(), StartupEvents.of("s1", ReplicaState.EMPTY, List.of(), "store-a", false, false, 5));
    EpochPromised promise = new EpochPromised("s1", 1, "gw1/a", 6);
    assertEquals(List.of(new StoreBound("s1", "store-a", 7), promise),
        StartupEvents.bound("s1", ReplicaState.EMPTY, "store-a", List.of(promise), 7));
    ReplicaState bound = ReplicaState.EMPTY.apply(new StoreBound("s1", "store-a", 7)).apply(promise);
    assertEquals(List.of(promise), StartupEvents.bound("s1", bound, "store-a", List.of(promise), 8));
    assertEquals(List.of(), StartupEvents.of("s1", bound, List.of(), "store-a", true, false, 8));
  }

  @Test
  void aJournalOfTheSameStoreOnlyRecordsACrash() {
    ReplicaState state = holding(3, "store-a");
    assertEquals(List.of(), StartupEvents.of("s1", state, List.of(), "store-a", true, false, 5));
    assertEquals(List.of(new RecordingStopped("s1", StopReason.UNCLEAN_SHUTDOWN, 3, 3, "", 5, 5)),
        StartupEvents.of("s1", state, List.of(), "store-a", true, true, 5));
  }

  @Test
  void batchesTheJournalLostComeFirstAndTheCrashIsRecordedAfterThem() {
    ReplicaState state = holding(3, "store-a");
    List<ReplicaEvent> lost = ReplicaEvent.stored("s1", 4, TestBatches.blob(4, 2), 1, 5);
    assertEquals(List.of(lost.get(0), new RecordingStopped("s1", StopReason.UNCLEAN_SHUTDOWN, 4, 4, "", 5, 5)),
        StartupEvents.of("s1", state, lost, "store-a", true, true, 5));
  }

  @Test
  void aJournalOfAStoreThatIsGoneLosesWhatItListedAndTheCrashIsRecordedAtNothingHeld() {
    ReplicaState state = holding(3, "store-a");
    List<ReplicaEvent> events = StartupEvents.of("s1", state, List.of(), "store-b", true, true, 5);
    assertEquals(List.of(new StoreLost("s1", "store-a", "store-b", SeqRanges.of(new SeqRange(1, 3)), 5),
        new RecordingStopped("s1", StopReason.UNCLEAN_SHUTDOWN, 0, 0, "", 5, 5)), events);
    ReplicaState after = state.withStoreLost("store-b");
    assertEquals(SeqRanges.EMPTY, after.held());
    assertEquals(0, after.digest());
    assertEquals("store-b", after.storeId());
  }

  @Test
  void aJournalFromBeforeStoreIdentitiesTrustsTheStoreItFinds() {
    ReplicaState stopped = holding(3, null).withServerStop(new ServerStop(StopReason.SHUTDOWN, 3, 3, 1));
    assertEquals(List.of(new StoreBound("s1", "store-a", 5)), StartupEvents.of("s1", stopped, List.of(), "store-a", true, true, 5));
  }
}

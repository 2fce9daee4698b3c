package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gapless.model.CollectorStatus;
import gapless.model.SeqEpochs;
import gapless.model.SeqRanges;
import gapless.model.StatusMark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaStateTest {

  private static StatusMark flip(long seq) {
    return new StatusMark(seq, seq % 2 == 1 ? CollectorStatus.STOPPED : CollectorStatus.RUNNING, "", seq * 1000);
  }

  @Test
  void fiftyThousandStatusFlipsKeepOnlyTheLatestChangesInTheState() {
    ReplicaState s = ReplicaState.EMPTY;
    for (long seq = 1; seq <= 50_000; seq++) {
      s = s.withBatch(seq, 0, seq, 0, 10).withStatusMark(flip(seq));
    }
    assertEquals(ReplicaState.RECENT_MARKS, s.statusMarks().size());
    assertEquals(50_000 - ReplicaState.RECENT_MARKS + 1, s.statusMarks().get(0).seq());
    assertEquals(CollectorStatus.RUNNING, s.status());
    // A change arriving late (a catch-up) never displaces the latest.
    s = s.withStatusMark(flip(3));
    assertEquals(CollectorStatus.RUNNING, s.status());
    assertEquals(ReplicaState.RECENT_MARKS, s.statusMarks().size());
  }

  @Test
  void aSnapshotFromBeforeStatusRecordsKeepsOnlyItsLatestChanges() {
    List<StatusMark> all = new ArrayList<>();
    for (long seq = 1; seq <= 100; seq++) {
      all.add(flip(seq));
    }
    ReplicaState old = new ReplicaState(SeqRanges.EMPTY, 0, 0, 0, all, Map.of(), null, null, SeqEpochs.EMPTY, 0, null, null, 0);
    assertEquals(all.subList(100 - ReplicaState.RECENT_MARKS, 100), old.statusMarks());
    assertEquals(CollectorStatus.RUNNING, old.status());
  }

  @Test
  void itKnowsWhenItsNewestBatchWasAcceptedAndASnapshotFromBeforeThatIsBoundedByWhenItWasRead() {
    ReplicaState state = ReplicaState.EMPTY
        .apply(new ReplicaEvent.BatchStored("s1", 2, 1, 5000, 10, 130, 5, 9, 7, 9000))
        .apply(new ReplicaEvent.BatchStored("s1", 1, 1, 3000, 10, 130, 5, 9, 8, 9100));
    assertEquals(5000, state.newestAcceptedAt(), "the latest accepted, whatever the order stored");
    assertEquals(5000, state.readFromSnapshot(10_000).newestAcceptedAt());
    // A snapshot from before the field reads 0 while holding batches: all were accepted before it was read.
    ReplicaState old = new ReplicaState(state.held(), 20, 260, 0, List.of(), Map.of(), null, null, SeqEpochs.EMPTY, 0, null, null, 0);
    assertEquals(10_000, old.readFromSnapshot(10_000).newestAcceptedAt());
    assertEquals(0, ReplicaState.EMPTY.readFromSnapshot(10_000).newestAcceptedAt(), "holds nothing");
  }
}

package gapless.replica;

import java.util.List;

/**
 * What a replica's journal marks said when it started ({@code gapless.store.JournalMarks}): every
 * marked seq, and the events of the marked batches its journal lacked, lost in a power cut with
 * the journal's unsynced tail. Those are journaled before the replica answers anything.
 */
record JournalCheck(List<Long> marked, List<ReplicaEvent> lost) {
  JournalCheck {
    marked = List.copyOf(marked);
    lost = List.copyOf(lost);
  }
}

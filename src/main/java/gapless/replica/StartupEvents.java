package gapless.replica;

import gapless.model.StopReason;
import gapless.replica.ReplicaEvent.StoreBound;
import gapless.replica.ReplicaEvent.StoreLost;
import java.util.ArrayList;
import java.util.List;

/**
 * What a replica records right after its first journal replay (pure). First the events of the
 * batches its store holds and its journal lost (in a power cut: {@link JournalCheck}). Its journal
 * is bound to the node's sample store ({@code StoreBound}, once); when the store the journal
 * describes is not the node's store any more (deleted, replaced, rebuilt), nothing the journal
 * lists is held here ({@code StoreLost}: everything is fetched again), instead of claiming seqs the
 * store does not have. A last run that ended while recording (and not asleep) crashed:
 * {@code RecordingStopped(UNCLEAN_SHUTDOWN)} at what is held (after the loss, if any).
 *
 * <p>A new replica (an empty journal) binds with its first event, in the same write ({@link #bound}):
 * it holds nothing until then, and thousands of new collectors would otherwise cost a journal
 * write each per replica for the binding alone.
 */
final class StartupEvents {

  private StartupEvents() {}

  /**
   * @param lost      the events of the batches the store holds and the journal lost
   * @param store     the identity of the node's sample store now
   * @param journaled whether the journal holds any event now
   * @param ranBefore whether the replay found any event (this replica ran before) and the last run
   *                  did not end asleep (a replica woken by its host did not crash)
   */
  static List<ReplicaEvent> of(String node, ReplicaState replayed, List<ReplicaEvent> lost, String store, boolean journaled,
      boolean ranBefore, long now) {
    List<ReplicaEvent> events = new ArrayList<>(lost);
    ReplicaState state = replayed;
    for (ReplicaEvent e : lost) {
      state = state.apply(e);
    }
    ReplicaState after = state;
    if (state.storeId() == null) {
      // A journal from before store identities: the store is taken as its own. An empty one binds with its first event.
      if (journaled) {
        events.add(new StoreBound(node, store, now));
      }
    } else if (!state.storeId().equals(store)) {
      events.add(new StoreLost(node, state.storeId(), store, state.held(), now));
      after = state.withStoreLost(store);
    }
    if (ranBefore && state.isRecording()) {
      events.add(ReplicaEvent.stopped(node, after, StopReason.UNCLEAN_SHUTDOWN, now));
    }
    return events;
  }

  /** {@code events}, led by the binding to {@code store} while the journal has none. */
  static List<ReplicaEvent> bound(String node, ReplicaState state, String store, List<ReplicaEvent> events, long now) {
    if (state.storeId() != null) {
      return events;
    }
    List<ReplicaEvent> all = new ArrayList<>(events.size() + 1);
    all.add(new StoreBound(node, store, now));
    all.addAll(events);
    return all;
  }
}

package gapless.replica;

import gapless.model.StopReason;
import gapless.replica.ReplicaEvent.StoreBound;
import gapless.replica.ReplicaEvent.StoreLost;
import java.util.ArrayList;
import java.util.List;

/**
 * What a replica records right after its first journal replay (pure). Its journal is bound to the
 * node's sample store ({@code StoreBound}, once); when the store the journal describes is not the
 * node's store any more (deleted, replaced, rebuilt), nothing the journal lists is held here
 * ({@code StoreLost}: everything is fetched again), instead of claiming seqs the store does not
 * have. A last run that ended while recording crashed: {@code RecordingStopped(UNCLEAN_SHUTDOWN)}
 * at what is held (after the loss, if any).
 */
final class StartupEvents {

  private StartupEvents() {}

  /**
   * @param store          the identity of the node's sample store now
   * @param replayedEvents whether the replay found any event (this replica ran before)
   */
  static List<ReplicaEvent> of(String node, ReplicaState state, String store, boolean replayedEvents, long now) {
    List<ReplicaEvent> events = new ArrayList<>(2);
    ReplicaState after = state;
    if (state.storeId() == null) {
      // A new replica, or a journal from before store identities: the store is taken as its own.
      events.add(new StoreBound(node, store, now));
    } else if (!state.storeId().equals(store)) {
      events.add(new StoreLost(node, state.storeId(), store, state.held(), now));
      after = state.withStoreLost(store);
    }
    if (replayedEvents && state.isRecording()) {
      events.add(ReplicaEvent.stopped(node, after, StopReason.UNCLEAN_SHUTDOWN, now));
    }
    return events;
  }
}

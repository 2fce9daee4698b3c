package gapless.recovery;

import akka.actor.typed.ActorRef;
import gapless.model.SeqEpochs;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.replica.ReplicaProtocol;
import gapless.replica.ReplicaHost;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data of a {@link Recovery} phase, passed to the phase's behavior; immutable, every change
 * returns a new one. Starting has none beyond the progress.
 */
sealed interface RecoveryPhase {

  RecoveryProgress progress();

  /** Probing: what the replica said, the siblings asked, the siblings that answered. */
  record Probing(
      ReplicaProtocol.RecoveryInfo info, Map<String, ActorRef<ReplicaHost.Command>> asked,
      Map<String, ReplicaProtocol.EventIndex> indexes, RecoveryProgress progress) implements RecoveryPhase {

    Probing with(String sibling, ActorRef<ReplicaHost.Command> host) {
      Map<String, ActorRef<ReplicaHost.Command>> more = new LinkedHashMap<>(asked);
      more.put(sibling, host);
      return new Probing(info, more, indexes, progress);
    }

    Probing with(ReplicaProtocol.EventIndex index) {
      Map<String, ReplicaProtocol.EventIndex> more = new LinkedHashMap<>(indexes);
      more.put(index.node(), index);
      return new Probing(info, asked, more, progress);
    }

    Probing with(RecoveryProgress p) {
      return new Probing(info, asked, indexes, p);
    }

    /**
     * What each sibling that answered holds; on the second look only below the newest seq held
     * here, since the live path brings those above it.
     */
    Map<String, SeqRanges> holdings() {
      SeqRanges below = SeqRanges.of(new SeqRange(1, Math.max(1, info.held().highest())));
      Map<String, SeqRanges> holdings = new LinkedHashMap<>();
      indexes.forEach((sibling, index) -> holdings.put(sibling, progress.probes() == 1 ? index.held() : index.held().intersect(below)));
      return holdings;
    }

    /** The epochs of what each sibling that answered holds. */
    Map<String, SeqEpochs> epochs() {
      Map<String, SeqEpochs> epochs = new LinkedHashMap<>();
      indexes.forEach((sibling, index) -> epochs.put(sibling, index.epochs() == null ? SeqEpochs.EMPTY : index.epochs()));
      return epochs;
    }
  }

  /** Fetching: the siblings' hosts, the plan, both slots, the last request id used. */
  record Fetching(
      Map<String, ActorRef<ReplicaHost.Command>> hosts, RecoveryPlan plan, List<FetchSlot> slots, long requests,
      RecoveryProgress progress) implements RecoveryPhase {

    Fetching with(int i, FetchSlot slot) {
      FetchSlot[] all = slots.toArray(FetchSlot[]::new);
      all[i] = slot;
      return new Fetching(hosts, plan, List.of(all), requests, progress);
    }

    Fetching with(RecoveryPlan p) {
      return new Fetching(hosts, p, slots, requests, progress);
    }

    Fetching with(RecoveryProgress p) {
      return new Fetching(hosts, plan, slots, requests, p);
    }

    Fetching nextRequest() {
      return new Fetching(hosts, plan, slots, requests + 1, progress);
    }

    long busy() {
      return slots.stream().filter(s -> !(s instanceof FetchSlot.Idle)).count();
    }
  }

  /** Finishing: what was done, why it is not complete (null when it is), what nobody could serve. */
  record Finishing(RecoveryProgress progress, String failure, SeqRanges unrecoverable) implements RecoveryPhase {
    boolean complete() {
      return failure == null;
    }
  }
}

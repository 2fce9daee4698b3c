package gapless.replica;

import akka.actor.typed.ActorRef;
import gapless.model.RecoveryTrigger;
import gapless.replica.ReplicaProtocol.SyncStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A replica's exchange with its siblings: the periodic report of what it holds (through its host,
 * which gathers the reports of all its replicas per sibling node and sends them to the reachable
 * ones), and what follows from a sibling's report (a seq both now hold, a lag or a stale seq that
 * asks for a recovery). The rules are {@link SiblingSync}'s; this sends. Used from the replica's
 * actor only.
 */
final class SiblingLink {

  private final String node;
  private final String collector;
  private final List<String> siblings;
  private final SiblingSync sync;
  private final ActorRef<ReplicaHost.Command> host;
  private final ActorRef<RecoveryRequest> recovery;
  // The confirmed seq each sibling was last journaled as lost at (PeerUnreachable), since the replica started.
  private final Map<String, Long> lostAt = new HashMap<>();

  /** {@code siblings}: the other nodes of the collector's replica set; {@code host}: this node's replica host. */
  SiblingLink(String node, String collector, List<String> siblings, SiblingSync sync, ActorRef<ReplicaHost.Command> host,
      ActorRef<RecoveryRequest> recovery) {
    this.node = node;
    this.collector = collector;
    this.siblings = List.copyOf(siblings);
    this.sync = sync;
    this.host = host;
    this.recovery = recovery;
  }

  SiblingSync sync() {
    return sync;
  }

  /**
   * Whether {@code sibling} was journaled lost at this very confirmed seq already: a flapping
   * sibling would otherwise add an event per flap, telling nothing new.
   */
  boolean lostBefore(String sibling, long confirmed) {
    Long before = lostAt.get(sibling);
    return before != null && before == confirmed;
  }

  void lostRecorded(String sibling, long confirmed) {
    lostAt.put(sibling, confirmed);
  }

  /** Every sync interval: report to the siblings when due, and ask for a recovery when behind one. */
  void tick(ReplicaState state, boolean recovering) {
    long contiguous = state.held().contiguous();
    if (sync.statusDue(contiguous)) {
      // Only the epochs of what is not yet confirmed with that sibling: all it may still confirm.
      siblings.forEach(sibling -> host.tell(new SiblingHosts.Report(sibling, new SyncStatus(collector, node, contiguous,
          state.epochs().clip(state.confirmedWith(sibling) + 1, contiguous)))));
    }
    sync.behindSibling(contiguous, recovering).ifPresent(target -> recovery.tell(new RecoveryRequest.Recover(
        collector, RecoveryTrigger.BEHIND_SIBLING, "holds 1.." + contiguous + ", a sibling holds 1.." + target)));
  }

  /**
   * Every sibling of the set confirmed all this replica holds (journaled, so a sleeping replica's
   * view still tells the scrub how far every replica holds), and every one that reported since
   * this replica started holds the same.
   */
  boolean inStep(ReplicaState state, List<String> replicaSet) {
    long contiguous = state.held().contiguous();
    return replicaSet.stream().allMatch(r -> r.equals(node) || state.confirmedWith(r) >= contiguous)
        && sync.peers().values().stream().allMatch(seq -> seq == contiguous);
  }

  /** A sibling's report: the seq both now hold, if one is to be confirmed; a stale seq asks for a recovery. */
  OptionalLong reported(ReplicaState state, SyncStatus s, boolean recovering, long now) {
    SiblingSync.Reported r = sync.siblingReported(s.peer(), s.contiguousSeq(), s.epochs(), state.held().contiguous(),
        state.epochs(), state.confirmedWith(s.peer()), now);
    r.staleSeq().ifPresent(seq -> {
      if (!recovering) {
        recovery.tell(new RecoveryRequest.Recover(collector, RecoveryTrigger.STALE_EPOCH, "holds seq " + seq + " under epoch "
            + r.ownEpoch() + ", sibling " + s.peer() + " holds it under epoch " + r.peerEpoch()));
      }
    });
    return r.confirm();
  }
}

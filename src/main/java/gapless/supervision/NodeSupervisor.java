package gapless.supervision;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.cluster.ClusterEvent.MemberDowned;
import akka.cluster.ClusterEvent.MemberEvent;
import akka.cluster.ClusterEvent.MemberRemoved;
import akka.cluster.ClusterEvent.MemberUp;
import akka.cluster.ClusterEvent.ReachabilityEvent;
import akka.cluster.ClusterEvent.UnreachableMember;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import gapless.config.GaplessSettings;
import gapless.events.EventLog;
import gapless.model.RecoveryTrigger;
import gapless.model.StopReason;
import gapless.replica.ReplicaHost;
import java.util.stream.StreamSupport;

/**
 * Turns this storage node's view of the cluster into commands for its replicas; holds no business
 * logic. A sibling unreachable, downed or removed: the replicas sharing a set with it record
 * {@code PeerUnreachable}. This node lost the cluster (fewer than a majority of the storage nodes
 * reachable from here, or itself downed): every replica records {@code RecordingStopped}. This
 * node up, or back with a majority: every replica recovers.
 */
public final class NodeSupervisor extends AbstractBehavior<NodeSupervisor.Command> {

  /** Local only: cluster signals through adapters. */
  public interface Command extends NoSerializationVerificationNeeded {}

  private record Membership(MemberEvent event) implements Command {}

  private record Reachability(ReachabilityEvent event) implements Command {}

  private final GaplessSettings settings;
  private final ActorRef<ReplicaHost.Command> host;
  private final Cluster cluster;
  private boolean up;
  private boolean sawMajority;
  private boolean offline;

  public static Behavior<Command> create(GaplessSettings settings, ActorRef<ReplicaHost.Command> host) {
    return Behaviors.setup(ctx -> new NodeSupervisor(ctx, settings, host));
  }

  private NodeSupervisor(ActorContext<Command> context, GaplessSettings settings, ActorRef<ReplicaHost.Command> host) {
    super(context);
    this.settings = settings;
    this.host = host;
    this.cluster = Cluster.get(context.getSystem());
    cluster.subscriptions().tell(Subscribe.create(context.messageAdapter(MemberEvent.class, Membership::new), MemberEvent.class));
    cluster.subscriptions().tell(Subscribe.create(context.messageAdapter(ReachabilityEvent.class, Reachability::new), ReachabilityEvent.class));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Membership.class, m -> onMembership(m.event()))
        .onMessage(Reachability.class, r -> onReachability(r.event()))
        .build();
  }

  private boolean isSelf(Member m) {
    return m.uniqueAddress().equals(cluster.selfMember().uniqueAddress());
  }

  private boolean isStoragePeer(Member m) {
    return !isSelf(m) && settings.storageNodes().contains(EventLog.nodeIdOf(m));
  }

  private Behavior<Command> onMembership(MemberEvent e) {
    Member m = e.member();
    if (e instanceof MemberUp && isSelf(m)) {
      up = true;
      host.tell(new ReplicaHost.RecoverAll(RecoveryTrigger.NODE_UP));
    } else if ((e instanceof MemberDowned || e instanceof MemberRemoved) && isSelf(m)) {
      goOffline();
    } else if ((e instanceof MemberDowned || e instanceof MemberRemoved) && isStoragePeer(m)) {
      host.tell(new ReplicaHost.PeerDown(EventLog.nodeIdOf(m)));
    }
    return checkMajority();
  }

  private Behavior<Command> onReachability(ReachabilityEvent e) {
    if (e instanceof UnreachableMember && isStoragePeer(e.member())) {
      host.tell(new ReplicaHost.PeerDown(EventLog.nodeIdOf(e.member())));
    }
    return checkMajority();
  }

  /** Offline when fewer than a majority of the configured storage nodes are up and reachable from here. */
  private Behavior<Command> checkMajority() {
    if (!up) {
      return this;
    }
    var state = cluster.state();
    long reachableStorage = StreamSupport.stream(state.getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp())
        .filter(m -> settings.storageNodes().contains(EventLog.nodeIdOf(m)))
        .filter(m -> isSelf(m) || !state.getUnreachable().contains(m))
        .count();
    boolean majority = reachableStorage >= settings.storageNodes().size() / 2 + 1;
    // Until a majority was seen once (start-up, peers still joining) there is nothing to lose.
    sawMajority |= majority;
    if (!majority && !offline && sawMajority) {
      goOffline();
    } else if (majority && offline && cluster.selfMember().status() == MemberStatus.up()) {
      offline = false;
      getContext().getLog().info("Storage majority reachable again: recovering every replica");
      host.tell(new ReplicaHost.RecoverAll(RecoveryTrigger.REJOINED));
    }
    return this;
  }

  private void goOffline() {
    if (!offline) {
      offline = true;
      getContext().getLog().warn("Lost the cluster: every replica records that recording stopped");
      host.tell(new ReplicaHost.StopAllRecording(StopReason.SERVER_OFFLINE, getContext().getSystem().ignoreRef()));
    }
  }
}

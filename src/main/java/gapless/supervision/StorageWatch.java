package gapless.supervision;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import java.time.Duration;
import java.util.stream.StreamSupport;

/**
 * On a node without the storage role (a gateway): notices that the storage nodes left it behind.
 * A partition between storage nodes that the gateways still bridge makes every storage node
 * "indirectly connected" for the split-brain resolver, which downs them all; they restart and form
 * the cluster again through the seeds, while the gateways stay Up in the old cluster with nobody to
 * write to, for good. So when this node, an Up member, has seen no storage node Up and reachable
 * for {@code rejoinAfter}, it downs itself, and the node process starts it again with the same id
 * and data, which joins the storage nodes' cluster. Holds no other logic.
 */
public final class StorageWatch {

  /** Local only: a timer. */
  public enum Command implements NoSerializationVerificationNeeded { CHECK }

  private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  private StorageWatch() {}

  public static Behavior<Command> create(String nodeId, Duration rejoinAfter, ActorRef<EventLog.Command> eventLog) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Command.CHECK, CHECK_EVERY);
      Cluster cluster = Cluster.get(ctx.getSystem());
      long[] lastSeen = {System.nanoTime()};
      return Behaviors.receiveMessage(check -> {
        if (cluster.selfMember().status() != MemberStatus.up() || storageReachable(cluster)) {
          lastSeen[0] = System.nanoTime();
          return Behaviors.same();
        }
        if (System.nanoTime() - lastSeen[0] < rejoinAfter.toNanos()) {
          return Behaviors.same();
        }
        String reason = "no storage node up and reachable for " + rejoinAfter.toSeconds() + " s";
        ctx.getLog().warn("[{}]: {}; leaving this cluster to join the storage nodes' cluster again", nodeId, reason);
        eventLog.tell(new EventLog.Emit(ClusterEvents.nodeRejoining(nodeId, reason)));
        cluster.manager().tell(new Down(cluster.selfMember().address()));
        return Behaviors.stopped();
      });
    }));
  }

  private static boolean storageReachable(Cluster cluster) {
    var state = cluster.state();
    return StreamSupport.stream(state.getMembers().spliterator(), false)
        .filter(m -> m.hasRole("storage") && m.status() == MemberStatus.up())
        .anyMatch((Member m) -> !state.getUnreachable().contains(m));
  }
}

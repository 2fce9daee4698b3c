package gapless.supervision;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent.MemberEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import akka.cluster.typed.Subscribe;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import gapless.security.PeerIdentified;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * One node id, one member, and the member the node it claims to be: a node id names a data
 * directory, a replica set's member and an event file, so a system must not join under an id
 * that is not its own. On the cluster's leader:
 *
 * <ul>
 *   <li>a member that joins with an id another member at another address holds (two servers given
 *       the same conf, or one posing as another) is downed;
 *   <li>with TLS on, a member whose certificate (seen when this node connects to it) names another
 *       node than the id it claims is downed: a stolen or copied keystore cannot make a gateway's
 *       certificate a storage node.
 * </ul>
 *
 * Either way the leader says so ({@code NODE_ID_TAKEN}). A new incarnation at the same address is a
 * restart, which Akka settles itself.
 */
public final class NodeIdGuard {

  /** Local only: what the guard hears. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Changed(MemberEvent event) implements Command {}

  private record Identified(PeerIdentified peer) implements Command {}

  private NodeIdGuard() {}

  public static Behavior<Command> create(String nodeId, ActorRef<EventLog.Command> eventLog) {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(MemberEvent.class, Changed::new), MemberEvent.class));
      ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(PeerIdentified.class,
          ctx.messageAdapter(PeerIdentified.class, Identified::new)));
      Map<String, String> certified = new HashMap<>();
      Set<Member> downed = new HashSet<>();
      return Behaviors.receiveMessage(message -> {
        if (message instanceof Identified i) {
          certified.put(i.peer().hostPort(), i.peer().certifiedId());
        }
        if (!cluster.selfMember().address().equals(cluster.state().getLeader())) {
          return Behaviors.same();
        }
        for (Member m : cluster.state().getMembers()) {
          if (!isLive(m) || downed.contains(m)) {
            continue;
          }
          String claimed = EventLog.nodeIdOf(m);
          String cn = certified.get(m.address().host().get() + ":" + m.address().port().get());
          Optional<String> why = holderOf(cluster, m).map(holder -> "which " + holder.address() + " holds")
              .or(() -> cn != null && !cn.equals(claimed) ? Optional.of("but its certificate is " + cn + "'s") : Optional.empty());
          why.ifPresent(reason -> {
            String detail = m.address() + " claims node id " + claimed + ", " + reason + ": downed";
            ctx.getLog().warn(detail);
            eventLog.tell(new EventLog.Emit(ClusterEvents.nodeIdTaken(nodeId, claimed, m.address().toString(), detail)));
            cluster.manager().tell(new Down(m.address()));
            downed.add(m);
          });
        }
        return Behaviors.same();
      });
    });
  }

  /** An older live member at another address with the newcomer's node id, if any. */
  static Optional<Member> holderOf(Cluster cluster, Member newcomer) {
    String id = EventLog.nodeIdOf(newcomer);
    return StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .filter(m -> isLive(m) && !m.equals(newcomer) && EventLog.nodeIdOf(m).equals(id))
        .filter(m -> !sameHostAndPort(m, newcomer) && isOlder(m, newcomer))
        .findFirst();
  }

  private static boolean isLive(Member m) {
    MemberStatus s = m.status();
    return s == MemberStatus.joining() || s == MemberStatus.weaklyUp() || s == MemberStatus.up();
  }

  /** An Up member is older than one still joining; of two Up members, the one Up first. */
  private static boolean isOlder(Member a, Member b) {
    if (a.status() == MemberStatus.up() && b.status() != MemberStatus.up()) {
      return true;
    }
    return a.status() == MemberStatus.up() && b.status() == MemberStatus.up() && a.isOlderThan(b);
  }

  private static boolean sameHostAndPort(Member a, Member b) {
    return a.address().host().equals(b.address().host()) && a.address().port().equals(b.address().port());
  }
}

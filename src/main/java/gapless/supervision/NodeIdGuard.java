package gapless.supervision;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent.MemberEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import akka.cluster.typed.Subscribe;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * One node id, one member: a node id names a data directory, a replica set's member and an event
 * file, so a second system that claims an id a member already holds (two servers given the same
 * conf, or one posing as another) must not join. When a member joins whose id another member at
 * another address holds, the cluster's leader downs the newcomer and says so ({@code
 * NODE_ID_TAKEN}). A new incarnation at the same address is a restart, which Akka settles itself.
 */
public final class NodeIdGuard {

  /** Local only: a membership change, adapted. */
  public record Changed(MemberEvent event) implements NoSerializationVerificationNeeded {}

  private NodeIdGuard() {}

  public static Behavior<Changed> create(String nodeId, ActorRef<EventLog.Command> eventLog) {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(MemberEvent.class, Changed::new), MemberEvent.class));
      return Behaviors.receiveMessage(changed -> {
        Member newcomer = changed.event().member();
        if (!isLive(newcomer) || !cluster.selfMember().address().equals(cluster.state().getLeader())) {
          return Behaviors.same();
        }
        holderOf(cluster, newcomer).ifPresent(holder -> {
          String claimed = EventLog.nodeIdOf(newcomer);
          String detail = newcomer.address() + " claims node id " + claimed + ", which " + holder.address()
              + " holds: downed";
          ctx.getLog().warn(detail);
          eventLog.tell(new EventLog.Emit(ClusterEvents.nodeIdTaken(nodeId, claimed, newcomer.address().toString(), detail)));
          cluster.manager().tell(new Down(newcomer.address()));
        });
        return Behaviors.same();
      });
    });
  }

  /** An older live member at another address with the newcomer's node id, if any. */
  static Optional<Member> holderOf(Cluster cluster, Member newcomer) {
    String id = EventLog.nodeIdOf(newcomer);
    List<Member> holders = StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .filter(m -> isLive(m) && !m.equals(newcomer) && EventLog.nodeIdOf(m).equals(id))
        .filter(m -> !sameHostAndPort(m, newcomer))
        .toList();
    return holders.stream().filter(m -> isOlder(m, newcomer)).findFirst();
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

package gapless.events;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.Terminated;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.pubsub.Topic;
import akka.cluster.ClusterEvent.MemberDowned;
import akka.cluster.ClusterEvent.MemberEvent;
import akka.cluster.ClusterEvent.MemberRemoved;
import akka.cluster.ClusterEvent.MemberUp;
import akka.cluster.ClusterEvent.ReachabilityEvent;
import akka.cluster.ClusterEvent.ReachableMember;
import akka.cluster.ClusterEvent.UnreachableMember;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import gapless.CborSerializable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The node's part of the cluster event log. Turns cluster membership and reachability changes
 * into events, takes events emitted by this node's actors, writes this node's events to
 * {@code <log-dir>/<node-id>-events.jsonl} and the console, and publishes them on a cluster-wide
 * topic. From that topic it keeps the recent events of every node, so any node can show the
 * whole cluster's log and stream it to followers.
 */
public final class EventLog extends AbstractBehavior<EventLog.Command> {

  /**
   * Messages the event log handles. Only {@link ClusterEvent}s come from other nodes (through the
   * topic); everything else is this node's own and cannot be serialized, so no other node can
   * write to this node's event file.
   */
  public interface Command {}

  /** Record an event that happened on this node. */
  public record Emit(ClusterEvent event) implements Command, NoSerializationVerificationNeeded {}

  /** Ask for the most recent cluster-wide events, oldest first. */
  public record GetRecent(int limit, ActorRef<Recent> replyTo) implements Command, NoSerializationVerificationNeeded {}

  public record Recent(List<ClusterEvent> events) implements CborSerializable {}

  /** Stream every cluster-wide event from now on to {@code subscriber}, until it stops. */
  public record Follow(ActorRef<ClusterEvent> subscriber) implements Command, NoSerializationVerificationNeeded {}

  private record Membership(MemberEvent event) implements Command, NoSerializationVerificationNeeded {}

  private record Reachability(ReachabilityEvent event) implements Command, NoSerializationVerificationNeeded {}

  private record Refused(PeerRefused refused) implements Command, NoSerializationVerificationNeeded {}

  public static final String ROLE_PREFIX = "node-";
  /** Events of the whole cluster kept for {@code GetRecent}, newest last. */
  public static final int KEEP = 2000;

  /** The name of {@code node}'s event file in the log directory; it survives kill -9. */
  public static String fileName(String node) {
    return node + FILE_SUFFIX;
  }

  /** What every node's event file name ends with. */
  public static final String FILE_SUFFIX = "-events.jsonl";

  private final String node;
  private final RotatingFile file;
  private final ActorRef<Topic.Command<ClusterEvent>> topic;
  private final ArrayDeque<ClusterEvent> recent = new ArrayDeque<>();
  private final Set<ActorRef<ClusterEvent>> followers = new HashSet<>();

  /** {@code maxFileBytes}, {@code keepFiles}: when the file is rotated, and how many rotated files are kept. */
  public static Behavior<Command> create(String node, Path logDir, long maxFileBytes, int keepFiles) {
    return Behaviors.setup(ctx -> new EventLog(ctx, node, logDir, maxFileBytes, keepFiles));
  }

  /** The stable node id of a member: carried as its role {@code node-<id>}. */
  public static String nodeIdOf(Member member) {
    return member.getRoles().stream().filter(r -> r.startsWith(ROLE_PREFIX))
        .map(r -> r.substring(ROLE_PREFIX.length())).findFirst().orElse(member.address().toString());
  }

  /** The roles an operator set (storage, gateway), without Akka's and Gapless' own markers. */
  public static List<String> publicRoles(Member member) {
    return member.getRoles().stream().filter(r -> !r.startsWith(ROLE_PREFIX) && !r.startsWith("dc-")).sorted().toList();
  }

  private EventLog(ActorContext<Command> context, String node, Path logDir, long maxFileBytes, int keepFiles)
      throws IOException {
    super(context);
    this.node = node;
    Files.createDirectories(logDir);
    this.file = new RotatingFile(logDir.resolve(fileName(node)), maxFileBytes, keepFiles);
    this.topic = context.spawn(Topic.create(ClusterEvent.class, "gapless-cluster-events"), "topic");
    topic.tell(Topic.subscribe(context.getSelf().narrow()));
    Cluster cluster = Cluster.get(context.getSystem());
    cluster.subscriptions().tell(Subscribe.create(context.messageAdapter(MemberEvent.class, Membership::new), MemberEvent.class));
    cluster.subscriptions().tell(Subscribe.create(context.messageAdapter(ReachabilityEvent.class, Reachability::new), ReachabilityEvent.class));
    context.getSystem().eventStream().tell(new EventStream.Subscribe<>(PeerRefused.class,
        context.messageAdapter(PeerRefused.class, Refused::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Emit.class, e -> record(e.event()))
        .onMessage(ClusterEvent.class, this::onClusterWide)
        .onMessage(Membership.class, this::onMembership)
        .onMessage(Reachability.class, this::onReachability)
        .onMessage(Refused.class, r -> record(ClusterEvents.peerRefused(node, r.refused().peer(), r.refused().detail())))
        .onMessage(GetRecent.class, this::onGetRecent)
        .onMessage(Follow.class, this::onFollow)
        .onSignal(Terminated.class, t -> {
          followers.remove(t.getRef());
          return this;
        })
        .onSignal(PostStop.class, s -> {
          closeFile();
          return this;
        })
        .build();
  }

  private Behavior<Command> onMembership(Membership m) {
    Member member = m.event().member();
    String peer = nodeIdOf(member);
    String address = member.address().toString();
    List<String> roles = publicRoles(member);
    if (m.event() instanceof MemberUp) {
      record(ClusterEvents.memberUp(node, peer, address, roles));
    } else if (m.event() instanceof MemberDowned) {
      record(ClusterEvents.memberDowned(node, peer, address, roles));
    } else if (m.event() instanceof MemberRemoved) {
      record(ClusterEvents.memberRemoved(node, peer, address, roles));
    }
    return this;
  }

  private Behavior<Command> onReachability(Reachability r) {
    Member member = r.event().member();
    if (r.event() instanceof UnreachableMember) {
      record(ClusterEvents.memberUnreachable(node, nodeIdOf(member), member.address().toString()));
    } else if (r.event() instanceof ReachableMember) {
      record(ClusterEvents.memberReachable(node, nodeIdOf(member), member.address().toString()));
    }
    return this;
  }

  /** An event of this node: to the file and console, then to every node through the topic. */
  private Behavior<Command> record(ClusterEvent event) {
    String line = event.toJsonLine();
    getContext().getLog().info("EVENT {}", line);
    try {
      file.writeLine(line);
    } catch (IOException e) {
      getContext().getLog().error("Cannot write the event log file", e);
    }
    topic.tell(Topic.publish(event));
    return this;
  }

  private Behavior<Command> onClusterWide(ClusterEvent event) {
    recent.addLast(event);
    while (recent.size() > KEEP) {
      recent.removeFirst();
    }
    followers.forEach(f -> f.tell(event));
    return this;
  }

  private Behavior<Command> onGetRecent(GetRecent q) {
    List<ClusterEvent> all = new ArrayList<>(recent);
    int from = Math.max(0, all.size() - Math.max(0, q.limit()));
    q.replyTo().tell(new Recent(List.copyOf(all.subList(from, all.size()))));
    return this;
  }

  private Behavior<Command> onFollow(Follow f) {
    followers.add(f.subscriber());
    getContext().watch(f.subscriber());
    return this;
  }

  private void closeFile() {
    try {
      file.close();
    } catch (IOException e) {
      getContext().getLog().warn("Closing the event log file failed", e);
    }
  }
}

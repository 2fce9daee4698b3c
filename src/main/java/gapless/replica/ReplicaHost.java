package gapless.replica;

import com.fasterxml.jackson.annotation.JsonCreator;
import akka.Done;
import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import gapless.CborSerializable;
import gapless.config.GaplessSettings;
import gapless.events.EventLog;
import gapless.store.SampleStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import akka.actor.typed.ActorSystem;
import java.util.Collection;
import java.util.Optional;

/**
 * The storage side of a node: owns one {@link Replica} per collector this node holds (all of them
 * are started with the host, so a crashed replica notices at once that it must record a stop and
 * recover) and the node's recovery runner. Routes commands to replicas by collector id
 * and fans the supervisor's node-wide signals out to them. Registered with the receptionist under a
 * key named after the node id, so other nodes address "the replicas on s2" by configuration.
 */
public final class ReplicaHost extends AbstractBehavior<ReplicaHost.Command> {

  /** Messages the host handles; {@link ReplicaProtocol.CollectorCommand}s are routed to the replica. */
  public interface Command extends CborSerializable {}

  /** List the collectors this node holds a replica of. */
  public record ListCollectors(ActorRef<CollectorList> replyTo) implements Command {}

  public record CollectorList(String node, List<String> collectors) implements CborSerializable {}

  /** Ask which node this host is and where its HTTP API listens. */
  public record Describe(ActorRef<HostInfo> replyTo) implements Command {}

  public record HostInfo(String node, String httpUrl) implements CborSerializable {}

  /** Every local replica records that recording stopped; answered when all have. */
  public record StopAllRecording(StopReason reason, ActorRef<Done> replyTo) implements Command {}

  /** A sibling node became unreachable or left: the replicas sharing a set with it record it. */
  public record PeerDown(String peer) implements Command {}

  /** Recover every local replica (start-up, rejoined the cluster). */
  public record RecoverAll(RecoveryTrigger trigger) implements Command {
    @JsonCreator
    public RecoverAll {}
  }

  private record StoredCollectors(List<String> collectors, ActorRef<CollectorList> replyTo)
      implements Command, NoSerializationVerificationNeeded {}

  private record Opened(List<String> collectors) implements Command, NoSerializationVerificationNeeded {}

  private record StopRecorded(Done done) implements Command, NoSerializationVerificationNeeded {}

  private static final String KEY_PREFIX = "replica-host-";

  public static ServiceKey<Command> serviceKey(String nodeId) {
    return ServiceKey.create(Command.class, KEY_PREFIX + nodeId);
  }

  /** Subscribes {@code subscriber} to the replica hosts of {@code nodes}: one listing per change. */
  public static void subscribe(ActorSystem<?> system, Collection<String> nodes, ActorRef<Receptionist.Listing> subscriber) {
    nodes.forEach(node -> system.receptionist().tell(Receptionist.subscribe(serviceKey(node), subscriber)));
  }

  /** The node a listing of replica hosts is about. */
  public static String nodeOf(Receptionist.Listing listing) {
    return listing.getKey().id().substring(KEY_PREFIX.length());
  }

  /** The node's replica host, if the listing has it and it is reachable. */
  public static Optional<ActorRef<Command>> reachableHost(Receptionist.Listing listing) {
    return listing.getServiceInstances(serviceKey(nodeOf(listing))).stream().findFirst();
  }

  private final GaplessSettings settings;
  private final ReplicaServices services;
  private final Executor storeExecutor;
  private final ActorRef<RecoveryRequest> recovery;
  private final Map<String, ActorRef<ReplicaProtocol.Command>> replicas = new HashMap<>();
  private final List<ActorRef<Done>> stopWaiters = new ArrayList<>();
  private int stopsPending;

  /** Makes the node's recovery runner from this host and the shared services (it lives in another package). */
  public interface RecoveryRunnerFactory extends BiFunction<ActorRef<Command>, ReplicaServices, Behavior<RecoveryRequest>> {}

  public static Behavior<Command> create(
      GaplessSettings settings, SampleStore store, ActorRef<EventLog.Command> eventLog, RecoveryRunnerFactory recoveries) {
    return Behaviors.setup(ctx -> new ReplicaHost(ctx, settings, store, eventLog, recoveries));
  }

  private ReplicaHost(ActorContext<Command> context, GaplessSettings settings, SampleStore store,
      ActorRef<EventLog.Command> eventLog, RecoveryRunnerFactory recoveries) {
    super(context);
    this.settings = settings;
    this.services = new ReplicaServices(settings, store, new Placement(settings.storageNodes(), settings.replicationFactor()), eventLog);
    this.storeExecutor = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("gapless-store-dispatcher"));
    this.recovery = context.spawn(recoveries.apply(context.getSelf(), services), "recovery");
    context.pipeToSelf(CompletableFuture.supplyAsync(store::collectors, storeExecutor),
        (stored, failure) -> new Opened(failure == null ? stored : List.of()));
    context.getSystem().receptionist().tell(Receptionist.register(serviceKey(settings.nodeId()), context.getSelf()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ReplicaProtocol.CollectorCommand.class, this::route)
        .onMessage(Opened.class, o -> {
          o.collectors().forEach(this::replicaOf);
          return this;
        })
        .onMessage(ListCollectors.class, this::onListCollectors)
        .onMessage(StoredCollectors.class, this::onStoredCollectors)
        .onMessage(Describe.class, d -> {
          d.replyTo().tell(new HostInfo(settings.nodeId(), "http://" + settings.httpHost() + ":" + settings.httpPort()));
          return this;
        })
        .onMessage(StopAllRecording.class, this::onStopAll)
        .onMessage(StopRecorded.class, this::onStopRecorded)
        .onMessage(PeerDown.class, this::onPeerDown)
        .onMessage(RecoverAll.class, r -> {
          recovery.tell(new RecoveryRequest.RecoverAll(r.trigger()));
          return this;
        })
        .build();
  }

  private Behavior<Command> route(ReplicaProtocol.CollectorCommand cmd) {
    ActorRef<ReplicaProtocol.Command> replica = replicas.get(cmd.collector());
    // Placement is only worked out for a collector seen here for the first time, not per message.
    if (replica == null && !services.placement().holds(settings.nodeId(), cmd.collector())) {
      getContext().getLog().warn("Dropped [{}]: node [{}] holds no replica of [{}]",
          cmd.getClass().getSimpleName(), settings.nodeId(), cmd.collector());
      return this;
    }
    (replica != null ? replica : replicaOf(cmd.collector())).tell(cmd);
    return this;
  }

  private ActorRef<ReplicaProtocol.Command> replicaOf(String collector) {
    return replicas.computeIfAbsent(collector,
        id -> getContext().spawn(Replica.create(id, services, recovery), "replica-" + id));
  }

  private Behavior<Command> onListCollectors(ListCollectors cmd) {
    // The store knows every collector ever written here, including ones not yet woken up.
    getContext().pipeToSelf(CompletableFuture.supplyAsync(services.store()::collectors, storeExecutor),
        (stored, failure) -> new StoredCollectors(failure == null ? stored : List.of(), cmd.replyTo()));
    return this;
  }

  private Behavior<Command> onStoredCollectors(StoredCollectors msg) {
    // Replicas started by a sibling's report (a replacement node) count before their first write.
    TreeSet<String> all = new TreeSet<>(msg.collectors());
    all.addAll(replicas.keySet());
    msg.replyTo().tell(new CollectorList(settings.nodeId(), List.copyOf(all)));
    return this;
  }

  private Behavior<Command> onStopAll(StopAllRecording cmd) {
    stopWaiters.add(cmd.replyTo());
    ActorRef<Done> adapter = getContext().messageAdapter(Done.class, StopRecorded::new);
    for (Map.Entry<String, ActorRef<ReplicaProtocol.Command>> r : replicas.entrySet()) {
      stopsPending++;
      r.getValue().tell(new ReplicaProtocol.StopRecording(r.getKey(), cmd.reason(), adapter));
    }
    return answerStopWaitersIfDone();
  }

  private Behavior<Command> onStopRecorded(StopRecorded s) {
    stopsPending--;
    return answerStopWaitersIfDone();
  }

  private Behavior<Command> answerStopWaitersIfDone() {
    if (stopsPending <= 0) {
      stopsPending = 0;
      stopWaiters.forEach(w -> w.tell(Done.getInstance()));
      stopWaiters.clear();
    }
    return this;
  }

  private Behavior<Command> onPeerDown(PeerDown p) {
    replicas.forEach((collector, replica) -> {
      if (services.placement().holds(p.peer(), collector)) {
        replica.tell(new ReplicaProtocol.PeerLost(collector, p.peer()));
      }
    });
    return this;
  }
}

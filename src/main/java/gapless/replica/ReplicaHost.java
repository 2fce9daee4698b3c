package gapless.replica;

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
import gapless.store.SampleStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The storage side of a node: owns one {@link Replica} child per collector this node holds and
 * routes commands to it by collector id. Registered with the receptionist under a key named after
 * the node id, so gateways address "the replicas on s2" by configuration, not by address.
 */
public final class ReplicaHost extends AbstractBehavior<ReplicaHost.Command> {

  /** Messages the host handles; {@link Replica.CollectorCommand}s are routed to the replica. */
  public interface Command extends CborSerializable {}

  /** List the collectors this node holds a replica of. */
  public record ListCollectors(ActorRef<CollectorList> replyTo) implements Command {}

  public record CollectorList(String node, List<String> collectors) implements CborSerializable {}

  /** Ask which node this host is and where its HTTP API listens. */
  public record Describe(ActorRef<HostInfo> replyTo) implements Command {}

  public record HostInfo(String node, String httpUrl) implements CborSerializable {}

  private record StoredCollectors(List<String> collectors, ActorRef<CollectorList> replyTo) implements Command {}

  public static ServiceKey<Command> serviceKey(String nodeId) {
    return ServiceKey.create(Command.class, "replica-host-" + nodeId);
  }

  private final GaplessSettings settings;
  private final SampleStore store;
  private final Placement placement;
  private final Map<String, ActorRef<Replica.Command>> replicas = new HashMap<>();

  public static Behavior<Command> create(GaplessSettings settings, SampleStore store) {
    return Behaviors.setup(ctx -> new ReplicaHost(ctx, settings, store));
  }

  private ReplicaHost(ActorContext<Command> context, GaplessSettings settings, SampleStore store) {
    super(context);
    this.settings = settings;
    this.store = store;
    this.placement = new Placement(settings.storageNodes(), settings.replicationFactor());
    context.getSystem().receptionist().tell(Receptionist.register(serviceKey(settings.nodeId()), context.getSelf()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Replica.CollectorCommand.class, this::route)
        .onMessage(ListCollectors.class, this::onListCollectors)
        .onMessage(StoredCollectors.class, this::onStoredCollectors)
        .onMessage(Describe.class, d -> {
          d.replyTo().tell(new HostInfo(settings.nodeId(), "http://" + settings.httpHost() + ":" + settings.httpPort()));
          return this;
        })
        .build();
  }

  private Behavior<Command> route(Replica.CollectorCommand cmd) {
    replicaOf(cmd.collector()).tell(cmd);
    return this;
  }

  private ActorRef<Replica.Command> replicaOf(String collector) {
    return replicas.computeIfAbsent(collector, id -> getContext().spawn(
        Replica.create(settings.nodeId(), id, placement.replicaSet(id), store,
            settings.replicaSnapshotEvery(), settings.maxQuerySamples()),
        "replica-" + id));
  }

  private Behavior<Command> onListCollectors(ListCollectors cmd) {
    // The store knows every collector ever written here, including ones not yet woken up.
    getContext().pipeToSelf(
        CompletableFuture.supplyAsync(store::collectors,
            getContext().getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("gapless-store-dispatcher"))),
        (stored, failure) -> new StoredCollectors(failure == null ? stored : List.of(), cmd.replyTo()));
    return this;
  }

  private Behavior<Command> onStoredCollectors(StoredCollectors msg) {
    msg.replyTo().tell(new CollectorList(settings.nodeId(), List.copyOf(new TreeSet<>(msg.collectors()))));
    return this;
  }
}

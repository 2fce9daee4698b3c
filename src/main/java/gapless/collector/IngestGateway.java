package gapless.collector;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.japi.function.Function;
import gapless.collector.CollectorProtocol.IngestResult;
import gapless.config.GaplessSettings;
import gapless.events.EventLog;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The gateway side of a node: runs the collectors' owners under Akka Cluster Sharding on the
 * gateway role (each collector has one owner in the cluster, on whichever gateway sharding
 * places it, moved to another when its gateway goes), and this node's {@link BufferRedrive}.
 * Any gateway's HTTP API reaches any collector's owner through {@link #ask}.
 */
public final class IngestGateway implements CollectorOwners {

  public static final EntityTypeKey<CollectorProtocol.Command> COLLECTORS =
      EntityTypeKey.create(CollectorProtocol.Command.class, "collector");

  private final ClusterSharding sharding;
  // Set right after sharding is started, before any owner can be created (owners are created by requests).
  private ActorRef<BufferRedrive.Command> redrive;

  private IngestGateway(ActorContext<?> context, GaplessSettings settings, GatewayBuffer buffer, ActorRef<EventLog.Command> eventLog) {
    this.sharding = ClusterSharding.get(context.getSystem());
    // An owner that fails stops (sharding's default): the next request starts a fresh one, which
    // claims a new epoch, and the redrive hands on what the failed one left on disk. Not a restart:
    // a restarted actor keeps its ref, and the failed instance's late replies would reach the new one.
    sharding.init(Entity.of(COLLECTORS, entity -> Collector.create(entity.getEntityId(), settings, buffer, eventLog, redrive()))
        .withRole("gateway")
        .withStopMessage(CollectorProtocol.Passivate.INSTANCE));
    // After sharding: the redrive may hand a buffered batch to its owner at once, through the region.
    this.redrive = context.spawn(BufferRedrive.create(settings, buffer, this), "buffer-redrive");
  }

  /** Starts this node's part: sharding of the collectors' owners and the buffer's redrive. */
  public static IngestGateway start(
      ActorContext<?> context, GaplessSettings settings, GatewayBuffer buffer, ActorRef<EventLog.Command> eventLog) {
    return new IngestGateway(context, settings, buffer, eventLog);
  }

  /** The redrive actor, for the node to watch. */
  public ActorRef<BufferRedrive.Command> redrive() {
    return redrive;
  }

  @Override
  public CompletionStage<IngestResult> ask(
      String collector, Function<ActorRef<IngestResult>, CollectorProtocol.Command> request, Duration timeout) {
    return sharding.entityRefFor(COLLECTORS, collector).ask(request, timeout);
  }
}

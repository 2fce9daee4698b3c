package gapless.collector;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import gapless.config.GaplessSettings;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway side of a node: owns one {@link Collector} child per collector that sends here and
 * routes each request to it by collector id. It watches them: a collector that stops (a journal
 * write it cannot retry, a bug) is started again at once, so its buffered batches keep going to
 * the replicas and its requests never go to a dead actor.
 */
public final class IngestGateway extends AbstractBehavior<IngestGateway.Command> {

  /** Messages the gateway handles. Local only: they come from this node's HTTP API. */
  public interface Command extends NoSerializationVerificationNeeded {}

  /** Deliver {@code command} to the collector {@code collector}, starting it if needed. */
  public record ToCollector(String collector, CollectorProtocol.Command command) implements Command {}

  private record CollectorStopped(String collector, ActorRef<CollectorProtocol.Command> ref) implements Command {}

  private final GaplessSettings settings;
  private final Map<String, ActorRef<CollectorProtocol.Command>> collectors = new HashMap<>();

  public static Behavior<Command> create(GaplessSettings settings) {
    return Behaviors.setup(ctx -> new IngestGateway(ctx, settings));
  }

  private IngestGateway(ActorContext<Command> context, GaplessSettings settings) {
    super(context);
    this.settings = settings;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ToCollector.class, this::route)
        .onMessage(CollectorStopped.class, this::onCollectorStopped)
        .build();
  }

  private Behavior<Command> route(ToCollector msg) {
    collectors.computeIfAbsent(msg.collector(), this::spawnCollector).tell(msg.command());
    return this;
  }

  private ActorRef<CollectorProtocol.Command> spawnCollector(String id) {
    ActorRef<CollectorProtocol.Command> ref = getContext().spawn(Collector.create(id, settings), "collector-" + id);
    getContext().watchWith(ref, new CollectorStopped(id, ref));
    return ref;
  }

  private Behavior<Command> onCollectorStopped(CollectorStopped msg) {
    if (msg.ref().equals(collectors.get(msg.collector()))) {
      getContext().getLog().warn("Collector [{}] stopped; starting it again", msg.collector());
      collectors.put(msg.collector(), spawnCollector(msg.collector()));
    }
    return this;
  }
}

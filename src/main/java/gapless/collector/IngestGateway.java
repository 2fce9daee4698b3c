package gapless.collector;

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
 * routes each request to it by collector id.
 */
public final class IngestGateway extends AbstractBehavior<IngestGateway.Command> {

  /** Messages the gateway handles. Local only: they come from this node's HTTP API. */
  public interface Command {}

  /** Deliver {@code command} to the collector {@code collector}, starting it if needed. */
  public record ToCollector(String collector, Collector.Command command) implements Command {}

  private final GaplessSettings settings;
  private final Map<String, ActorRef<Collector.Command>> collectors = new HashMap<>();

  public static Behavior<Command> create(GaplessSettings settings) {
    return Behaviors.setup(ctx -> new IngestGateway(ctx, settings));
  }

  private IngestGateway(ActorContext<Command> context, GaplessSettings settings) {
    super(context);
    this.settings = settings;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(ToCollector.class, this::route).build();
  }

  private Behavior<Command> route(ToCollector msg) {
    collectors
        .computeIfAbsent(msg.collector(), id -> getContext().spawn(Collector.create(id, settings), "collector-" + id))
        .tell(msg.command());
    return this;
  }
}

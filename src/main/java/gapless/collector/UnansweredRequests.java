package gapless.collector;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.BehaviorInterceptor;
import akka.actor.typed.TypedActorContext;
import akka.actor.typed.javadsl.Behaviors;
import gapless.collector.CollectorProtocol.Command;
import gapless.collector.CollectorProtocol.IngestResult;
import gapless.collector.CollectorProtocol.Outcome;
import gapless.collector.CollectorProtocol.Request;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every request a {@link Collector} has not answered yet, noted as it arrives, before the
 * persistent behavior (or Akka's stash in it) gets it: Akka stashes requests that arrive during a
 * journal write and drops that stash on a restart, unseen by the collector. So a journal failure
 * or a stop can still answer each of them. Used from the collector's actor only.
 */
final class UnansweredRequests {

  private final Set<ActorRef<IngestResult>> waiting = new HashSet<>();

  /** Wraps the collector's behavior so every request is noted on arrival. */
  Behavior<Command> noteArrivals(Behavior<Command> collector) {
    return Behaviors.intercept(() -> new BehaviorInterceptor<Command, Command>(Command.class) {
      @Override
      public Behavior<Command> aroundReceive(TypedActorContext<Command> ctx, Command msg, ReceiveTarget<Command> target) {
        if (msg instanceof Request request) {
          waiting.add(request.replyTo());
        }
        return target.apply(ctx, msg);
      }
    }, collector);
  }

  void reply(ActorRef<IngestResult> replyTo, IngestResult result) {
    waiting.remove(replyTo);
    replyTo.tell(result);
  }

  /** Rejects every waiting request except those in {@code durable}, which still wait for their acks. */
  void rejectAllBut(Set<ActorRef<IngestResult>> durable, String collector, String error) {
    for (ActorRef<IngestResult> replyTo : List.copyOf(waiting)) {
      if (!durable.contains(replyTo)) {
        reply(replyTo, new IngestResult(collector, 0, 0, Outcome.REJECTED, error));
      }
    }
  }
}

package gapless.collector;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import gapless.replica.ReplicaProtocol.StoreReply;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Where an owner's replicas answer its writes: one small child per replica node, whose ref goes
 * only to that node's replica host (the one the receptionist registered for it). An answer that
 * arrives at node X's inbox but names another node was not written by X: it is dropped and
 * logged, so nobody can make an owner count an ack that the named replica never gave.
 */
final class ReplyInboxes {

  private final ActorContext<?> context;
  private final Function<StoreReply, CollectorProtocol.Command> wrap;
  private final ActorRef<CollectorProtocol.Command> owner;
  private final Map<String, ActorRef<StoreReply>> inboxes = new HashMap<>();

  ReplyInboxes(ActorContext<CollectorProtocol.Command> context, Function<StoreReply, CollectorProtocol.Command> wrap) {
    this.context = context;
    this.wrap = wrap;
    this.owner = context.getSelf();
  }

  /** The ref node {@code node}'s replica answers to. */
  ActorRef<StoreReply> of(String node) {
    return inboxes.computeIfAbsent(node, n -> context.spawnAnonymous(inbox(n)));
  }

  private Behavior<StoreReply> inbox(String node) {
    return Behaviors.receive((ctx, reply) -> {
      if (node.equals(reply.node())) {
        owner.tell(wrap.apply(reply));
      } else {
        ctx.getLog().warn("An answer naming replica [{}] came to the inbox of [{}] for seq [{}]: dropped, it is not from [{}]",
            reply.node(), node, reply.seq(), reply.node());
      }
      return Behaviors.same();
    });
  }
}

package gapless.collector;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import gapless.replica.ReplicaProtocol.EpochClaimed;
import gapless.replica.ReplicaProtocol.KeyHolding;
import gapless.replica.ReplicaProtocol.StoreReply;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Where an owner's replicas answer it (write acks, epoch promises, key lookups): one small child
 * per replica node, whose ref goes only to that node's replica host (the one the receptionist
 * registered for it). An answer that arrives at node X's inbox but names another node was not
 * written by X: it is dropped and logged, so no member can make an owner count an ack or a
 * promise that the named replica never gave.
 */
final class ReplyInboxes {

  private final ActorContext<CollectorProtocol.Command> context;
  private final Function<Object, CollectorProtocol.Command> wrap;
  private final Map<String, ActorRef<Object>> inboxes = new HashMap<>();

  /** {@code wrap}: an answer as the owner's own message. */
  ReplyInboxes(ActorContext<CollectorProtocol.Command> context, Function<Object, CollectorProtocol.Command> wrap) {
    this.context = context;
    this.wrap = wrap;
  }

  ActorRef<StoreReply> stores(String node) {
    return of(node).narrow();
  }

  ActorRef<EpochClaimed> claims(String node) {
    return of(node).narrow();
  }

  ActorRef<KeyHolding> keys(String node) {
    return of(node).narrow();
  }

  private ActorRef<Object> of(String node) {
    // A random name: an inbox's path cannot be guessed, only learnt from the message it went out in.
    return inboxes.computeIfAbsent(node, n -> context.spawn(inbox(n), "replies-" + n + "-" + UUID.randomUUID()));
  }

  private Behavior<Object> inbox(String node) {
    ActorRef<CollectorProtocol.Command> owner = context.getSelf();
    return Behaviors.receive((ctx, answer) -> {
      String named = nodeOf(answer);
      if (node.equals(named)) {
        owner.tell(wrap.apply(answer));
      } else {
        ctx.getLog().warn("An answer naming replica [{}] came to the inbox of [{}]: dropped ({})", named, node,
            answer.getClass().getSimpleName());
      }
      return Behaviors.same();
    });
  }

  private static String nodeOf(Object answer) {
    if (answer instanceof StoreReply r) {
      return r.node();
    }
    if (answer instanceof EpochClaimed c) {
      return c.node();
    }
    return answer instanceof KeyHolding k ? k.node() : null;
  }
}

package gapless.metrics;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import gapless.events.ClusterEvent;
import gapless.events.EventLog;

/**
 * Follows the cluster event log and hands each event to the node's metrics, which count the ones
 * this node recorded (faults, recovery steps) and add up its recoveries' figures. The event log
 * is where every fault and recovery step is already told, so the metrics say the same.
 */
public final class EventCounter {

  private EventCounter() {}

  public static Behavior<ClusterEvent> create(ActorRef<EventLog.Command> eventLog, NodeMetrics metrics) {
    return Behaviors.setup(ctx -> {
      eventLog.tell(new EventLog.Follow(ctx.getSelf()));
      return Behaviors.receiveMessage(e -> {
        metrics.recorded(e);
        return Behaviors.same();
      });
    });
  }
}

package gapless;

import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import gapless.events.ClusterEvent;
import gapless.events.EventField;
import gapless.events.EventLog;
import gapless.events.EventType;
import java.time.Duration;

/** Cluster events as tests wait for them on a probe standing in for the node's event log. */
public final class TestEvents {

  private TestEvents() {}

  /** The next event of {@code type} about {@code collector} (other actors of a test may emit events too). */
  public static ClusterEvent next(TestProbe<EventLog.Command> log, EventType type, String collector, Duration wait) {
    EventLog.Command found = log.fishForMessage(wait, c ->
        c instanceof EventLog.Emit e && e.event().event() == type && collector.equals(e.event().get(EventField.COLLECTOR))
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
    return ((EventLog.Emit) found).event();
  }
}

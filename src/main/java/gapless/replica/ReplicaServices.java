package gapless.replica;

import akka.actor.typed.ActorRef;
import gapless.config.GaplessSettings;
import gapless.events.EventLog;
import gapless.metrics.ReplicaFigures;
import gapless.store.SampleStore;

/**
 * What every replica and recovery on a node shares: settings, the sample store, placement, the
 * event log, and where replicas report the figures the node's metrics show.
 */
public record ReplicaServices(
    GaplessSettings settings,
    SampleStore store,
    Placement placement,
    ActorRef<EventLog.Command> eventLog,
    ReplicaFigures figures) {

  /** Figures reported nowhere that a scrape reads: for tests that look at no metrics. */
  public ReplicaServices(GaplessSettings settings, SampleStore store, Placement placement, ActorRef<EventLog.Command> eventLog) {
    this(settings, store, placement, eventLog, new ReplicaFigures());
  }

  public String node() {
    return settings.nodeId();
  }
}

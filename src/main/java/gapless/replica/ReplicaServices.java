package gapless.replica;

import akka.actor.typed.ActorRef;
import gapless.config.GaplessSettings;
import gapless.events.EventLog;
import gapless.store.SampleStore;

/** What every replica and recovery on a node shares: settings, the sample store, placement, the event log. */
public record ReplicaServices(
    GaplessSettings settings,
    SampleStore store,
    Placement placement,
    ActorRef<EventLog.Command> eventLog) {

  public String node() {
    return settings.nodeId();
  }
}

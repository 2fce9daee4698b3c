package gapless.replica;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The other storage nodes' reachable replica hosts, as the receptionist lists them, and what this
 * node's sleeping replicas tell them: a host that appears (restarted, back, a replacement) hears
 * from them what their heartbeats would have said, now and once more a heartbeat later. A node
 * that has just started drops what reaches it from a node it has not finished its handshake with,
 * and its registration can arrive that early. Not thread-safe: used from the host's actor only.
 */
final class SiblingHosts {

  /** The receptionist's listing of one sibling's host changed. */
  record Changed(Receptionist.Listing listing) implements ReplicaHost.Command, NoSerializationVerificationNeeded {}

  /** A heartbeat after {@code sibling}'s host appeared: its reports once more. */
  record ReportAgain(String sibling) implements ReplicaHost.Command, NoSerializationVerificationNeeded {}

  private final Map<String, ActorRef<ReplicaHost.Command>> hosts = new HashMap<>();
  private final Sleepers sleepers;
  private final TimerScheduler<ReplicaHost.Command> timers;
  private final Duration heartbeat;

  SiblingHosts(Sleepers sleepers, TimerScheduler<ReplicaHost.Command> timers, Duration heartbeat) {
    this.sleepers = sleepers;
    this.timers = timers;
    this.heartbeat = heartbeat;
  }

  void changed(Changed changed) {
    String sibling = ReplicaHost.nodeOf(changed.listing());
    Optional<ActorRef<ReplicaHost.Command>> host = ReplicaHost.reachableHost(changed.listing());
    if (host.isEmpty()) {
      hosts.remove(sibling);
    } else if (!host.get().equals(hosts.put(sibling, host.get())) && report(sibling)) {
      timers.startSingleTimer("report-sleepers-" + sibling, new ReportAgain(sibling), heartbeat);
    }
  }

  /** Sends the sibling's host what the sleeping replicas would report; whether there was any. */
  boolean report(String sibling) {
    List<ReplicaProtocol.SyncStatus> reports = sleepers.reportsTo(sibling);
    Optional.ofNullable(hosts.get(sibling)).ifPresent(host -> reports.forEach(host::tell));
    return !reports.isEmpty();
  }

  /** The reachable hosts by node, for the sleeping replicas' answers. */
  Map<String, ActorRef<ReplicaHost.Command>> byNode() {
    return hosts;
  }
}

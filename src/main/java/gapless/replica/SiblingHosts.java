package gapless.replica;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import gapless.replica.ReplicaProtocol.SyncReports;
import gapless.replica.ReplicaProtocol.SyncStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The other storage nodes' reachable replica hosts, as the receptionist lists them, and the
 * reports this node's replicas send them: gathered per sibling for {@code replica.sync-gather}
 * and sent as one {@link SyncReports} message, so a node pair exchanges a few messages a second
 * however many collectors they share. A host that appears (restarted, back, a replacement) hears
 * from the sleeping replicas what their heartbeats would have said, now and once more a heartbeat
 * later: a node that has just started drops what reaches it from a node it has not finished its
 * handshake with, and its registration can arrive that early. Not thread-safe: used from the
 * host's actor only.
 */
final class SiblingHosts {

  /** What the host hands to this class ({@link #on}); local only. */
  sealed interface Message extends ReplicaHost.Command, NoSerializationVerificationNeeded
      permits Report, Changed, ReportAgain, Flush {}

  /** A local replica's report for {@code sibling}'s replica, to go in the next {@link SyncReports} there. */
  record Report(String sibling, SyncStatus status) implements Message {}

  /** The receptionist's listing of one sibling's host changed. */
  record Changed(Receptionist.Listing listing) implements Message {}

  /** A heartbeat after {@code sibling}'s host appeared: its reports once more. */
  record ReportAgain(String sibling) implements Message {}

  /** Time to send what was gathered. */
  enum Flush implements Message { INSTANCE }

  // Keeps a message well under Artery's frame size (about 100 bytes a report).
  static final int MAX_REPORTS_PER_MESSAGE = 500;

  private final Map<String, ActorRef<ReplicaHost.Command>> hosts = new HashMap<>();
  private final Map<String, List<SyncStatus>> gathered = new HashMap<>();
  private final Sleepers sleepers;
  private final TimerScheduler<ReplicaHost.Command> timers;
  private final Duration heartbeat;
  private final Duration gather;

  SiblingHosts(Sleepers sleepers, TimerScheduler<ReplicaHost.Command> timers, Duration heartbeat, Duration gather) {
    this.sleepers = sleepers;
    this.timers = timers;
    this.heartbeat = heartbeat;
    this.gather = gather;
  }

  void on(Message m) {
    if (m instanceof Report r) {
      send(r.sibling(), r.status());
    } else if (m instanceof Changed c) {
      changed(c);
    } else if (m instanceof ReportAgain r) {
      reportSleepers(r.sibling());
    } else {
      flush();
    }
  }

  private void changed(Changed changed) {
    String sibling = ReplicaHost.nodeOf(changed.listing());
    ActorRef<ReplicaHost.Command> host = ReplicaHost.reachableHost(changed.listing()).orElse(null);
    if (host == null) {
      hosts.remove(sibling);
    } else if (!host.equals(hosts.put(sibling, host)) && reportSleepers(sibling)) {
      timers.startSingleTimer("report-sleepers-" + sibling, new ReportAgain(sibling), heartbeat);
    }
  }

  /** Sends the sibling's host what the sleeping replicas would report; whether there was any. */
  private boolean reportSleepers(String sibling) {
    List<SyncStatus> reports = sleepers.reportsTo(sibling);
    reports.forEach(r -> send(sibling, r));
    return !reports.isEmpty();
  }

  /** {@code report} goes to {@code sibling}'s host with the next gathered message, if it is reachable then. */
  void send(String sibling, SyncStatus report) {
    gathered.computeIfAbsent(sibling, s -> new ArrayList<>()).add(report);
    if (!timers.isTimerActive(Flush.INSTANCE)) {
      timers.startSingleTimer(Flush.INSTANCE, gather);
    }
  }

  /** Sends what was gathered to every reachable sibling host; what is for an unreachable one is dropped, as a tell would be. */
  private void flush() {
    gathered.forEach((sibling, reports) -> {
      ActorRef<ReplicaHost.Command> host = hosts.get(sibling);
      for (int from = 0; host != null && from < reports.size(); from += MAX_REPORTS_PER_MESSAGE) {
        host.tell(new SyncReports(reports.subList(from, Math.min(reports.size(), from + MAX_REPORTS_PER_MESSAGE))));
      }
    });
    gathered.clear();
  }
}

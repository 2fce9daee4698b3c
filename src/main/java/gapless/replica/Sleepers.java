package gapless.replica;

import gapless.model.SeqEpochs;
import gapless.replica.ReplicaProtocol.CollectorCommand;
import gapless.replica.ReplicaProtocol.DigestRange;
import gapless.replica.ReplicaProtocol.GetView;
import gapless.replica.ReplicaProtocol.SyncStatus;
import gapless.model.StopReason;
import gapless.store.SampleStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The host's side of replica passivation, without the messaging: when each awake replica was last
 * used, which ones were asked to sleep (commands for them wait here until they answer), and what
 * each sleeping one held, which is enough to answer views and scrub digests for it and to tell
 * whether a sibling's report must wake it. Nothing changes a sleeping replica's holdings: every
 * write reaches it through its host, which wakes it first. Used from the host's actor only.
 */
final class Sleepers {

  /** What a replica held when it fell asleep, as its view (without stops) and its seqs' epochs. */
  record Asleep(ReplicaView view, SeqEpochs epochs) {
    long contiguous() {
      return view.contiguousSeq();
    }
  }

  private final long passivateAfterMs;
  private final String node;
  private final SampleStore store;
  private final Executor executor;
  private final Map<String, Long> lastUse = new HashMap<>();
  // Asked to sleep, not stopped yet: the commands that arrived since, in order (with stops of recording).
  private final Map<String, List<ReplicaProtocol.Command>> falling = new HashMap<>();
  // Said it falls asleep: stops next.
  private final Map<String, Asleep> saidAsleep = new HashMap<>();
  private final Map<String, Asleep> asleep = new HashMap<>();
  // Stops of recording that came while a replica slept or fell asleep: recorded first when it runs again.
  private final Map<String, Replica.StoppedAsleep> stops = new HashMap<>();

  Sleepers(Duration passivateAfter, String node, SampleStore store, Executor executor) {
    this.passivateAfterMs = passivateAfter.toMillis();
    this.node = node;
    this.store = store;
    this.executor = executor;
  }

  boolean enabled() {
    return passivateAfterMs > 0;
  }

  /** How often the host looks for idle replicas. */
  Duration checkInterval() {
    return Duration.ofMillis(Math.max(100, Math.min(30_000, passivateAfterMs / 4)));
  }

  /**
   * Whether {@code cmd} counts as using the replica: sibling reports, views and scrub digests do
   * not, so a replica nobody writes, claims, queries, fetches from or recovers goes to sleep.
   */
  static boolean isUse(CollectorCommand cmd) {
    return !(cmd instanceof SyncStatus || cmd instanceof GetView || cmd instanceof DigestRange);
  }

  void used(String collector, long now) {
    lastUse.put(collector, now);
  }

  /** The awake replicas idle for passivate-after and not asked yet; from now on their commands wait. */
  List<String> askToSleep(Collection<String> awake, long now) {
    List<String> idle = new ArrayList<>();
    for (String collector : awake) {
      if (!falling.containsKey(collector) && now - lastUse.getOrDefault(collector, now) >= passivateAfterMs) {
        falling.put(collector, new ArrayList<>());
        idle.add(collector);
      }
    }
    return idle;
  }

  boolean isFalling(String collector) {
    return falling.containsKey(collector);
  }

  void hold(String collector, ReplicaProtocol.Command cmd) {
    falling.get(collector).add(cmd);
  }

  /** The replica was not settled: it stays awake, counted as used now; the commands that waited. */
  List<ReplicaProtocol.Command> stayedAwake(String collector, long now) {
    used(collector, now);
    return waited(collector);
  }

  void fellAsleep(String collector, Asleep held) {
    saidAsleep.put(collector, held);
  }

  /**
   * The replica's actor stopped: asleep now if it said so (else it failed). The commands that
   * waited meanwhile, to be delivered (they wake it); a stop of recording that came with no
   * command waits, asleep, for whatever wakes it.
   */
  List<ReplicaProtocol.Command> stopped(String collector) {
    Asleep held = saidAsleep.remove(collector);
    List<ReplicaProtocol.Command> waited = waited(collector);
    if (held == null) {
      return waited;
    }
    asleep.put(collector, held);
    lastUse.remove(collector);
    if (waited.stream().noneMatch(CollectorCommand.class::isInstance)) {
      waited.stream().findFirst().ifPresent(stop -> stops.putIfAbsent(collector, (Replica.StoppedAsleep) stop));
      return List.of();
    }
    return waited;
  }

  boolean isAsleep(String collector) {
    return asleep.containsKey(collector);
  }

  /** Forgets a sleeping replica, which is started again now. */
  void woken(String collector, long now) {
    asleep.remove(collector);
    used(collector, now);
  }

  /**
   * Recording stopped on this node: each sleeping replica records it, at this time, first thing
   * when it runs again; for one being asked to sleep it waits with its other commands, in the
   * order they came. The target event is not lost, and the node does not start every replica to
   * write it.
   */
  void recordingStopped(StopReason reason, long now) {
    Replica.StoppedAsleep stop = new Replica.StoppedAsleep(reason, now);
    asleep.keySet().forEach(c -> stops.putIfAbsent(c, stop));
    falling.values().forEach(waiting -> waiting.add(stop));
  }

  /** The stop a replica that runs again must record before anything else, if one came while it slept. */
  Optional<Replica.StoppedAsleep> stopToRecord(String collector) {
    return Optional.ofNullable(stops.remove(collector));
  }

  Set<String> sleeping() {
    return asleep.keySet();
  }

  /**
   * Answers {@code cmd} for a sleeping replica when it can do without waking it: a view or a scrub
   * digest (read from the store with what it held), or a sibling's report of the same contiguous
   * seq. A sibling that has not confirmed that seq yet (its report lists epochs it has not
   * confirmed) gets the sleeping replica's own report back through {@code hosts}, so it can
   * confirm and sleep too; a report without such epochs is never answered, so two hosts answering
   * for sleeping replicas cannot keep each other busy. False when the replica must wake for it.
   */
  boolean answeredAsleep(CollectorCommand cmd, BiConsumer<String, SyncStatus> toSibling) {
    Asleep held = asleep.get(cmd.collector());
    if (held == null) {
      return false;
    }
    if (cmd instanceof GetView g) {
      new ReplicaStore(node, g.collector(), store, executor).answer(g, held.view());
      return true;
    }
    if (cmd instanceof DigestRange d) {
      new ReplicaStore(node, d.collector(), store, executor).scrub().answer(d, held.epochs());
      return true;
    }
    // A sibling ahead means a hole here, one behind needs this replica's reports, and a newer
    // epoch for a seq means stale content here: each wakes it.
    if (!(cmd instanceof SyncStatus s) || s.contiguousSeq() != held.contiguous() || !s.epochs().newerThan(held.epochs()).isEmpty()) {
      return false;
    }
    if (!s.epochs().isEmpty()) {
      // Confirmed with every sibling before it slept: nothing of its own left to confirm.
      toSibling.accept(s.peer(), new SyncStatus(s.collector(), node, held.contiguous(), SeqEpochs.EMPTY));
    }
    return true;
  }

  /**
   * The reports sleeping replicas owe {@code sibling}'s host, which is new or reachable again: the
   * heartbeats an awake replica would send. A restarted sibling, or one whose store was lost and
   * lists no collectors, learns from them which replicas it holds and how far it is behind.
   */
  List<SyncStatus> reportsTo(String sibling) {
    List<SyncStatus> reports = new ArrayList<>();
    asleep.forEach((collector, held) -> {
      if (held.view().replicaSet().contains(sibling)) {
        long confirmed = held.view().confirmed().getOrDefault(sibling, 0L);
        reports.add(new SyncStatus(collector, node, held.contiguous(), held.epochs().clip(confirmed + 1, held.contiguous())));
      }
    });
    return reports;
  }

  private List<ReplicaProtocol.Command> waited(String collector) {
    List<ReplicaProtocol.Command> waited = falling.remove(collector);
    return waited == null ? List.of() : waited;
  }
}

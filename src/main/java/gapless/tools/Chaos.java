package gapless.tools;

import gapless.api.dto.ReplicaList;
import gapless.api.dto.ReplicaReport;
import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import gapless.client.NodeEvent;
import gapless.events.EventField;
import gapless.events.EventType;
import gapless.tools.ChaosFault.Kind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The chaos checker: a local cluster of 3 storage and 2 gateway JVMs under steady load from
 * collectors that send every batch with an Idempotency-Key and send it again after a failure,
 * while faults are injected one at a time (now and then two at once), in seeded random order
 * (every kind once a round) and on seeded random nodes: {@code kill -9} of any node
 * (restarted after a while), SIGSTOP past the split-brain resolver's downing, a partition between
 * two nodes (both ways, or one way), a slow link from the gateways to a storage node, a full disk
 * on any node, a damaged store (a storage node killed, bit rot and a lost blob written into its
 * LevelDB, started again: its scrub must repair them). After each fault is taken away it measures how long until every node is Up and every
 * replica holds what any replica held when the fault went. At the end it stops the load and
 * verifies every acknowledged batch on every replica, exactly once, with identical digests, and
 * checks that the event log told every fault. Partitions and slow links need root (iptables, tc),
 * full disks too (tmpfs); without it only process faults are injected, as it says.
 */
public final class Chaos {

  /**
   * What to run.
   *
   * @param healWithin how long after a fault is taken away the cluster may take to be whole again
   */
  public record Settings(LocalClusterSettings local, Duration duration, long seed, int collectors, int tags, int samplesPerTag,
      double rate, Duration healWithin, Duration verifyWait) {}

  private static final List<String> NODES = LocalCluster.DEFAULT_NODES;
  private static final List<String> STORAGE = List.of("s1", "s2", "s3");
  private static final List<String> GATEWAYS = List.of("gw1", "gw2");
  private static final long SMALL_DISK = 512L << 20;
  private static final long RESERVE = 64L << 20;
  // Quiet collectors send a small batch every QUIET_EVERY, and their replicas sleep in between
  // (replica passivation after PASSIVATE_AFTER): every batch wakes them, under whatever fault is on.
  private static final int QUIET_COLLECTORS = 4;
  private static final Duration QUIET_EVERY = Duration.ofSeconds(20);
  private static final String PASSIVATE_AFTER = "5s";

  private final Settings s;
  private final PrintStream out;
  private final Random random;
  private final GaplessClient client = new GaplessClient(Duration.ofSeconds(2), Duration.ofSeconds(10));
  private final List<Kind> kinds = new ArrayList<>();
  private final List<Kind> round = new ArrayList<>();
  private LocalCluster cluster;
  private NetworkFaults network;
  private DiskFaults disks;
  private final List<String> jvmOptions =
      LocalCluster.nodeJvm(List.of("-Dgapless.replica.passivate-after=" + PASSIVATE_AFTER));
  // The batches damaged under a stopped storage node, until its scrub repaired them.
  private final Map<String, List<StoreDamage.Damaged>> damaged = new HashMap<>();

  private Chaos(Settings settings, PrintStream out) {
    this.s = settings;
    this.out = out;
    this.random = new Random(settings.seed());
    jvmOptions.addAll(settings.local().jvmOptions());
  }

  /** Runs it, telling each step on {@code out}; data and logs are kept when it fails. */
  public static ChaosReport run(Settings settings, PrintStream out) throws IOException {
    return new Chaos(settings, out).run();
  }

  private ChaosReport run() throws IOException {
    Path base = Files.createTempDirectory("gapless-chaos-");
    Path ledger = base.resolve("ledger.jsonl");
    ChaosReport report = null;
    cluster = s.local().cluster(base);
    // Interrupted (Ctrl-C, a build's timeout): the cluster and the faults have hooks of their own.
    try {
      prepareFaults();
      out.println("chaos: seed " + s.seed() + ", " + s.duration().toSeconds() + " s of faults: " + kinds.stream().map(Kind::label).toList());
      cluster.jvmOptions(jvmOptions);
      cluster.startAllAndAwaitUp();
      Duration loadFor = s.duration().plus(s.healWithin()).plusMinutes(5);
      SimulationSettings load = SimulationSettings.of(cluster.gatewayUrls(), s.collectors(), s.tags(), s.samplesPerTag(), s.rate(),
          loadFor, ledger, "chaos");
      BackgroundLoad running = BackgroundLoad.start(client, load, null);
      Path quietLedger = base.resolve("quiet-ledger.jsonl");
      BackgroundLoad quiet = BackgroundLoad.start(client, SimulationSettings.of(cluster.gatewayUrls(), QUIET_COLLECTORS, 1, 10,
          10.0 * QUIET_COLLECTORS / QUIET_EVERY.toSeconds(), loadFor, quietLedger, "quiet"), null);
      pause(Duration.ofSeconds(5));
      List<ChaosFault> faults = new ArrayList<>();
      long end = System.nanoTime() + s.duration().toNanos();
      while (System.nanoTime() < end) {
        List<ChaosFault> together = inflict();
        faults.addAll(together);
        Duration back = together.get(0).back();
        out.printf("  %-58s %s%n", together.stream().map(ChaosFault::describe).collect(Collectors.joining(" + ")),
            back == null ? "NOT back within " + s.healWithin().toSeconds() + " s"
                : String.format("back %.1f s after it was taken away", back.toMillis() / 1000.0));
        pause(Duration.ofSeconds(2));
      }
      SimulationResult result = running.stop();
      out.println("load stopped: " + result.summary());
      SimulationResult quietResult = quiet.stop();
      out.println("quiet collectors (a batch each every " + QUIET_EVERY.toSeconds() + " s, replicas asleep in between): "
          + quietResult.summary());
      // One ledger verified: the quiet collectors' acks count like the others'.
      Files.write(ledger, Files.readAllBytes(quietLedger), java.nio.file.StandardOpenOption.APPEND);
      VerifyReport verify = new Verifier(client, cluster.gatewayUrl()).exactlyOnce(true).verify(ledger, s.verifyWait(), out);
      List<NodeEvent> events = cluster.events();
      List<Boolean> explained = faults.stream().map(f -> f.explainedBy(events, STORAGE.contains(f.target()))).toList();
      report = new ChaosReport(s.seed(), faults, explained, result, verify);
      report.print(out);
      return report;
    } finally {
      if (network != null) {
        network.close();
      }
      cluster.close();
      if (disks != null) {
        disks.close();
      }
      // The data directories were the tmpfs mounts, gone with them: the logs and the ledger tell the run.
      s.local().keepOrDelete(base, report == null || !report.ok(), disks != null ? "logs and ledger" : "data, logs and ledger", out);
    }
  }

  /** Every node on its own address and disk where this machine allows; the faults it allows. */
  private void prepareFaults() {
    kinds.addAll(List.of(Kind.KILL, Kind.PAUSE, Kind.DAMAGED_STORE));
    Optional<String> noNetwork = NetworkFaults.unavailable();
    if (noNetwork.isEmpty()) {
      cluster.ownAddresses();
      network = NetworkFaults.install();
      kinds.addAll(List.of(Kind.PARTITION, Kind.ONE_WAY, Kind.SLOW_LINK));
    } else {
      out.println("chaos: no partitions or slow links: " + noNetwork.get());
    }
    Optional<String> noDisks = DiskFaults.unavailable();
    if (noDisks.isEmpty()) {
      disks = DiskFaults.install();
      NODES.forEach(n -> disks.mount(cluster.dataDir(n), SMALL_DISK));
      jvmOptions.add("-Dgapless.disk.min-free=" + RESERVE);
      kinds.add(Kind.DISK_FULL);
    } else {
      out.println("chaos: no full disks: " + noDisks.get());
    }
  }

  /** The next kind of fault: each kind once in a shuffled round, so a short run still sees every kind. */
  private Kind nextKind() {
    if (round.isEmpty()) {
      round.addAll(kinds);
      Collections.shuffle(round, random);
    }
    return round.remove(0);
  }

  /** A fault in place: what, and where. */
  private record Injected(Kind kind, String target, String other) {

    /** Takes a storage node out of the cluster for a while (not a slow link or a full disk). */
    boolean losesStorage() {
      return (kind == Kind.KILL || kind == Kind.PAUSE || kind == Kind.PARTITION || kind == Kind.ONE_WAY
          || kind == Kind.DAMAGED_STORE) && (STORAGE.contains(target) || STORAGE.contains(other));
    }
  }

  /**
   * One fault, or now and then (one in four) two at once on other nodes: injected, held a while,
   * taken away together, and the time until the cluster is whole again. Two at once never take two
   * storage nodes out (that would leave no storage majority, a fault of another order).
   */
  private List<ChaosFault> inflict() {
    Instant injected = Instant.now();
    List<Injected> now = new ArrayList<>();
    now.add(inject(nextKind(), NODES));
    if (random.nextInt(4) == 0) {
      Injected first = now.get(0);
      Kind kind = nextKind();
      List<String> free = NODES.stream().filter(n -> !n.equals(first.target()) && !n.equals(first.other()))
          .filter(n -> !(first.losesStorage() && STORAGE.contains(n))).toList();
      // One slow class at a time on lo; a damaged store needs a storage node free.
      boolean clash = kind == Kind.SLOW_LINK && first.kind() == Kind.SLOW_LINK
          || kind == Kind.DAMAGED_STORE && free.stream().noneMatch(STORAGE::contains);
      if (!clash && free.size() >= 2) {
        now.add(inject(kind, free));
      }
    }
    // Held 5 to 15 s; a pause longer than the downing (about 10 s after the last heartbeat).
    boolean paused = now.stream().anyMatch(f -> f.kind() == Kind.PAUSE);
    pause(Duration.ofSeconds(paused ? 14 + random.nextInt(5) : 5 + random.nextInt(11)));
    Instant healed = Instant.now();
    now.forEach(this::takeAway);
    Duration back = awaitWhole(healed, highestHeld()).orElse(null);
    return now.stream().map(f -> new ChaosFault(f.kind(), f.target(), f.other(), injected, healed, back)).toList();
  }

  /** Injects {@code kind} on nodes among {@code among}. */
  private Injected inject(Kind kind, List<String> among) {
    String target = among.get(random.nextInt(among.size()));
    String other = null;
    switch (kind) {
      case KILL -> cluster.kill(target);
      case PAUSE -> cluster.pause(target);
      case PARTITION, ONE_WAY -> {
        other = pick(among, target);
        if (kind == Kind.PARTITION) {
          network.cut(cluster.host(target), cluster.host(other));
        } else {
          network.cutOneWay(cluster.host(target), cluster.host(other), cluster.arteryPort(other));
        }
      }
      case SLOW_LINK -> {
        List<String> storage = among.stream().filter(STORAGE::contains).toList();
        target = storage.isEmpty() ? STORAGE.get(random.nextInt(STORAGE.size())) : storage.get(random.nextInt(storage.size()));
        other = "gw1,gw2";
        network.slow(GATEWAYS.stream().map(cluster::host).toList(), List.of(cluster.host(target)), 1000);
      }
      case DISK_FULL -> disks.fill(cluster.dataDir(target), RESERVE / 2);
      case DAMAGED_STORE -> {
        List<String> storage = among.stream().filter(STORAGE::contains).toList();
        target = storage.get(random.nextInt(storage.size()));
        cluster.kill(target);
        List<StoreDamage.Damaged> done = StoreDamage.damage(cluster.dataDir(target).resolve("samples"), random, 2, 1);
        damaged.put(target, done);
        other = done.stream().map(StoreDamage.Damaged::describe).collect(Collectors.joining(", "));
      }
    }
    return new Injected(kind, target, other);
  }

  private void takeAway(Injected f) {
    switch (f.kind()) {
      case KILL, DAMAGED_STORE -> cluster.start(f.target());
      case PAUSE -> cluster.resume(f.target());
      case PARTITION, ONE_WAY, SLOW_LINK -> network.heal();
      case DISK_FULL -> disks.free(cluster.dataDir(f.target()));
    }
  }

  private String pick(List<String> from, String not) {
    List<String> others = from.stream().filter(n -> !n.equals(not)).toList();
    return others.get(random.nextInt(others.size()));
  }

  /** The highest seq any answering storage node holds, by collector. */
  private Map<String, Long> highestHeld() {
    Map<String, Long> highest = new HashMap<>();
    for (String node : STORAGE) {
      replicas(node).forEach(r -> highest.merge(r.collector(), r.highestSeq(), Math::max));
    }
    return highest;
  }

  private List<ReplicaReport> replicas(String node) {
    try {
      ReplicaList list = client.replicas(cluster.httpUrl(node));
      return list.replicas();
    } catch (GaplessClientException e) {
      return List.of();
    }
  }

  /** How long until every node is Up and every replica holds, contiguously, what any held at the heal; empty past the bound. */
  private Optional<Duration> awaitWhole(Instant healed, Map<String, Long> held) {
    long deadline = System.nanoTime() + s.healWithin().toNanos();
    try {
      cluster.awaitUp(s.healWithin());
    } catch (GaplessClientException e) {
      out.println("  not up: " + e.getMessage());
      return Optional.empty();
    }
    while (System.nanoTime() < deadline) {
      if (STORAGE.stream().allMatch(node -> holdsAll(node, held)) && repaired(healed)) {
        return Optional.of(Duration.between(healed, Instant.now()));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
    return Optional.empty();
  }

  /** Whether every batch damaged under a node was repaired by its scrub since {@code healed}; forgotten once it was. */
  private boolean repaired(Instant healed) {
    if (damaged.isEmpty()) {
      return true;
    }
    List<NodeEvent> repairs = cluster.events().stream()
        .filter(e -> e.is(EventType.REPLICA_REPAIRED) && !e.time().isBefore(healed)).toList();
    damaged.entrySet().removeIf(node -> node.getValue().stream().allMatch(d -> repairs.stream().anyMatch(e ->
        node.getKey().equals(e.node()) && d.collector().equals(e.collector()) && covers(e.text(EventField.RANGES), d.seq()))));
    return damaged.isEmpty();
  }

  /** Whether {@code ranges}, as events write them ({@code 3,7..9}), hold {@code seq}. */
  static boolean covers(String ranges, long seq) {
    for (String r : ranges.split(",")) {
      String[] ends = r.trim().split("\\.\\.");
      if (!ends[0].isEmpty() && Long.parseLong(ends[0]) <= seq && seq <= Long.parseLong(ends[ends.length - 1])) {
        return true;
      }
    }
    return false;
  }

  private boolean holdsAll(String node, Map<String, Long> held) {
    Map<String, Long> contiguous = new HashMap<>();
    replicas(node).forEach(r -> contiguous.put(r.collector(), r.contiguousSeq()));
    return held.entrySet().stream().allMatch(e -> contiguous.getOrDefault(e.getKey(), 0L) >= e.getValue());
  }

  private static void pause(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    long left;
    while ((left = end - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }
}

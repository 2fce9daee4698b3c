package gapless.cli;

import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import gapless.client.NodeEvent;
import gapless.events.EventType;
import gapless.tools.BackgroundLoad;
import gapless.tools.ClusterFiles;
import gapless.tools.LedgerEntry;
import gapless.tools.LedgerGap;
import gapless.tools.LocalCluster;
import gapless.tools.RecoveryTally;
import gapless.tools.SimulationResult;
import gapless.tools.SimulationSettings;
import gapless.tools.Verifier;
import gapless.tools.VerifyReport;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gapless demo}: the whole method on a local cluster. Starts three storage nodes and a
 * gateway from {@code ./conf}, loads them with simulated collectors, {@code kill -9}s one storage
 * node while the load goes on, restarts it, prints the fault and recovery events live as the nodes
 * write them, stops the load, waits for every replica to be identical, verifies every acknowledged
 * sample on every replica against the ack ledger, and prints what the recovery moved next to what
 * the victim missed. Exit 0 only when verification passed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Local 3 storage + 1 gateway cluster: load, kill -9 a storage node, restart it, watch it recover, verify."
        + " Exit 0 when every replica holds every acknowledged sample.")
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  @Mixin
  LocalClusterOptions local;

  @Option(names = "--victim", defaultValue = "s3", description = "Storage node to kill -9 (default: ${DEFAULT-VALUE})")
  String victim;

  @Option(names = "--warmup", defaultValue = "5", description = "Seconds of load before the kill (default: ${DEFAULT-VALUE})")
  long warmupSeconds;

  @Option(names = "--down", defaultValue = "8", description = "Seconds the victim stays dead under load (default: ${DEFAULT-VALUE})")
  long downSeconds;

  @Option(names = "--recovery-wait", defaultValue = "90",
      description = "Seconds to wait after the restart for the victim to complete recovery (default: ${DEFAULT-VALUE})")
  long recoveryWaitSeconds;

  @Option(names = "--collectors", defaultValue = "8", description = "Collectors (default: ${DEFAULT-VALUE})")
  int collectors;

  @Option(names = "--tags", defaultValue = "10", description = "Tags per batch (default: ${DEFAULT-VALUE})")
  int tags;

  @Option(names = "--samples-per-tag", defaultValue = "100", description = "Samples of each tag per batch (default: ${DEFAULT-VALUE})")
  int samplesPerTag;

  @Option(names = "--rate", defaultValue = "50000",
      description = "Samples/s over all collectors, 0 = flat out (default: ${DEFAULT-VALUE}; keeps the read-back short)")
  double rate;

  @Option(names = "--port-offset", defaultValue = "0", description = "Added to every node port (default: ${DEFAULT-VALUE})")
  int portOffset;

  @Option(names = "--verify-wait", defaultValue = "90", description = "Seconds verify may wait for replicas to settle (default: ${DEFAULT-VALUE})")
  long verifyWaitSeconds;

  private final GaplessClient client = new GaplessClient();
  private int step;

  @Override
  public Integer call() throws IOException {
    Path jarFile = local.jarFile();
    Path confDir = local.confDir();
    Path base = Files.createTempDirectory("gapless-demo-");
    Path ledger = base.resolve("ledger.jsonl");
    boolean ok = false;
    try (LocalCluster cluster = new LocalCluster(jarFile, confDir, base, LocalCluster.DEFAULT_NODES, portOffset)) {
      if (!cluster.nodeIds().contains(victim) || victim.startsWith("gw")) {
        throw new GaplessClientException("--victim must be a storage node of " + cluster.nodeIds() + ", not " + victim);
      }
      startCluster(cluster);
      ok = faultAndRecovery(cluster, ledger);
      header("shut down");
    } finally {
      if (local.keep || !ok) {
        System.out.println("data, logs and ledger kept in " + base);
      } else {
        ClusterFiles.deleteTree(base);
      }
    }
    return ok ? 0 : 1;
  }

  private void startCluster(LocalCluster cluster) {
    header("start s1, s2, s3 (storage) and gw1 (gateway); data and logs in " + cluster.baseDir());
    cluster.startAll();
    cluster.awaitUp(Duration.ofSeconds(90));
    for (String id : cluster.nodeIds()) {
      System.out.printf("  %-4s %s  pid %d%n", id, cluster.httpUrl(id), cluster.pid(id));
    }
  }

  private boolean faultAndRecovery(LocalCluster cluster, Path ledger) {
    URI gateway = cluster.gatewayUrl();
    // The load's duration is only an upper bound; it is stopped once the victim has recovered.
    long bound = warmupSeconds + downSeconds + recoveryWaitSeconds + 60;
    SimulationSettings s = new SimulationSettings(gateway, collectors, tags, samplesPerTag, 10, rate,
        Duration.ofSeconds(bound), ledger, Math.min(collectors, 64), "demo", SimulationSettings.defaultStartTs());
    List<String> collectorIds = IntStream.rangeClosed(1, collectors).mapToObj(s::collectorId).toList();

    SimulationResult load;
    Instant killTime;
    Instant restartTime;
    RecoveryTally tally;
    List<NodeEvent> events;
    try (EventPrinter printer = new EventPrinter(cluster, System.out)) {
      header(String.format("load: %d collectors x %d tags x %d samples/tag, %s samples/s via %s; events as the nodes write them",
          collectors, tags, samplesPerTag, rate == 0 ? "flat out" : String.format("%,.0f", rate), gateway));
      BackgroundLoad running = BackgroundLoad.start(client, s, null);
      sleep(Duration.ofSeconds(warmupSeconds));

      header("kill -9 " + victim + " (pid " + cluster.pid(victim) + "); the load goes on for " + downSeconds + " s");
      killTime = Instant.now();
      cluster.kill(victim);
      System.out.println("  " + CLOCK.format(killTime) + " " + victim + " killed");
      sleep(Duration.ofSeconds(downSeconds));

      header("restart " + victim + " with the same command and data; it recovers what it missed from its siblings");
      restartTime = Instant.now();
      cluster.start(victim);
      System.out.println("  " + CLOCK.format(restartTime) + " " + victim + " started again, pid " + cluster.pid(victim));
      boolean recovered = awaitRecovery(printer, collectorIds, restartTime);

      header("stop the load");
      load = running.stop();
      System.out.println("  " + load.summary());
      if (!recovered) {
        System.out.println("  " + victim + " did not complete recovery of every collector within " + recoveryWaitSeconds + " s");
      }
      showStatus(cluster);
      printer.pollNow();
      tally = RecoveryTally.of(printer.events(), victim, restartTime);
      events = printer.events();
    }
    VerifyReport report = verify(cluster, ledger);
    List<LedgerEntry> entries = LedgerEntry.readAll(ledger, client.mapper());
    summary(load, report, entries, events, tally, killTime, restartTime, collectorIds);
    return report.ok() && tally.notCompleted(collectorIds).isEmpty() && tally.failures().isEmpty();
  }

  /** Bounded poll: true once the victim completed recovery of every collector since the restart. */
  private boolean awaitRecovery(EventPrinter printer, List<String> collectorIds, Instant since) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(recoveryWaitSeconds);
    while (System.nanoTime() < deadline) {
      printer.pollNow();
      if (RecoveryTally.of(printer.events(), victim, since).notCompleted(collectorIds).isEmpty()) {
        return true;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
    return false;
  }

  private void showStatus(LocalCluster cluster) {
    header("status");
    new StatusPrinter(client).print(cluster.storageUrl(), System.out);
  }

  private VerifyReport verify(LocalCluster cluster, Path ledger) {
    header("verify: replicas identical, every acknowledged sample readable from every replica");
    VerifyReport report = new Verifier(client, cluster.gatewayUrl()).verify(ledger, Duration.ofSeconds(verifyWaitSeconds), System.out);
    report.print(System.out);
    return report;
  }

  private void summary(SimulationResult load, VerifyReport report, List<LedgerEntry> entries, List<NodeEvent> events,
      RecoveryTally tally, Instant killTime, Instant restartTime, List<String> collectorIds) {
    header("summary");
    Optional<Instant> rejoined = events.stream()
        .filter(e -> e.is(EventType.MEMBER_UP) && victim.equals(e.peer()) && !e.time().isBefore(restartTime))
        .map(NodeEvent::time).min(Instant::compareTo);
    Optional<Instant> unreachable = events.stream()
        .filter(e -> e.is(EventType.MEMBER_UNREACHABLE) && victim.equals(e.peer()) && !e.time().isBefore(killTime))
        .map(NodeEvent::time).min(Instant::compareTo);
    Instant gapEnd = rejoined.or(tally::firstStarted).orElse(restartTime);
    LedgerGap gap = LedgerGap.of(entries, killTime.toEpochMilli(), gapEnd.toEpochMilli());
    long inRanges = entries.stream().filter(e -> inRecoveredRange(tally, e)).count();

    row("load", String.format("%d batches acked (200: %d, 202: %d), %,d samples, %,.0f samples/s; errors %d", load.acked(),
        load.ok200(), load.buffered202(), load.samplesAcked(), load.samplesPerSecond(), load.errors()));
    row("ack latency", String.format("p50 %.1f ms, p99 %.1f ms", load.p50Micros() / 1000.0, load.p99Micros() / 1000.0));
    row("kill -9", CLOCK.format(killTime) + " " + victim
        + unreachable.map(t -> String.format(", unreachable for the others after %d ms", Duration.between(killTime, t).toMillis())).orElse(""));
    row("restart", CLOCK.format(restartTime) + rejoined.map(t -> String.format(", member Up again after %.1f s",
        Duration.between(restartTime, t).toMillis() / 1000.0)).orElse(""));
    row("recovered", tally.lastCompletedTime().map(t -> String.format("%d of %d collectors, last RECOVERY_COMPLETED %.1f s"
        + " after the restart", collectorIds.size() - tally.notCompleted(collectorIds).size(), collectorIds.size(),
        Duration.between(restartTime, t).toMillis() / 1000.0)).orElse("no RECOVERY_COMPLETED from " + victim));
    row("moved", String.format("%d batches, %,d samples, %s in %d GAP_RECOVERED events", tally.recoveredBatches(),
        tally.recoveredSamples(), NodeEvent.mb(tally.recoveredBytes()), tally.gapRecovered().size()));
    row("gap", String.format("%d batches, %,d samples, %s acked while %s was away (kill .. member Up); %d ledger batches"
        + " lie in the recovered seq ranges", gap.batches(), gap.samples(), NodeEvent.mb(gap.bytes()), victim, inRanges));
    if (gap.bytes() > 0) {
      row("moved / gap", String.format("%.2f x the batches, %.2f x the bytes", (double) tally.recoveredBatches() / gap.batches(),
          (double) tally.recoveredBytes() / gap.bytes()));
    }
    if (!tally.failures().isEmpty()) {
      row("failures", tally.failures().size() + " RECOVERY_FAILED, first: " + tally.failures().get(0).readable());
    }
    row("replicas", String.format("%d collectors on %d storage nodes", report.collectors().size(), report.storageNodes()));
    row("read back", String.format("%,d samples, every ledger sample from every replica", report.samplesChecked()));
    row("verdict", report.verdictLine());
  }

  private boolean inRecoveredRange(RecoveryTally tally, LedgerEntry e) {
    for (long[] r : tally.recoveredRanges(e.collector())) {
      if (e.seq() >= r[0] && e.seq() <= r[1]) {
        return true;
      }
    }
    return false;
  }

  private static void row(String what, String value) {
    System.out.printf("  %-12s %s%n", what, value);
  }

  private static void sleep(Duration d) {
    // The load runs on its own threads; this thread only waits out a scenario step.
    long end = System.nanoTime() + d.toNanos();
    long left;
    while ((left = end - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  private void header(String title) {
    System.out.println();
    System.out.println("== " + (++step) + ". " + title);
  }
}

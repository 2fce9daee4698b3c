package gapless.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import gapless.client.EventTail;
import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import gapless.client.NodeEvent;
import gapless.events.EventType;
import gapless.store.RawLevelDbBaseline;
import gapless.tools.ClusterFiles;
import gapless.tools.LedgerEntry;
import gapless.tools.LedgerGap;
import gapless.tools.LocalCluster;
import gapless.tools.RecoveryTally;
import gapless.tools.SimulationResult;
import gapless.tools.SimulationSettings;
import gapless.tools.Simulator;
import gapless.tools.Verifier;
import gapless.tools.VerifyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gapless bench recovery}: does recovery cost grow with the gap and not with the history?
 * For each history factor H (1 and 10 by default) a fresh local 4-node cluster is loaded flat out
 * for {@code H * base} seconds, then s3 is killed with SIGKILL, a fixed gap is loaded at a fixed
 * rate, the load stops and s3 is restarted. From the event files it measures restart to the last
 * RECOVERY_COMPLETED, what GAP_RECOVERED moved against the encoded bytes of the batches acked while
 * s3 was down, the recovery rate, and how long the siblings took to see s3 unreachable; then the
 * raw LevelDB write rate of the same machine. Writes the recovery section of the benchmarks document.
 */
@Command(name = "recovery", mixinStandardHelpOptions = true,
    description = "Measure recovery of a killed storage node after short and 10x longer histories, against the gap it missed.")
public final class BenchRecoveryCommand implements Callable<Integer> {

  static final String START = "<!-- bench:recovery:start -->";
  static final String END = "<!-- bench:recovery:end -->";
  private static final String VICTIM = "s3";

  @Mixin
  LocalClusterOptions local;

  @Mixin
  BaselineOptions baseline;

  @Option(names = "--base", defaultValue = "4", description = "Seconds of flat-out history for H = 1 (default: ${DEFAULT-VALUE})")
  long baseSeconds;

  @Option(names = "--factors", split = ",", defaultValue = "1,10", description = "History factors H (default: ${DEFAULT-VALUE})")
  List<Integer> factors;

  @Option(names = "--gap", defaultValue = "10", description = "Seconds of load while s3 is down (default: ${DEFAULT-VALUE})")
  long gapSeconds;

  @Option(names = "--gap-rate", defaultValue = "60000", description = "Samples/s during the gap (default: ${DEFAULT-VALUE})")
  double gapRate;

  @Option(names = "--collectors", defaultValue = "8", description = "Collectors (default: ${DEFAULT-VALUE})")
  int collectors;

  @Option(names = "--tags", defaultValue = "20", description = "Tags per batch (default: ${DEFAULT-VALUE})")
  int tags;

  @Option(names = "--samples-per-tag", defaultValue = "50", description = "Samples of each tag per batch (default: ${DEFAULT-VALUE})")
  int samplesPerTag;

  @Option(names = "--recovery-wait", defaultValue = "120", description = "Seconds to wait for recovery to complete (default: ${DEFAULT-VALUE})")
  long recoveryWaitSeconds;

  @Option(names = "--port-offset", defaultValue = "3500", description = "Added to every node port (default: ${DEFAULT-VALUE})")
  int portOffset;

  /**
   * One round's measurements.
   *
   * @param recoveryMillis restart to the last RECOVERY_COMPLETED of s3
   * @param upToDoneMillis s3's MEMBER_UP on a sibling to its last RECOVERY_COMPLETED
   * @param workMillis     s3's first RECOVERY_STARTED to its last RECOVERY_COMPLETED
   * @param unreachableMillis kill to the first MEMBER_UNREACHABLE of s3 on a sibling, -1 when none
   */
  record Round(int factor, SimulationResult history, SimulationResult gapLoad, LedgerGap gap, long recoveryMillis,
      long upToDoneMillis, long workMillis, long unreachableMillis, long movedBatches, long movedSamples, long movedBytes, boolean completed,
      int failures, String verify) {

    double bytesRatio() {
      return gap.bytes() == 0 ? 0 : (double) movedBytes / gap.bytes();
    }

    double samplesPerSecond() {
      return workMillis <= 0 ? 0 : movedSamples * 1000.0 / workMillis;
    }

    double megabytesPerSecond() {
      return workMillis <= 0 ? 0 : movedBytes / 1e3 / workMillis;
    }
  }

  @Override
  public Integer call() throws IOException {
    Path jarFile = local.jarFile();
    Path confDir = local.confDir();
    Path base = Files.createTempDirectory("gapless-bench-recovery-");
    GaplessClient client = new GaplessClient();
    try {
      List<Round> rounds = new ArrayList<>();
      for (int h : factors) {
        rounds.add(round(client, jarFile, confDir, base.resolve("h" + h), h));
      }
      // Every cluster is down before the baseline runs, so it gets the whole machine.
      System.out.printf("bench: raw LevelDB baseline, %,d sequential keys x %d B%n", baseline.rawKeys, baseline.rawValueBytes);
      RawLevelDbBaseline.Result raw;
      try {
        raw = RawLevelDbBaseline.measure(base.resolve("raw"), baseline.rawKeys, baseline.rawValueBytes, true);
      } catch (RuntimeException e) {
        throw new GaplessClientException("raw LevelDB baseline failed: " + CliErrors.describe(e), 0, e);
      }
      String table = table(rounds, raw, confDir);
      System.out.println(table);
      BenchIngestCommand.writeSection(baseline.out, START, END, table);
      System.out.println("bench: updated " + baseline.out);
      return rounds.stream().allMatch(r -> r.completed() && r.failures() == 0) ? 0 : CliErrors.RUNTIME;
    } finally {
      if (local.keep) {
        System.out.println("data and logs kept in " + base);
      } else {
        ClusterFiles.deleteTree(base);
      }
    }
  }

  private Round round(GaplessClient client, Path jarFile, Path confDir, Path dir, int factor) throws IOException {
    Files.createDirectories(dir);
    try (LocalCluster cluster = new LocalCluster(jarFile, confDir, dir, LocalCluster.DEFAULT_NODES, portOffset)) {
      System.out.printf("bench: H=%d: starting the cluster in %s%n", factor, dir);
      cluster.startAll();
      cluster.awaitUp(Duration.ofSeconds(90));
      long historySeconds = factor * baseSeconds;
      System.out.printf("bench: H=%d: %d s of history, flat out%n", factor, historySeconds);
      SimulationResult history = new Simulator(client).run(settings(cluster, 0, historySeconds, null), null);
      System.out.println("  " + history.summary());

      Instant kill = Instant.now();
      cluster.kill(VICTIM);
      Path ledger = dir.resolve("gap-ledger.jsonl");
      System.out.printf("bench: H=%d: %s killed; %d s of gap at %,.0f samples/s%n", factor, VICTIM, gapSeconds, gapRate);
      SimulationResult gapLoad = new Simulator(client).run(settings(cluster, gapRate, gapSeconds, ledger), null);
      System.out.println("  " + gapLoad.summary());
      LedgerGap gap = LedgerGap.of(LedgerEntry.readAll(ledger, client.mapper()), kill.toEpochMilli(), Long.MAX_VALUE);

      // Restarting while the old incarnation is still a member makes the join wait for its removal,
      // a delay of the split-brain resolver's clock rather than of recovery: start from the same state in every round.
      awaitRemoved(cluster, kill);
      Instant restart = Instant.now();
      cluster.start(VICTIM);
      List<String> ids = IntStream.rangeClosed(1, collectors).mapToObj(i -> String.format("bench-%04d", i)).toList();
      RecoveryTally tally = awaitRecovery(cluster, ids, restart);
      List<NodeEvent> events = cluster.events();
      long unreachable = events.stream()
          .filter(e -> e.is(EventType.MEMBER_UNREACHABLE) && VICTIM.equals(e.peer()) && !VICTIM.equals(e.node())
              && !e.time().isBefore(kill))
          .map(NodeEvent::time).min(Instant::compareTo).map(t -> Duration.between(kill, t).toMillis()).orElse(-1L);
      boolean completed = tally.notCompleted(ids).isEmpty();
      long recoveryMillis = tally.lastCompletedTime().map(t -> Duration.between(restart, t).toMillis()).orElse(-1L);
      long upToDoneMillis = events.stream()
          .filter(e -> e.is(EventType.MEMBER_UP) && VICTIM.equals(e.peer()) && !VICTIM.equals(e.node()) && !e.time().isBefore(restart))
          .map(NodeEvent::time).min(Instant::compareTo)
          .flatMap(up -> tally.lastCompletedTime().map(c -> Duration.between(up, c).toMillis())).orElse(-1L);
      long workMillis = tally.firstStarted().flatMap(s -> tally.lastCompletedTime().map(c -> Duration.between(s, c).toMillis()))
          .orElse(-1L);
      // The replicas only, no sample read-back: the point here is that s3 caught up, cheaply checked.
      VerifyReport report = new Verifier(client, cluster.gatewayUrl()).verify(null, Duration.ofSeconds(30), null);
      Round r = new Round(factor, history, gapLoad, gap, recoveryMillis, upToDoneMillis, workMillis, unreachable, tally.recoveredBatches(),
          tally.recoveredSamples(), tally.recoveredBytes(), completed, tally.failures().size(), report.verdictLine());
      System.out.printf("bench: H=%d: recovery %s ms after restart (%d ms of recovery work), moved %d batches %s for a gap of"
              + " %d batches %s (%.3f), %s%n", factor, recoveryMillis, workMillis, r.movedBatches(), NodeEvent.mb(r.movedBytes()),
          gap.batches(), NodeEvent.mb(gap.bytes()), r.bytesRatio(), report.verdictLine());
      return r;
    }
  }

  /** Bounded poll of the event files until a sibling removed the killed s3 from the cluster (or 60 s passed). */
  private void awaitRemoved(LocalCluster cluster, Instant kill) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      boolean removed = cluster.events().stream().anyMatch(e -> e.is(EventType.MEMBER_REMOVED) && VICTIM.equals(e.peer())
          && !VICTIM.equals(e.node()) && !e.time().isBefore(kill));
      if (removed) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
    System.out.println("bench: no MEMBER_REMOVED of " + VICTIM + " within 60 s; restarting it anyway");
  }

  /** Bounded poll of the event files until s3 completed recovery of every collector since {@code restart}. */
  private RecoveryTally awaitRecovery(LocalCluster cluster, List<String> ids, Instant restart) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(recoveryWaitSeconds);
    EventTail tail = new EventTail(cluster.logDir());
    List<NodeEvent> seen = new ArrayList<>();
    while (true) {
      seen.addAll(tail.poll());
      RecoveryTally t = RecoveryTally.of(seen, VICTIM, restart);
      if (t.notCompleted(ids).isEmpty() || System.nanoTime() >= deadline) {
        if (!t.notCompleted(ids).isEmpty()) {
          System.out.println("bench: " + VICTIM + " did not complete recovery of " + t.notCompleted(ids) + " within "
              + recoveryWaitSeconds + " s");
        }
        return t;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  private SimulationSettings settings(LocalCluster cluster, double rate, long seconds, Path ledger) {
    return new SimulationSettings(cluster.gatewayUrl(), collectors, tags, samplesPerTag, 10, rate,
        Duration.ofSeconds(seconds), ledger, Math.min(collectors, 64), "bench", SimulationSettings.defaultStartTs());
  }

  private String table(List<Round> rounds, RawLevelDbBaseline.Result raw, Path confDir) {
    Config c = ConfigFactory.parseFile(confDir.resolve("gw1.conf").toFile())
        .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
    StringBuilder sb = new StringBuilder();
    sb.append("## Recovery\n\n");
    sb.append("Measured ").append(ZonedDateTime.now().withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC)))
        .append(" with `java -jar target/gapless.jar bench recovery --base ").append(baseSeconds).append(" --gap ")
        .append(gapSeconds).append(" --gap-rate ").append(String.format("%.0f", gapRate)).append(" --collectors ")
        .append(collectors).append(" --tags ").append(tags).append(" --samples-per-tag ").append(samplesPerTag).append("`.\n\n");
    sb.append("| what | value |\n|---|---|\n");
    row(sb, "machine", Runtime.getRuntime().availableProcessors() + " CPUs, " + BenchIngestCommand.cpuModel() + ", Java "
        + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    row(sb, "cluster", "3 storage nodes + 1 gateway, each a JVM with -Xmx512m, all on this machine; RF "
        + c.getInt("gapless.replication-factor") + ", W " + c.getInt("gapless.write-quorum") + "; a fresh cluster per H");
    row(sb, "scenario", String.format("history: H x %d s flat out; kill -9 s3; gap: %d s at %,.0f samples/s; load stops;"
        + " once the survivors removed the old incarnation, s3 restarted with the same command and data", baseSeconds, gapSeconds, gapRate));
    row(sb, "load", String.format("%d collectors, batches of %d tags x %d samples", collectors, tags, samplesPerTag));
    for (Round r : rounds) {
      String h = "H=" + r.factor() + ": ";
      row(sb, h + "history", String.format("%d batches, %,d samples (%s encoded)", r.history().acked(),
          r.history().samplesAcked(), NodeEvent.mb(r.history().encodedBytes())));
      row(sb, h + "gap (acked while s3 was down)", String.format("%d batches, %,d samples, %s", r.gap().batches(),
          r.gap().samples(), NodeEvent.mb(r.gap().bytes())));
      row(sb, h + "kill -9 to MEMBER_UNREACHABLE on a sibling", r.unreachableMillis() < 0 ? "not seen"
          : String.format("%.1f s", r.unreachableMillis() / 1000.0));
      row(sb, h + "restart to last RECOVERY_COMPLETED", r.recoveryMillis() < 0 ? "not completed"
          : String.format("%.1f s (member Up on a sibling to last RECOVERY_COMPLETED: %.2f s; first RECOVERY_STARTED"
              + " to last RECOVERY_COMPLETED: %.2f s)", r.recoveryMillis() / 1000.0, r.upToDoneMillis() / 1000.0,
              r.workMillis() / 1000.0));
      row(sb, h + "moved (GAP_RECOVERED)", String.format("%d batches, %,d samples, %s; moved / gap bytes %.3f",
          r.movedBatches(), r.movedSamples(), NodeEvent.mb(r.movedBytes()), r.bytesRatio()));
      row(sb, h + "recovery rate", String.format("%,.0f samples/s, %.2f MB/s (over the recovery work time)",
          r.samplesPerSecond(), r.megabytesPerSecond()));
      row(sb, h + "result", (r.completed() ? "every collector recovered" : "recovery INCOMPLETE")
          + (r.failures() > 0 ? ", " + r.failures() + " RECOVERY_FAILED" : "") + "; " + r.verify());
    }
    double rawMb = raw.keysPerSecond() * (16 + baseline.rawValueBytes) / 1e6;
    row(sb, String.format("raw LevelDB, %,d sequential keys x %d B", baseline.rawKeys, baseline.rawValueBytes),
        String.format("%,.0f keys/s, %.1f MB/s of keys and values", raw.keysPerSecond(), rawMb));
    Optional<Round> one = rounds.stream().filter(r -> r.factor() == 1).findFirst();
    Optional<Round> ten = rounds.stream().filter(r -> r.factor() == 10).findFirst();
    if (one.isPresent() && ten.isPresent() && one.get().recoveryMillis() > 0 && ten.get().recoveryMillis() > 0) {
      row(sb, "recovery time H=10 : H=1 (goal <= 1.2)", String.format("%.2f (recovery work alone: %.2f)",
          (double) ten.get().recoveryMillis() / one.get().recoveryMillis(),
          one.get().workMillis() > 0 ? (double) ten.get().workMillis() / one.get().workMillis() : 0));
    }
    for (Round r : rounds) {
      row(sb, "H=" + r.factor() + ": bytes moved : gap bytes (goal <= 1.05)", String.format("%.3f", r.bytesRatio()));
      row(sb, "H=" + r.factor() + ": recovery rate : raw LevelDB", String.format(
          "%.3f (samples/s : keys/s), %.3f (MB/s : MB/s)", r.samplesPerSecond() / raw.keysPerSecond(),
          rawMb == 0 ? 0 : r.megabytesPerSecond() / rawMb));
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String what, String value) {
    sb.append("| ").append(what).append(" | ").append(value).append(" |\n");
  }
}

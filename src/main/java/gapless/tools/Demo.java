package gapless.tools;

import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import gapless.client.NodeEvent;
import gapless.events.EventType;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The whole method on a local cluster. Starts three storage nodes and a gateway, loads them with
 * simulated collectors, {@code kill -9}s one storage node while the load goes on, restarts it,
 * prints the fault and recovery events live as the nodes write them, stops the load, waits for
 * every replica to be identical, verifies every acknowledged sample on every replica against the
 * ack ledger, and prints what the recovery moved next to what the victim missed.
 */
public final class Demo {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  /**
   * What to run.
   *
   * @param local               where the cluster comes from, its port offset, whether to keep its files
   * @param victim              the storage node to kill -9
   * @param warmupSeconds       seconds of load before the kill
   * @param downSeconds         seconds the victim stays dead under load
   * @param recoveryWaitSeconds seconds to wait after the restart for the victim to complete recovery
   * @param collectors          collectors
   * @param tags                tags per batch
   * @param samplesPerTag       samples of each tag per batch
   * @param rate                samples/s over all collectors, 0 = flat out
   * @param verifyWaitSeconds   seconds verify may wait for the replicas to settle
   */
  public record Settings(LocalClusterSettings local, String victim, long warmupSeconds, long downSeconds,
      long recoveryWaitSeconds, int collectors, int tags, int samplesPerTag, double rate, long verifyWaitSeconds) {}

  private final Settings s;
  private final String victim;
  private final PrintStream out;
  private final Consumer<RecoveryWait> onRecoveryWait;
  private final GaplessClient client = new GaplessClient();
  private int step;

  /**
   * Where the wait for the victim's recovery stands (for a progress bar).
   *
   * @param over whether the wait has ended (all recovered, or out of time)
   */
  public record RecoveryWait(int recovered, int collectors, long batches, long bytes, boolean over) {}

  private Demo(Settings settings, PrintStream out, Consumer<RecoveryWait> onRecoveryWait) {
    this.s = settings;
    this.victim = settings.victim();
    this.out = out;
    this.onRecoveryWait = onRecoveryWait;
  }

  /**
   * Runs the scenario, telling it on {@code out}; the data, logs and ledger are kept when it fails.
   *
   * @return true when every replica holds every acknowledged sample and the victim recovered every
   *     collector without a RECOVERY_FAILED
   */
  public static boolean run(Settings settings, PrintStream out) throws IOException {
    return run(settings, out, w -> {});
  }

  /** The same, telling {@code onRecoveryWait} about each look at the victim's recovery while it waits. */
  public static boolean run(Settings settings, PrintStream out, Consumer<RecoveryWait> onRecoveryWait) throws IOException {
    return new Demo(settings, out, onRecoveryWait).run();
  }

  private boolean run() throws IOException {
    Path base = Files.createTempDirectory("gapless-demo-");
    Path ledger = base.resolve("ledger.jsonl");
    boolean ok = false;
    try (LocalCluster cluster = s.local().cluster(base)) {
      if (!cluster.nodeIds().contains(victim)) {
        throw new GaplessClientException("--victim must be a node of " + cluster.nodeIds() + ", not " + victim);
      }
      startCluster(cluster);
      ok = faultAndRecovery(cluster, ledger);
      header("shut down");
    } finally {
      s.local().keepOrDelete(base, !ok, "data, logs and ledger", out);
    }
    return ok;
  }

  private void startCluster(LocalCluster cluster) {
    header("start s1, s2, s3 (storage), gw1 and gw2 (gateways); data and logs in " + cluster.baseDir());
    cluster.startAllAndAwaitUp();
    for (String id : cluster.nodeIds()) {
      out.printf("  %-4s %s  pid %d%n", id, cluster.httpUrl(id), cluster.pid(id));
    }
  }

  private boolean faultAndRecovery(LocalCluster cluster, Path ledger) {
    URI gateway = cluster.gatewayUrl();
    // The load's duration is only an upper bound; it is stopped once the victim has recovered.
    long bound = s.warmupSeconds() + s.downSeconds() + s.recoveryWaitSeconds() + 60;
    SimulationSettings load = SimulationSettings.of(cluster.gatewayUrls(), s.collectors(), s.tags(), s.samplesPerTag(), s.rate(),
        Duration.ofSeconds(bound), ledger, "demo");
    List<String> collectorIds = load.collectorIds();

    SimulationResult result;
    Instant killTime;
    Instant restartTime;
    Optional<Duration> takeover = Optional.empty();
    RecoveryTally tally;
    List<NodeEvent> events;
    try (EventPrinter printer = new EventPrinter(cluster, out)) {
      header(String.format("load: %d collectors x %d tags x %d samples/tag, %s samples/s via %s; events as the nodes write them",
          s.collectors(), s.tags(), s.samplesPerTag(), s.rate() == 0 ? "flat out" : String.format("%,.0f", s.rate()), gateway));
      BackgroundLoad running = BackgroundLoad.start(client, load, null);
      sleep(Duration.ofSeconds(s.warmupSeconds()));

      header("kill -9 " + victim + " (pid " + cluster.pid(victim) + "); the load goes on for " + s.downSeconds() + " s");
      killTime = Instant.now();
      cluster.kill(victim);
      out.println("  " + CLOCK.format(killTime) + " " + victim + " killed");
      sleep(Duration.ofSeconds(s.downSeconds()));
      boolean gatewayVictim = cluster.gatewayUrls().contains(cluster.httpUrl(victim));
      if (gatewayVictim) {
        header("the other gateway takes over " + victim + "'s collectors (owner epochs from the replicas); the clients send there");
        takeover = awaitAckedAgain(ledger, collectorIds, killTime);
      }

      header("restart " + victim + " with the same command and data; " + (gatewayVictim
          ? "batches left in its buffer go to the collectors' owners" : "it recovers what it missed from its siblings"));
      restartTime = Instant.now();
      cluster.start(victim);
      out.println("  " + CLOCK.format(restartTime) + " " + victim + " started again, pid " + cluster.pid(victim));
      boolean recovered = gatewayVictim ? takeover.isPresent() : awaitRecovery(printer, collectorIds, restartTime);

      header("stop the load");
      result = running.stop();
      out.println("  " + result.summary());
      if (!recovered) {
        out.println("  " + victim + (takeover.isEmpty() && cluster.gatewayUrls().contains(cluster.httpUrl(victim))
            ? "'s collectors were not all acknowledged again" : " did not complete recovery of every collector")
            + " within " + s.recoveryWaitSeconds() + " s");
      }
      header("status");
      new StatusPrinter(client).print(cluster.storageUrl(), out);
      printer.pollNow();
      tally = RecoveryTally.of(printer.events(), victim, restartTime);
      events = printer.events();
    }
    VerifyReport report = verify(cluster, ledger);
    List<LedgerEntry> entries = LedgerEntry.readAll(ledger, client.mapper());
    if (cluster.gatewayUrls().contains(cluster.httpUrl(victim))) {
      gatewaySummary(result, report, events, takeover, killTime);
      return report.ok() && takeover.isPresent();
    }
    summary(result, report, entries, events, tally, killTime, restartTime, collectorIds);
    return report.ok() && tally.notCompleted(collectorIds).isEmpty() && tally.failures().isEmpty();
  }

  /** Bounded poll: true once the victim completed recovery of every collector since the restart. */
  private boolean awaitRecovery(EventPrinter printer, List<String> collectorIds, Instant since) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.recoveryWaitSeconds());
    while (true) {
      printer.pollNow();
      RecoveryTally tally = RecoveryTally.of(printer.events(), victim, since);
      int left = tally.notCompleted(collectorIds).size();
      boolean over = left == 0 || System.nanoTime() >= deadline;
      onRecoveryWait.accept(new RecoveryWait(collectorIds.size() - left, collectorIds.size(), tally.recoveredBatches(),
          tally.recoveredBytes(), over));
      if (over) {
        return left == 0;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
  }

  private VerifyReport verify(LocalCluster cluster, Path ledger) {
    header("verify: replicas identical, every acknowledged sample readable from every replica");
    VerifyReport report = new Verifier(client, cluster.gatewayUrl()).exactlyOnce(true).verify(ledger, Duration.ofSeconds(s.verifyWaitSeconds()), out);
    report.print(out);
    return report;
  }

  private void summary(SimulationResult load, VerifyReport report, List<LedgerEntry> entries, List<NodeEvent> events,
      RecoveryTally tally, Instant killTime, Instant restartTime, List<String> collectorIds) {
    header("summary");
    Optional<Instant> rejoined = firstAboutVictim(events, EventType.MEMBER_UP, restartTime);
    Optional<Instant> unreachable = firstAboutVictim(events, EventType.MEMBER_UNREACHABLE, killTime);
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

  /**
   * Bounded poll of the ack ledger: how long after the kill every collector had a batch
   * acknowledged again (those the victim owned only once another gateway took them over).
   */
  private Optional<Duration> awaitAckedAgain(Path ledger, List<String> collectorIds, Instant killTime) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.recoveryWaitSeconds());
    while (System.nanoTime() < deadline) {
      Map<String, Long> firstAck =
          LedgerEntry.firstAnswersAfter(LedgerEntry.readWritten(ledger, client.mapper()), killTime.toEpochMilli());
      if (firstAck.keySet().containsAll(collectorIds)) {
        Duration d = Duration.ofMillis(Collections.max(firstAck.values()) - killTime.toEpochMilli());
        out.printf("  every collector acknowledged again %.1f s after the kill%n", d.toMillis() / 1000.0);
        return Optional.of(d);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
    return Optional.empty();
  }

  private void gatewaySummary(SimulationResult load, VerifyReport report, List<NodeEvent> events, Optional<Duration> takeover,
      Instant killTime) {
    header("summary");
    long claims = events.stream().filter(e -> e.is(EventType.OWNER_CLAIMED) && !victim.equals(e.node())
        && e.time().isAfter(killTime)).count();
    row("load", String.format("%d batches acked (200: %d, 202: %d), %,d samples, %,.0f samples/s; errors %d (answers"
            + " the clients retried at the other gateway)", load.acked(), load.ok200(), load.buffered202(), load.samplesAcked(),
        load.samplesPerSecond(), load.errors()));
    row("kill -9", CLOCK.format(killTime) + " " + victim);
    row("taken over", takeover.map(d -> String.format("every collector acknowledged again %.1f s after the kill; %d"
        + " OWNER_CLAIMED on the other gateway", d.toMillis() / 1000.0, claims)).orElse("not every collector"));
    row("replicas", String.format("%d collectors on %d storage nodes", report.collectors().size(), report.storageNodes()));
    row("read back", String.format("%,d samples, every ledger sample from every replica", report.samplesChecked()));
    row("verdict", report.verdictLine());
  }

  /** When any node first wrote a {@code type} event about the victim at or after {@code since}. */
  private Optional<Instant> firstAboutVictim(List<NodeEvent> events, EventType type, Instant since) {
    return events.stream().filter(e -> e.is(type) && victim.equals(e.peer()) && !e.time().isBefore(since))
        .map(NodeEvent::time).min(Instant::compareTo);
  }

  private static boolean inRecoveredRange(RecoveryTally tally, LedgerEntry e) {
    for (long[] r : tally.recoveredRanges(e.collector())) {
      if (e.seq() >= r[0] && e.seq() <= r[1]) {
        return true;
      }
    }
    return false;
  }

  private void row(String what, String value) {
    out.printf("  %-12s %s%n", what, value);
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
    out.println();
    out.println("== " + (++step) + ". " + title);
  }
}

package gapless.tools;

import gapless.client.EventTail;
import gapless.client.GaplessClient;
import gapless.client.NodeEvent;
import gapless.events.EventType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Does recovery cost grow with the gap and not with the history? For each history factor H a
 * fresh local 4-node cluster is loaded flat out for {@code H * base} seconds, then s3 is killed
 * with SIGKILL, a fixed gap is loaded at a fixed rate, the load stops and s3 is restarted. From the
 * event files it measures restart to the last RECOVERY_COMPLETED, what GAP_RECOVERED moved against
 * the encoded bytes of the batches acked while s3 was down, the recovery rate, and how long the
 * siblings took to see s3 unreachable; then the raw LevelDB write rate of the same machine. Writes
 * the recovery section of the benchmarks document.
 */
public final class RecoveryBenchmark {

  private static final String VICTIM = "s3";

  /**
   * What to run.
   *
   * @param local               where the clusters come from, their port offset, whether to keep their files
   * @param baseline            the raw LevelDB baseline and the document to update
   * @param baseSeconds         seconds of flat-out history for H = 1
   * @param factors             the history factors H, one fresh cluster each
   * @param gapSeconds          seconds of load while s3 is down
   * @param gapRate             samples/s during the gap
   * @param collectors          collectors
   * @param tags                tags per batch
   * @param samplesPerTag       samples of each tag per batch
   * @param recoveryWaitSeconds seconds to wait for recovery to complete
   */
  public record Settings(LocalClusterSettings local, BaselineSettings baseline, long baseSeconds, List<Integer> factors,
      long gapSeconds, double gapRate, int collectors, int tags, int samplesPerTag, long recoveryWaitSeconds) {}

  /**
   * One round's measurements.
   *
   * @param recoveryMillis restart to the last RECOVERY_COMPLETED of s3
   * @param upToDoneMillis s3's MEMBER_UP on a sibling to its last RECOVERY_COMPLETED
   * @param workMillis     s3's first RECOVERY_STARTED to its last RECOVERY_COMPLETED
   * @param unreachableMillis kill to the first MEMBER_UNREACHABLE of s3 on a sibling, -1 when none
   * @param memory         each node's heap after GC once s3 recovered, and its GC pauses since the restart
   */
  public record Round(int factor, SimulationResult history, SimulationResult gapLoad, LedgerGap gap, long recoveryMillis,
      long upToDoneMillis, long workMillis, long unreachableMillis, long movedBatches, long movedSamples, long movedBytes, boolean completed,
      int failures, String verify, NodeMemory memory) {

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

  /**
   * What a run measured.
   *
   * @param rounds  one per history factor
   * @param section the section written into the document
   */
  public record Result(List<Round> rounds, String section) {

    /** True when s3 recovered every collector in every round, with no RECOVERY_FAILED. */
    public boolean ok() {
      return rounds.stream().allMatch(r -> r.completed() && r.failures() == 0);
    }
  }

  private final Settings s;
  private final PrintStream out;
  private final GaplessClient client = new GaplessClient();

  private RecoveryBenchmark(Settings settings, PrintStream out) {
    this.s = settings;
    this.out = out;
  }

  /** Runs every round and the baseline; prints progress and the section to {@code out}, and writes the section. */
  public static Result run(Settings s, PrintStream out) throws IOException {
    return s.local().inTempDir("gapless-bench-recovery-", out, new RecoveryBenchmark(s, out)::run);
  }

  private Result run(Path base) throws IOException {
    List<Round> rounds = new ArrayList<>();
    for (int h : s.factors()) {
      rounds.add(round(base.resolve("h" + h), h));
    }
    // Every cluster is down before the baseline runs, so it gets the whole machine.
    BaselineSettings b = s.baseline();
    out.printf("bench: raw LevelDB baseline, %,d sequential keys x %d B%n", b.rawKeys(), b.rawValueBytes());
    RawLevelDbBaseline.Result raw = b.measure(base.resolve("raw"), true);
    BenchmarkSection section = section(rounds, raw);
    section.publish(b.document(), out);
    return new Result(rounds, section.text());
  }

  private Round round(Path dir, int factor) throws IOException {
    Files.createDirectories(dir);
    try (LocalCluster cluster = s.local().cluster(dir)) {
      out.printf("bench: H=%d: starting the cluster in %s%n", factor, dir);
      cluster.startAllAndAwaitUp();
      long historySeconds = factor * s.baseSeconds();
      out.printf("bench: H=%d: %d s of history, flat out%n", factor, historySeconds);
      SimulationResult history = new Simulator(client).run(settings(cluster, 0, historySeconds, null), null);
      out.println("  " + history.summary());

      Instant kill = Instant.now();
      cluster.kill(VICTIM);
      Path ledger = dir.resolve("gap-ledger.jsonl");
      out.printf("bench: H=%d: %s killed; %d s of gap at %,.0f samples/s%n", factor, VICTIM, s.gapSeconds(), s.gapRate());
      SimulationSettings gapSettings = settings(cluster, s.gapRate(), s.gapSeconds(), ledger);
      SimulationResult gapLoad = new Simulator(client).run(gapSettings, null);
      out.println("  " + gapLoad.summary());
      LedgerGap gap = LedgerGap.of(LedgerEntry.readAll(ledger, client.mapper()), kill.toEpochMilli(), Long.MAX_VALUE);

      // Restarting while the old incarnation is still a member makes the join wait for its removal,
      // a delay of the split-brain resolver's clock rather than of recovery: start from the same state in every round.
      awaitRemoved(cluster, kill);
      NodeMemory beforeRestart = NodeMemory.read(cluster, client);
      Instant restart = Instant.now();
      cluster.start(VICTIM);
      List<String> ids = gapSettings.collectorIds();
      RecoveryTally tally = awaitRecovery(cluster, ids, restart);
      // s3 was not running before the restart: its pauses are all since its start.
      NodeMemory memory = NodeMemory.read(cluster, client).since(beforeRestart, VICTIM);
      List<NodeEvent> events = cluster.events();
      long unreachable = firstOnSibling(events, EventType.MEMBER_UNREACHABLE, kill)
          .map(t -> Duration.between(kill, t).toMillis()).orElse(-1L);
      boolean completed = tally.notCompleted(ids).isEmpty();
      long recoveryMillis = tally.lastCompletedTime().map(t -> Duration.between(restart, t).toMillis()).orElse(-1L);
      long upToDoneMillis = firstOnSibling(events, EventType.MEMBER_UP, restart)
          .flatMap(up -> tally.lastCompletedTime().map(c -> Duration.between(up, c).toMillis())).orElse(-1L);
      long workMillis = tally.firstStarted().flatMap(st -> tally.lastCompletedTime().map(c -> Duration.between(st, c).toMillis()))
          .orElse(-1L);
      // The replicas only, no sample read-back: the point here is that s3 caught up, cheaply checked.
      VerifyReport report = new Verifier(client, cluster.gatewayUrl()).verify(null, Duration.ofSeconds(30), null);
      Round r = new Round(factor, history, gapLoad, gap, recoveryMillis, upToDoneMillis, workMillis, unreachable, tally.recoveredBatches(),
          tally.recoveredSamples(), tally.recoveredBytes(), completed, tally.failures().size(), report.verdictLine(), memory);
      out.printf("bench: H=%d: recovery %s ms after restart (%d ms of recovery work), moved %d batches %s for a gap of"
              + " %d batches %s (%.3f), %s%n", factor, recoveryMillis, workMillis, r.movedBatches(), NodeEvent.mb(r.movedBytes()),
          gap.batches(), NodeEvent.mb(gap.bytes()), r.bytesRatio(), report.verdictLine());
      return r;
    }
  }

  /** When a sibling first wrote a {@code type} event about s3 at or after {@code since}. */
  private static Optional<Instant> firstOnSibling(List<NodeEvent> events, EventType type, Instant since) {
    return events.stream().filter(e -> aboutVictimOnSibling(e, type, since)).map(NodeEvent::time).min(Instant::compareTo);
  }

  private static boolean aboutVictimOnSibling(NodeEvent e, EventType type, Instant since) {
    return e.is(type) && VICTIM.equals(e.peer()) && !VICTIM.equals(e.node()) && !e.time().isBefore(since);
  }

  /** Bounded poll of the event files until a sibling removed the killed s3 from the cluster (or 60 s passed). */
  private void awaitRemoved(LocalCluster cluster, Instant kill) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (cluster.events().stream().anyMatch(e -> aboutVictimOnSibling(e, EventType.MEMBER_REMOVED, kill))) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
    out.println("bench: no MEMBER_REMOVED of " + VICTIM + " within 60 s; restarting it anyway");
  }

  /** Bounded poll of the event files until s3 completed recovery of every collector since {@code restart}. */
  private RecoveryTally awaitRecovery(LocalCluster cluster, List<String> ids, Instant restart) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.recoveryWaitSeconds());
    EventTail tail = new EventTail(cluster.logDir());
    List<NodeEvent> seen = new ArrayList<>();
    while (true) {
      seen.addAll(tail.poll());
      RecoveryTally t = RecoveryTally.of(seen, VICTIM, restart);
      if (t.notCompleted(ids).isEmpty() || System.nanoTime() >= deadline) {
        if (!t.notCompleted(ids).isEmpty()) {
          out.println("bench: " + VICTIM + " did not complete recovery of " + t.notCompleted(ids) + " within "
              + s.recoveryWaitSeconds() + " s");
        }
        return t;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  private SimulationSettings settings(LocalCluster cluster, double rate, long seconds, Path ledger) {
    return SimulationSettings.of(cluster.gatewayUrls(), s.collectors(), s.tags(), s.samplesPerTag(), rate,
        Duration.ofSeconds(seconds), ledger, "bench");
  }

  private BenchmarkSection section(List<Round> rounds, RawLevelDbBaseline.Result raw) {
    BaselineSettings b = s.baseline();
    BenchmarkSection section = new BenchmarkSection("recovery", "Recovery", "bench recovery --base " + s.baseSeconds()
        + " --gap " + s.gapSeconds() + " --gap-rate " + String.format("%.0f", s.gapRate()) + " --collectors "
        + s.collectors() + " --tags " + s.tags() + " --samples-per-tag " + s.samplesPerTag())
        .clusterRow(s.local().confDir(), "; a fresh cluster per H")
        .row("scenario", String.format("history: H x %d s flat out; kill -9 s3; gap: %d s at %,.0f samples/s; load stops;"
            + " once the survivors removed the old incarnation, s3 restarted with the same command and data", s.baseSeconds(),
            s.gapSeconds(), s.gapRate()))
        .row("load", String.format("%d collectors, batches of %d tags x %d samples", s.collectors(), s.tags(), s.samplesPerTag()));
    for (Round r : rounds) {
      String h = "H=" + r.factor() + ": ";
      section.row(h + "history", String.format("%d batches, %,d samples (%s encoded)", r.history().acked(),
              r.history().samplesAcked(), NodeEvent.mb(r.history().encodedBytes())))
          .row(h + "gap (acked while s3 was down)", String.format("%d batches, %,d samples, %s", r.gap().batches(),
              r.gap().samples(), NodeEvent.mb(r.gap().bytes())))
          .row(h + "kill -9 to MEMBER_UNREACHABLE on a sibling", r.unreachableMillis() < 0 ? "not seen"
              : String.format("%.1f s", r.unreachableMillis() / 1000.0))
          .row(h + "restart to last RECOVERY_COMPLETED", r.recoveryMillis() < 0 ? "not completed"
              : String.format("%.1f s (member Up on a sibling to last RECOVERY_COMPLETED: %.2f s; first RECOVERY_STARTED"
                  + " to last RECOVERY_COMPLETED: %.2f s)", r.recoveryMillis() / 1000.0, r.upToDoneMillis() / 1000.0,
                  r.workMillis() / 1000.0))
          .row(h + "moved (GAP_RECOVERED)", String.format("%d batches, %,d samples, %s; moved / gap bytes %.3f",
              r.movedBatches(), r.movedSamples(), NodeEvent.mb(r.movedBytes()), r.bytesRatio()))
          .row(h + "recovery rate", String.format("%,.0f samples/s, %.2f MB/s (over the recovery work time)",
              r.samplesPerSecond(), r.megabytesPerSecond()))
          .row(h + "heap after GC once recovered (of -Xmx512m); GC pauses since the restart", r.memory().describe())
          .row(h + "result", (r.completed() ? "every collector recovered" : "recovery INCOMPLETE")
              + (r.failures() > 0 ? ", " + r.failures() + " RECOVERY_FAILED" : "") + "; " + r.verify());
    }
    double rawMb = raw.keysPerSecond() * (16 + b.rawValueBytes()) / 1e6;
    section.row(String.format("raw LevelDB, %,d sequential keys x %d B", b.rawKeys(), b.rawValueBytes()),
        String.format("%,.0f keys/s, %.1f MB/s of keys and values", raw.keysPerSecond(), rawMb));
    Optional<Round> one = rounds.stream().filter(r -> r.factor() == 1).findFirst();
    Optional<Round> ten = rounds.stream().filter(r -> r.factor() == 10).findFirst();
    if (one.isPresent() && ten.isPresent() && one.get().recoveryMillis() > 0 && ten.get().recoveryMillis() > 0) {
      section.row("recovery time H=10 : H=1 (goal <= 1.2)", String.format("%.2f (recovery work alone: %.2f)",
          (double) ten.get().recoveryMillis() / one.get().recoveryMillis(),
          one.get().workMillis() > 0 ? (double) ten.get().workMillis() / one.get().workMillis() : 0));
    }
    for (Round r : rounds) {
      section.row("H=" + r.factor() + ": bytes moved : gap bytes (goal <= 1.05)", String.format("%.3f", r.bytesRatio()))
          .row("H=" + r.factor() + ": recovery rate : raw LevelDB", String.format(
              "%.3f (samples/s : keys/s), %.3f (MB/s : MB/s)", r.samplesPerSecond() / raw.keysPerSecond(),
              rawMb == 0 ? 0 : r.megabytesPerSecond() / rawMb));
    }
    return section;
  }
}

package gapless.tools;

import gapless.api.dto.ReplicaReport;
import gapless.client.GaplessClient;
import gapless.client.IngestResponse;
import gapless.model.Sample;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * What does an idle cluster cost for each collector it holds? Twice, on a fresh local cluster
 * each: replica passivation off, then on. One small batch for each of many collectors, then
 * nothing; once the replicas had time to settle (and to fall asleep, with passivation on), the
 * CPU time each storage node's JVM uses over a window ({@link CpuTimes}). The
 * round without passivation is the baseline of the same run. Writes the idle section of the
 * benchmarks document.
 */
public final class IdleBenchmark {

  private static final List<String> STORAGE = List.of("s1", "s2", "s3");

  /**
   * What to run.
   *
   * @param collectors     collectors that each send one batch
   * @param senders        how many first batches are sent at once (each waits for its answer)
   * @param passivateAfter {@code gapless.replica.passivate-after} of the second round
   * @param settle         quiet time after the last batch before the window
   * @param window         how long CPU time is measured
   */
  public record Settings(LocalClusterSettings local, Path out, int collectors, int senders, Duration passivateAfter,
      Duration settle, Duration window) {}

  /**
   * One round: the share of a core each storage node used in the window, and the replicas asleep at its end.
   */
  public record Round(Duration passivateAfter, List<Double> coreShares, long replicas, long asleep, Duration fed) {

    double meanShare() {
      return coreShares.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
  }

  private final Settings s;
  private final PrintStream out;
  private final GaplessClient client = new GaplessClient(Duration.ofSeconds(2), Duration.ofSeconds(30));

  private IdleBenchmark(Settings s, PrintStream out) {
    this.s = s;
    this.out = out;
  }

  /** Runs both rounds and writes the section; false when a round could not give every collector its batch. */
  public static boolean run(Settings s, PrintStream out) throws IOException {
    IdleBenchmark bench = new IdleBenchmark(s, out);
    Round off = bench.round(Duration.ZERO);
    Round on = bench.round(s.passivateAfter());
    section(s, off, on).publish(s.out(), out);
    return off.replicas() >= 3L * s.collectors() && on.replicas() >= 3L * s.collectors();
  }

  private Round round(Duration passivateAfter) throws IOException {
    return s.local().inTempDir("gapless-bench-idle-", out, dir -> {
      try (LocalCluster cluster = s.local().cluster(dir)) {
        cluster.jvmOptions(LocalCluster.nodeJvm(List.of("-Dgapless.replica.passivate-after=" + passivateAfter.toMillis() + "ms")));
        cluster.startAllAndAwaitUp();
        out.printf("idle: passivate-after %d s: one batch for each of %d collectors ...%n", passivateAfter.toSeconds(), s.collectors());
        long feedStart = System.nanoTime();
        feed(cluster);
        Duration fed = Duration.ofNanos(System.nanoTime() - feedStart);
        out.printf("idle: %d first batches in %.1f s: %.0f new collectors/s%n", s.collectors(), fed.toMillis() / 1000.0,
            s.collectors() * 1e9 / fed.toNanos());
        out.printf("idle: quiet for %d s, then CPU time over %d s%n", s.settle().toSeconds(), s.window().toSeconds());
        pause(s.settle());
        CpuTimes before = CpuTimes.read(cluster);
        pause(s.window());
        CpuTimes used = CpuTimes.read(cluster).since(before);
        List<Double> shares = STORAGE.stream()
            .map(n -> used.of(n).toNanos() / (double) s.window().toNanos()).toList();
        List<ReplicaReport> replicas = STORAGE.stream().flatMap(n -> client.replicas(cluster.httpUrl(n)).replicas().stream()).toList();
        Round r = new Round(passivateAfter, shares, replicas.size(), replicas.stream().filter(ReplicaReport::asleep).count(), fed);
        out.printf("idle: %.1f%% of a core per storage node (%s), %d of %d replicas asleep%n", r.meanShare() * 100, shares,
            r.asleep(), r.replicas());
        return r;
      }
    });
  }

  /** One small batch for each collector, from a few threads; each collector's first batch starts its owner and replicas. */
  private void feed(LocalCluster cluster) {
    List<java.net.URI> gateways = cluster.gatewayUrls();
    AtomicInteger failed = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(s.senders());
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 1; i <= s.collectors(); i++) {
        String collector = String.format("idle-%05d", i);
        java.net.URI gateway = gateways.get(i % gateways.size());
        sent.add(pool.submit(() -> {
          IngestResponse r = client.postSamples(gateway, collector, List.of(new Sample("t", System.currentTimeMillis(), 1.0, 192)));
          if (!r.accepted()) {
            failed.incrementAndGet();
          }
        }));
      }
      for (Future<?> f : sent) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("feeding the collectors failed: " + e, e);
    } finally {
      pool.shutdownNow();
    }
    if (failed.get() > 0) {
      out.println("idle: " + failed.get() + " of " + s.collectors() + " first batches were not accepted");
    }
  }

  private static BenchmarkSection section(Settings s, Round off, Round on) {
    BenchmarkSection section = new BenchmarkSection("idle", "Idle cost per collector",
        "bench idle --collectors " + s.collectors() + " --senders " + s.senders() + " --passivate-after " + s.passivateAfter().toSeconds()
            + " --settle " + s.settle().toSeconds() + " --window " + s.window().toSeconds());
    section.clusterRow(s.local().confDir(), "; each collector sent one batch of one"
        + " sample, then nothing (the gateways' owners passivate after 120 s of their own)");
    for (Round r : List.of(off, on)) {
      section.row(r.passivateAfter().isZero() ? "passivation off (baseline)" : "passivate-after " + r.passivateAfter().toSeconds() + " s",
          String.format("%.2f%% of a core per storage node (%s); %d of %d replicas asleep",
              r.meanShare() * 100, r.coreShares().stream().map(x -> String.format("%.2f%%", x * 100)).toList(),
              r.asleep(), r.replicas()));
    }
    section.row("ratio", String.format("passivation on uses %.2fx the CPU of off", off.meanShare() == 0 ? 0 : on.meanShare() / off.meanShare()));
    // Each collector's first batch starts its owner and its replicas (persistent actors, journal recoveries): new collectors a second.
    section.row("first batches (" + s.senders() + " senders at once)", List.of(off, on).stream().map(r -> String.format("%.0f new collectors/s",
        s.collectors() * 1e9 / r.fed().toNanos())).collect(java.util.stream.Collectors.joining(", then ")));
    return section;
  }

  private static void pause(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    long left;
    while ((left = end - System.nanoTime()) > 0) {
      LockSupport.parkNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
    }
  }
}

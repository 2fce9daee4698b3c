package gapless.tools;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CPU time (user and system) used so far by each node's JVM of a local cluster and by this
 * process (the load generator), from {@link ProcessHandle} ({@code /proc} on Linux). Two readings
 * taken around a window say what each JVM spent in it; a node that is not running is left out.
 */
public record CpuTimes(Map<String, Duration> byProcess) {

  /** The name of this process (the benchmark and its load generator) in a reading. */
  static final String SELF = "load generator";

  /** Each node of {@code cluster} (by id), then this process. */
  static CpuTimes read(LocalCluster cluster) {
    Map<String, Duration> used = new LinkedHashMap<>();
    for (String id : cluster.nodeIds()) {
      if (cluster.isRunning(id)) {
        of(cluster.pid(id)).ifPresent(d -> used.put(id, d));
      }
    }
    of(ProcessHandle.current().pid()).ifPresent(d -> used.put(SELF, d));
    return new CpuTimes(used);
  }

  /** What each process read both times used between {@code earlier} and this reading. */
  CpuTimes since(CpuTimes earlier) {
    Map<String, Duration> used = new LinkedHashMap<>();
    byProcess.forEach((p, d) -> {
      if (earlier.byProcess.containsKey(p)) {
        used.put(p, d.minus(earlier.byProcess.get(p)));
      }
    });
    return new CpuTimes(used);
  }

  Duration of(String process) {
    return byProcess.getOrDefault(process, Duration.ZERO);
  }

  Duration total() {
    return byProcess.values().stream().reduce(Duration.ZERO, Duration::plus);
  }

  /**
   * Each process's CPU time, then all of theirs, per unit of work: {@code "s1 4.2, ..., all 21.9"},
   * in seconds times {@code scale} per one of {@code units}.
   */
  String per(double units, double scale) {
    StringBuilder text = new StringBuilder();
    byProcess.forEach((p, d) -> text.append(String.format("%s %.1f, ", p, seconds(d) * scale / units)));
    return text.append(String.format("all %.1f", seconds(total()) * scale / units)).toString();
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  /** This process's CPU time so far (all its threads, native ones included). */
  static Duration self() {
    return of(ProcessHandle.current().pid()).orElse(Duration.ZERO);
  }

  /** The CPU time of process {@code pid} so far, unless it is gone. */
  private static Optional<Duration> of(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration());
  }
}

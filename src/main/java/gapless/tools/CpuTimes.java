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

  /** This process's CPU time so far (all its threads, native ones included). */
  static Duration self() {
    return of(ProcessHandle.current().pid()).orElse(Duration.ZERO);
  }

  /** The CPU time of process {@code pid} so far, unless it is gone. */
  private static Optional<Duration> of(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration());
  }
}

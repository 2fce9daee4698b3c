package gapless.tools;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a chaos run found: each fault with the time the cluster took to be whole again and whether
 * the event log told it, the load's answers, and the final verification of every acknowledged
 * batch on every replica. Passes when nothing acknowledged was lost or stored twice, the replicas
 * are identical, and every fault healed within the bound and was told.
 *
 * @param explained for each fault, in order: whether the event log told it
 */
public record ChaosReport(long seed, List<ChaosFault> faults, List<Boolean> explained, SimulationResult load, VerifyReport verify) {

  public boolean ok() {
    return verify.ok() && !faults.isEmpty() && faults.stream().allMatch(f -> f.back() != null) && !explained.contains(false);
  }

  /** Verify's problems that say an acknowledged sample is not on a replica. */
  public long lost() {
    return verify.problems().stream().filter(p -> p.contains(" missing") || p.contains(" lacks ")).count();
  }

  /** Verify's problems that say an acknowledged sample is stored twice. */
  public long duplicated() {
    return verify.problems().stream().filter(p -> p.contains(" times: ")).count();
  }

  public void print(PrintStream out) {
    out.printf("%-28s %5s %6s %9s  %s%n", "FAULT", "COUNT", "HEALED", "EXPLAINED", "BACK AFTER HEAL min / median / max");
    Map<ChaosFault.Kind, List<Integer>> byKind = new TreeMap<>();
    for (int i = 0; i < faults.size(); i++) {
      byKind.computeIfAbsent(faults.get(i).kind(), k -> new ArrayList<>()).add(i);
    }
    byKind.forEach((kind, indexes) -> {
      List<Duration> back = indexes.stream().map(i -> faults.get(i).back()).filter(d -> d != null).sorted(Comparator.naturalOrder()).toList();
      long told = indexes.stream().filter(explained::get).count();
      out.printf("%-28s %5d %6d %9d  %s%n", kind.label(), indexes.size(), back.size(), told, back.isEmpty() ? "-"
          : String.format("%.1f / %.1f / %.1f s", secs(back.get(0)), secs(back.get(back.size() / 2)), secs(back.get(back.size() - 1))));
    });
    out.printf("acked batches     %d (200: %d, 202: %d), %,d samples; requests that failed and were sent again: %d%n", load.acked(),
        load.ok200(), load.buffered202(), load.samplesAcked(), load.errors());
    out.printf("lost              %d%n", lost());
    out.printf("duplicated        %d%n", duplicated());
    out.println(verify.verdictLine());
    out.println((ok() ? "CHAOS OK" : "CHAOS FAILED") + ": " + faults.size() + " faults, seed " + seed + problems());
  }

  private String problems() {
    List<String> p = new ArrayList<>();
    long unhealed = faults.stream().filter(f -> f.back() == null).count();
    if (unhealed > 0) {
      p.add(unhealed + " not healed in time");
    }
    long untold = explained.stream().filter(e -> !e).count();
    if (untold > 0) {
      p.add(untold + " not told by the event log");
    }
    if (!verify.ok()) {
      p.add("verify failed");
    }
    return p.isEmpty() ? "" : "; " + String.join(", ", p);
  }

  private static double secs(Duration d) {
    return d.toMillis() / 1000.0;
  }
}

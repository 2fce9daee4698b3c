package gapless.tools;

import gapless.api.dto.ReplicaReport;
import gapless.model.Csv;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Verifier} found: one verdict a collector, problems that belong to no single
 * collector (a node that cannot be reached), and whether the ledger samples were compared.
 *
 * @param samplesCompared false when the ledger samples were not read back, because there was no
 *                        ledger or because the replica views already disagreed
 */
public record VerifyReport(
    List<CollectorVerdict> collectors,
    List<String> clusterProblems,
    long ledgerBatches,
    long samplesChecked,
    boolean samplesCompared,
    int storageNodes) {

  public boolean ok() {
    return clusterProblems.isEmpty() && collectors.stream().allMatch(CollectorVerdict::ok) && !collectors.isEmpty();
  }

  /** Every problem, cluster-wide ones first. */
  public List<String> problems() {
    List<String> all = new ArrayList<>(clusterProblems);
    collectors.forEach(c -> all.addAll(c.problems()));
    if (collectors.isEmpty() && clusterProblems.isEmpty()) {
      all.add("no collector found on any storage node");
    }
    return all;
  }

  /** The final line: {@code VERIFY OK: ...} or {@code VERIFY FAILED: ...}. */
  public String verdictLine() {
    if (ok()) {
      return String.format("VERIFY OK: %d collectors, replicas identical on %d storage nodes%s", collectors.size(),
          storageNodes, samplesCompared
              ? String.format(", %d ledger batches, %,d samples read back from every replica", ledgerBatches, samplesChecked)
              : "");
    }
    List<String> problems = problems();
    return "VERIFY FAILED: " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "; first: " + problems.get(0);
  }

  /** The per-collector table, the problems, and the verdict line. */
  public void print(PrintStream out) {
    out.printf("%-20s %-34s %-14s %8s %12s  %s%n", "COLLECTOR", "REPLICAS node=contiguous/highest", "DIGEST",
        "LEDGER", "CHECKED", "RESULT");
    for (List<String> r : rows(false)) {
      out.printf("%-20s %-34s %-14s %8s %12s  %s%n", r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5));
    }
    List<String> problems = problems();
    int shown = Math.min(problems.size(), 20);
    for (int i = 0; i < shown; i++) {
      out.println("  problem: " + problems.get(i));
    }
    if (problems.size() > shown) {
      out.println("  ... and " + (problems.size() - shown) + " more problems");
    }
    out.println(verdictLine());
  }

  /** A row per collector, then a row per cluster-wide problem (collector "-"). */
  public void printCsv(PrintStream out) {
    List<List<String>> rows = new ArrayList<>(rows(true));
    clusterProblems.forEach(p -> rows.add(List.of("-", "", "", "", "", "FAILED", p)));
    Csv.print(out, List.of("collector", "replicas", "digest", "ledgerBatches", "samplesChecked", "result", "problems"), rows);
  }

  /**
   * Per collector: its replicas ({@code node=contiguous[/highest]}), the digest ("DIFFERENT" when
   * they differ), ledger batches, samples checked, the result; with {@code problems}, its problems too.
   */
  private List<List<String>> rows(boolean withProblems) {
    List<List<String>> rows = new ArrayList<>();
    for (CollectorVerdict c : collectors) {
      StringBuilder replicas = new StringBuilder();
      String digest = null;
      boolean same = true;
      for (String node : c.replicaSet()) {
        ReplicaReport v = c.views().get(node);
        if (replicas.length() > 0) {
          replicas.append(' ');
        }
        if (v == null) {
          replicas.append(node).append("=none");
          same = false;
          continue;
        }
        replicas.append(node).append('=').append(v.contiguousSeq());
        if (v.highestSeq() != v.contiguousSeq()) {
          replicas.append('/').append(v.highestSeq());
        }
        if (digest == null) {
          digest = v.shortDigest();
        } else if (!digest.equals(v.shortDigest())) {
          same = false;
        }
      }
      List<String> row = new ArrayList<>(List.of(c.collector(), replicas.toString(),
          digest == null ? "-" : same ? digest : "DIFFERENT", String.valueOf(c.ledgerBatches()), String.valueOf(c.samplesChecked()),
          c.ok() ? "ok" : withProblems ? "FAILED" : "FAILED (" + c.problems().size() + ")"));
      if (withProblems) {
        row.add(String.join("; ", c.problems()));
      }
      rows.add(row);
    }
    return rows;
  }
}

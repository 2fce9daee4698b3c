package gapless.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import gapless.api.dto.MemberInfo;
import gapless.api.dto.NodeStatus;
import gapless.api.dto.ReplicaReport;
import gapless.api.dto.StorageNodeInfo;
import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import gapless.model.Csv;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Prints the cluster as one node sees it: the members, then a replica table gathered from every
 * storage node registered in the cluster; as tables for people, or JSON or CSV (the replicas) for
 * scripts. Shared by {@code status} and the demo.
 */
public final class StatusPrinter {

  /**
   * What was read: the asked node's status, every reachable storage node's replicas (by
   * collector, then node), and the storage nodes that did not answer, with why.
   */
  public record ClusterView(NodeStatus status, List<ReplicaReport> replicas, List<String> unreachable) {}

  private static final List<String> CSV_HEADER = List.of("collector", "node", "status", "contiguousSeq", "highestSeq", "missing",
      "lag", "state", "batches", "samples", "digest");

  private final GaplessClient client;

  public StatusPrinter(GaplessClient client) {
    this.client = client;
  }

  public ClusterView read(URI node) {
    NodeStatus status = client.status(node);
    List<ReplicaReport> rows = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    for (StorageNodeInfo s : status.storageNodes()) {
      if (s.http() == null || s.http().isEmpty()) {
        unreachable.add(s.node() + ": not reachable (down, restarting or not registered yet)");
        continue;
      }
      try {
        rows.addAll(client.replicas(URI.create(s.http())).replicas());
      } catch (GaplessClientException | IllegalArgumentException e) {
        unreachable.add(s.node() + " (" + s.http() + "): " + e.getMessage());
      }
    }
    rows.sort(Comparator.comparing(ReplicaReport::collector).thenComparing(ReplicaReport::node));
    return new ClusterView(status, rows, unreachable);
  }

  public void print(URI node, PrintStream out) {
    printTable(read(node), out);
  }

  public void printTable(ClusterView view, PrintStream out) {
    NodeStatus status = view.status();
    out.printf("node %s %s roles=%s%n", status.node(), status.address(), status.roles());
    out.println();
    out.printf("%-36s %-20s %-10s %s%n", "MEMBER", "ROLES", "STATUS", "REACHABLE");
    for (MemberInfo m : status.members()) {
      out.printf("%-36s %-20s %-10s %s%n", m.address(), String.join(",", m.roles()), m.status(), m.reachable() ? "yes" : "NO");
    }
    out.println();
    out.printf("%-20s %-5s %-10s %10s %10s %-14s %6s %-10s %8s %12s %-14s%n", "COLLECTOR", "NODE", "STATUS", "CONTIGUOUS",
        "HIGHEST", "MISSING", "LAG", "STATE", "BATCHES", "SAMPLES", "DIGEST");
    for (ReplicaReport v : view.replicas()) {
      out.printf("%-20s %-5s %-10s %10d %10d %-14s %6d %-10s %8d %12d %-14s%n", v.collector(), v.node(), v.status(),
          v.contiguousSeq(), v.highestSeq(), v.missingText(), v.lag(), state(v), v.batches(), v.samples(), v.shortDigest());
    }
    if (view.replicas().isEmpty()) {
      out.println("(no replicas)");
    }
    for (String u : view.unreachable()) {
      out.println("storage node not answering: " + u);
    }
  }

  /** The whole view as one JSON document: {@code status}, {@code replicas}, {@code unreachable}. */
  public void printJson(ClusterView view, PrintStream out) {
    try {
      out.println(client.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(view));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The replica table, a row per replica (the full digest). */
  public void printCsv(ClusterView view, PrintStream out) {
    Csv.print(out, CSV_HEADER, view.replicas().stream().map(v -> List.of(v.collector(), v.node(), String.valueOf(v.status()),
        String.valueOf(v.contiguousSeq()), String.valueOf(v.highestSeq()), v.missingText(), String.valueOf(v.lag()), state(v),
        String.valueOf(v.batches()), String.valueOf(v.samples()), v.digest())).toList());
  }

  private static String state(ReplicaReport v) {
    return v.recovering() ? "recovering" : v.asleep() ? "asleep" : "awake";
  }
}

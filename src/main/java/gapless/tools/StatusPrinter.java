package gapless.tools;

import gapless.api.dto.MemberInfo;
import gapless.api.dto.NodeStatus;
import gapless.api.dto.ReplicaReport;
import gapless.api.dto.StorageNodeInfo;
import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Prints the cluster as one node sees it: the members, then a replica table gathered from every
 * storage node registered in the cluster. Shared by {@code status} and the demo.
 */
public final class StatusPrinter {

  private final GaplessClient client;

  public StatusPrinter(GaplessClient client) {
    this.client = client;
  }

  public void print(URI node, PrintStream out) {
    NodeStatus status = client.status(node);
    out.printf("node %s %s roles=%s%n", status.node(), status.address(), status.roles());
    out.println();
    out.printf("%-36s %-20s %-10s %s%n", "MEMBER", "ROLES", "STATUS", "REACHABLE");
    for (MemberInfo m : status.members()) {
      out.printf("%-36s %-20s %-10s %s%n", m.address(), String.join(",", m.roles()), m.status(), m.reachable() ? "yes" : "NO");
    }
    out.println();
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
    out.printf("%-20s %-5s %-10s %10s %10s %-14s %6s %-10s %8s %12s %-14s%n", "COLLECTOR", "NODE", "STATUS", "CONTIGUOUS",
        "HIGHEST", "MISSING", "LAG", "STATE", "BATCHES", "SAMPLES", "DIGEST");
    for (ReplicaReport v : rows) {
      out.printf("%-20s %-5s %-10s %10d %10d %-14s %6d %-10s %8d %12d %-14s%n", v.collector(), v.node(), v.status(),
          v.contiguousSeq(), v.highestSeq(), v.missingText(), v.lag(), v.recovering() ? "recovering" : v.asleep() ? "asleep" : "awake", v.batches(),
          v.samples(), v.shortDigest());
    }
    if (rows.isEmpty()) {
      out.println("(no replicas)");
    }
    for (String u : unreachable) {
      out.println("storage node not answering: " + u);
    }
  }
}

package gapless.tools;

import gapless.api.dto.StorageNodeInfo;
import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CPU seconds each node's JVM has used, read from {@code process_cpu_seconds_total} on its
 * {@code /metrics} page, and this process's own. Two readings around a load say what each JVM spent
 * on it, wherever the nodes run: {@code simulate} prints it per million acked samples.
 *
 * @param secondsByNode the nodes that answered, by the node id their page names
 * @param ownSeconds    this process's CPU seconds (the load generator)
 */
public record NodeCpu(Map<String, Double> secondsByNode, double ownSeconds) {

  private static final String METRIC = "process_cpu_seconds_total";

  /** The gateways given, and every storage node the first gateway that answers knows of. */
  public static List<URI> clusterNodes(GaplessClient client, List<URI> gateways) {
    Set<URI> nodes = new LinkedHashSet<>(gateways);
    for (URI gateway : gateways) {
      try {
        for (StorageNodeInfo s : client.status(gateway).storageNodes()) {
          if (s.http() != null && !s.http().isEmpty()) {
            nodes.add(URI.create(s.http()));
          }
        }
        break;
      } catch (GaplessClientException e) {
        // Ask the next gateway.
      }
    }
    return List.copyOf(nodes);
  }

  /** A reading now; a node that does not answer has no figure in it. */
  public static NodeCpu read(GaplessClient client, List<URI> nodes) {
    Map<String, Double> byNode = new LinkedHashMap<>();
    for (URI node : nodes) {
      try {
        parse(client.getText(node, "/metrics"), byNode);
      } catch (GaplessClientException e) {
        // Left out: what it used is not known.
      }
    }
    return new NodeCpu(byNode, CpuTimes.self().toNanos() / 1e9);
  }

  /** Adds the page's CPU seconds under the node id its {@code node} label names. */
  static void parse(String page, Map<String, Double> byNode) {
    for (String line : page.split("\n")) {
      if (line.startsWith(METRIC + "{")) {
        byNode.put(MetricLines.label(line, "node"), MetricLines.value(line));
      }
    }
  }

  /** What each JVM used since {@code earlier} (nodes read both times only). */
  public NodeCpu since(NodeCpu earlier) {
    Map<String, Double> byNode = new LinkedHashMap<>();
    secondsByNode.forEach((id, s) -> {
      Double e = earlier.secondsByNode.get(id);
      if (e != null) {
        byNode.put(id, s - e);
      }
    });
    return new NodeCpu(byNode, ownSeconds - earlier.ownSeconds);
  }

  /** One line: per node CPU seconds per million of {@code samples}, all nodes, then this process. */
  public String perMillion(long samples) {
    if (samples == 0 || secondsByNode.isEmpty()) {
      return "no figures (no sample acked, or no node's /metrics answered)";
    }
    double millions = samples / 1e6;
    StringBuilder text = new StringBuilder();
    secondsByNode.forEach((id, s) -> text.append(String.format("%s %.1f, ", id, s / millions)));
    double all = secondsByNode.values().stream().mapToDouble(Double::doubleValue).sum();
    return text.append(String.format("nodes %.1f; this load generator %.1f", all / millions, ownSeconds / millions)).toString();
  }
}

package gapless.tools;

import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each running node's heap after its last garbage collection and the time its collector paused
 * it so far, from the JVM metrics of its {@code /metrics} page. Two readings taken around a window
 * say how long each node paused in it; the heap is the later reading's.
 */
record NodeMemory(Map<String, Figures> byNode) {

  /**
   * @param heapAfterGcBytes the heap pools' usage right after their last collection, summed
   * @param gcSeconds        time spent in collections (pauses), all collectors
   * @param gcCount          collections, all collectors
   */
  record Figures(double heapAfterGcBytes, double gcSeconds, long gcCount) {}

  static NodeMemory read(LocalCluster cluster, GaplessClient client) {
    Map<String, Figures> byNode = new LinkedHashMap<>();
    for (String id : cluster.nodeIds()) {
      if (cluster.isRunning(id)) {
        try {
          byNode.put(id, parse(client.getText(cluster.httpUrl(id), "/metrics")));
        } catch (GaplessClientException e) {
          // A node that does not answer has no figures in this reading.
        }
      }
    }
    return new NodeMemory(byNode);
  }

  /**
   * The figures in one Prometheus text page. The heap after GC is what the last collection left in
   * eden (nothing), plus what the survivor and old pools hold now: G1 and the serial collector
   * update an old pool's after-collection usage only at an old collection, which may never come in
   * a benchmark, while only collections and their promotions add to those pools.
   */
  static Figures parse(String page) {
    Map<String, Double> used = new LinkedHashMap<>();
    Map<String, Double> afterCollection = new LinkedHashMap<>();
    double seconds = 0;
    long count = 0;
    for (String line : page.split("\n")) {
      if (line.startsWith("jvm_memory_pool_collection_used_bytes{")) {
        afterCollection.put(MetricLines.label(line, "pool"), MetricLines.value(line));
      } else if (line.startsWith("jvm_memory_pool_used_bytes{")) {
        used.put(MetricLines.label(line, "pool"), MetricLines.value(line));
      } else if (line.startsWith("jvm_gc_collection_seconds_sum{")) {
        seconds += MetricLines.value(line);
      } else if (line.startsWith("jvm_gc_collection_seconds_count{")) {
        count += (long) MetricLines.value(line);
      }
    }
    double heap = 0;
    // Only the heap's pools are collected, so only they have an after-collection usage.
    for (Map.Entry<String, Double> pool : afterCollection.entrySet()) {
      heap += pool.getKey().contains("Eden") ? pool.getValue() : used.getOrDefault(pool.getKey(), pool.getValue());
    }
    return new Figures(heap, seconds, count);
  }

  /** This reading's heaps, with the pauses since {@code earlier} (nodes read both times only). */
  NodeMemory since(NodeMemory earlier) {
    return since(earlier, null);
  }

  /** The same, with {@code started} (not running at {@code earlier}) counted from its start. */
  NodeMemory since(NodeMemory earlier, String started) {
    Map<String, Figures> byNode = new LinkedHashMap<>();
    this.byNode.forEach((id, f) -> {
      Figures e = id.equals(started) ? new Figures(0, 0, 0) : earlier.byNode.get(id);
      if (e != null) {
        byNode.put(id, new Figures(f.heapAfterGcBytes(), f.gcSeconds() - e.gcSeconds(), f.gcCount() - e.gcCount()));
      }
    });
    return new NodeMemory(byNode);
  }

  /** One line for a benchmark: per node, heap after GC in MB, then GC pause seconds and collections. */
  String describe() {
    StringBuilder text = new StringBuilder();
    byNode.forEach((id, f) -> text.append(String.format("%s %.0f MB, %.2f s in %d GCs; ", id, f.heapAfterGcBytes() / 1e6,
        f.gcSeconds(), f.gcCount())));
    return text.isEmpty() ? "no node answered" : text.substring(0, text.length() - 2);
  }
}

package gapless.node;

import akka.actor.typed.ActorSystem;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import gapless.collector.GatewayBuffer;
import gapless.config.GaplessSettings;
import gapless.metrics.NodeMetrics;
import gapless.store.SampleStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/** The gauges a scrape reads from the node's parts: cluster members, its data directories, the sample store, the gateway buffer. */
final class NodeGauges {

  private static final long SIZES_EVERY_NANOS = 30_000_000_000L;

  private record Measured(long at, Map<String, Long> sizes) {}

  private NodeGauges() {}

  static void register(NodeMetrics metrics, ActorSystem<?> system, GaplessSettings settings, Optional<SampleStore> store,
      Optional<GatewayBuffer> buffer) {
    Cluster cluster = Cluster.get(system);
    metrics.gauge("gapless_cluster_members", "Cluster members as this node sees them, by status", "status",
        () -> membersByStatus(cluster));
    metrics.gauge("gapless_cluster_unreachable_members", "Members this node's failure detector holds unreachable",
        () -> cluster.state().getUnreachable().size());
    // Each LevelDB directory of the node: samples (the sample store), journal, snapshots, buffer.
    // A large store has many files: walked at most every 30 s, not at every scrape.
    AtomicReference<Measured> lastSizes = new AtomicReference<>();
    metrics.gauge("gapless_store_size_bytes", "Bytes on disk under the node's data directory, by part (at most 30 s old)",
        "part", () -> lastSizes.updateAndGet(m -> m != null && System.nanoTime() - m.at() < SIZES_EVERY_NANOS ? m
            : new Measured(System.nanoTime(), sizes(settings.dataDir()))).sizes());
    store.ifPresent(s -> metrics.gauge("gapless_store_unindexed_batches",
        "Batches recoveries stored whose tag index is still to build (built once they stop coming, or at a read)",
        () -> s.pendingIndex().batches()));
    buffer.ifPresent(b -> {
      metrics.gauge("gapless_gateway_buffer_bytes", "Bytes of batches held in the gateway's disk buffer or in flight to it",
          b::bytes);
      metrics.gauge("gapless_gateway_buffer_batches", "Batches held in the gateway's disk buffer", b::batches);
      metrics.gauge("gapless_gateway_buffer_max_bytes", "The gateway buffer's budget (gapless.ingest.buffer-max-bytes)",
          b::maxBytes);
    });
  }

  private static Map<String, Long> membersByStatus(Cluster cluster) {
    Map<String, Long> byStatus = new TreeMap<>();
    for (Member m : cluster.state().getMembers()) {
      byStatus.merge(m.status().toString().toLowerCase(Locale.ROOT), 1L, Long::sum);
    }
    return byStatus;
  }

  private static Map<String, Long> sizes(Path dataDir) {
    Map<String, Long> sizes = new TreeMap<>();
    try (Stream<Path> parts = Files.list(dataDir)) {
      parts.filter(Files::isDirectory).forEach(p -> sizes.put(p.getFileName().toString(), size(p)));
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + dataDir, e);
    }
    return sizes;
  }

  private static long size(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      // A LevelDB file may be compacted away between listing and reading its size.
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }
}

package gapless.metrics;

import gapless.events.ClusterEvent;
import gapless.events.EventField;
import gapless.events.EventType;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * One node's metrics, in one Prometheus registry (the Java client 1.x), written at {@code GET
 * /metrics} in the Prometheus text format. Made afresh for each start of a node in its process
 * (a node downed and started again begins at zero, as a restarted process would; Prometheus
 * reads that as a counter reset). Every name starts with {@code gapless_} and carries the label
 * {@code node}; replica figures add {@code collector}, never a tag (a plant has millions).
 * Thread-safe: counters are bumped from HTTP threads and actors, gauges are read at scrape time.
 */
public final class NodeMetrics {

  /** Ack latency buckets, in seconds: a 200 is expected in milliseconds, a buffered 202 may take the answer timeout. */
  private static final double[] ACK_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  private static final double[] RECOVERY_BUCKETS = {0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800};

  private final String node;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ReplicaFigures replicas = new ReplicaFigures();
  private final Counter ingestRequests;
  private final Counter ingestSamples;
  private final Histogram ackSeconds;
  private final Counter events;
  private final Counter recoveries;
  private final Counter recoveredBatches;
  private final Counter recoveredBytes;
  private final Histogram recoverySeconds;
  private final Counter slowHeaders;

  public NodeMetrics(String node) {
    this.node = node;
    Labels nodeLabel = Labels.of("node", node);
    JvmMetrics.builder().constLabels(nodeLabel).register(registry);
    ingestRequests = Counter.builder().name("gapless_ingest_requests_total").constLabels(nodeLabel)
        .help("Ingest and status requests answered by this gateway, by outcome").labelNames("outcome").register(registry);
    ingestSamples = Counter.builder().name("gapless_ingest_samples_total").constLabels(nodeLabel)
        .help("Samples in the ingest requests answered by this gateway, by outcome").labelNames("outcome").register(registry);
    ackSeconds = Histogram.builder().name("gapless_ingest_ack_seconds").constLabels(nodeLabel).classicOnly()
        .classicUpperBounds(ACK_BUCKETS)
        .help("Time from an ingest request to its answer, for stored (200) and buffered (202) batches")
        .labelNames("outcome").register(registry);
    events = Counter.builder().name("gapless_events_total").constLabels(nodeLabel)
        .help("Cluster events this node recorded, by type (see docs/OPERATIONS.md)").labelNames("event").register(registry);
    recoveries = Counter.builder().name("gapless_recoveries_total").constLabels(nodeLabel)
        .help("Recoveries of this node's replicas that ended, by result").labelNames("result").register(registry);
    recoveredBatches = Counter.builder().name("gapless_recovery_batches_total").constLabels(nodeLabel)
        .help("Batches fetched from siblings by this node's recoveries").register(registry);
    recoveredBytes = Counter.builder().name("gapless_recovery_bytes_total").constLabels(nodeLabel)
        .help("Encoded batch bytes fetched from siblings by this node's recoveries").register(registry);
    recoverySeconds = Histogram.builder().name("gapless_recovery_duration_seconds").constLabels(nodeLabel).classicOnly()
        .classicUpperBounds(RECOVERY_BUCKETS).help("How long each recovery of this node's replicas took").register(registry);
    slowHeaders = Counter.builder().name("gapless_http_slow_headers_total").constLabels(nodeLabel)
        .help("Connections cut off because a request's line and headers took longer than gapless.http.header-timeout")
        .register(registry);
    replicaGauge("gapless_replica_contiguous_seq", "The replica holds every seq of the collector up to this one",
        ReplicaFigures.Figures::contiguousSeq);
    replicaGauge("gapless_replica_missing_seqs", "Seqs below the replica's highest that it lacks (holes)",
        ReplicaFigures.Figures::missingSeqs);
    replicaGauge("gapless_replica_lag_seqs", "Seqs the replica's contiguous history is behind its furthest sibling's",
        ReplicaFigures.Figures::lagSeqs);
    GaugeWithCallback.builder().name("gapless_replicas_recovering").constLabels(nodeLabel)
        .help("Replicas on this node with a recovery running")
        .callback(cb -> cb.call(replicas.all().values().stream().filter(ReplicaFigures.Figures::recovering).count()))
        .register(registry);
  }

  /** A gauge of one figure, a series per collector this node holds. */
  private void replicaGauge(String name, String help, ToLongFunction<ReplicaFigures.Figures> figure) {
    GaugeWithCallback.builder().name(name).constLabels(Labels.of("node", node)).labelNames("collector").help(help)
        .callback(cb -> replicas.all().forEach((c, f) -> cb.call(figure.applyAsLong(f), c))).register(registry);
  }

  /** Where this node's replicas report their figures. */
  public ReplicaFigures replicas() {
    return replicas;
  }

  /** An ingest or status request was answered with {@code outcome}; {@code startNanos} from {@link System#nanoTime}. */
  public void ingestAnswered(String outcome, int samples, long startNanos) {
    ingestRequests.labelValues(outcome).inc();
    ingestSamples.labelValues(outcome).inc(samples);
    if (outcome.equals("stored") || outcome.equals("buffered")) {
      ackSeconds.labelValues(outcome).observe((System.nanoTime() - startNanos) / 1e9);
    }
  }

  /** A client took longer than the header timeout to send a request's line and headers. */
  public void slowHeaderCut() {
    slowHeaders.inc();
  }

  /** A cluster event: counted when this node recorded it, and a recovery's figures added up. */
  public void recorded(ClusterEvent e) {
    if (!e.node().equals(node)) {
      return;
    }
    events.labelValues(e.event().name()).inc();
    if (e.event() == EventType.RECOVERY_COMPLETED || e.event() == EventType.RECOVERY_FAILED) {
      recoveries.labelValues(e.event() == EventType.RECOVERY_COMPLETED ? "completed" : "failed").inc();
      recoveredBatches.inc(number(e, EventField.BATCHES));
      recoveredBytes.inc(number(e, EventField.BYTES));
      recoverySeconds.observe(number(e, EventField.MILLIS) / 1000.0);
    }
  }

  private static double number(ClusterEvent e, EventField field) {
    return e.get(field) instanceof Number n ? n.doubleValue() : 0;
  }

  /** A gauge read at each scrape. */
  public void gauge(String name, String help, DoubleSupplier value) {
    GaugeWithCallback.builder().name(name).constLabels(Labels.of("node", node)).help(help)
        .callback(cb -> cb.call(value.getAsDouble())).register(registry);
  }

  /** A gauge with one label besides the node, read at each scrape: one series per key of {@code values}. */
  public void gauge(String name, String help, String label, Supplier<Map<String, ? extends Number>> values) {
    GaugeWithCallback.builder().name(name).constLabels(Labels.of("node", node)).help(help).labelNames(label)
        .callback(cb -> values.get().forEach((k, v) -> cb.call(v.doubleValue(), k))).register(registry);
  }

  /** Everything, in the Prometheus text format (version 0.0.4). */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}

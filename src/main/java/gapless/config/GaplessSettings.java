package gapless.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The {@code gapless.*} settings of one node, read once at start-up. */
public record GaplessSettings(
    String nodeId,
    Path dataDir,
    Path logDir,
    List<String> storageNodes,
    int replicationFactor,
    int writeQuorum,
    String httpHost,
    int httpPort,
    int maxSamplesPerBatch,
    long maxBodyBytes,
    Duration ackTimeout,
    Duration retryInterval,
    int maxBufferedBatches,
    int collectorSnapshotEvery,
    int replicaSnapshotEvery,
    Duration syncInterval,
    int confirmEverySeqs,
    Duration confirmMaxDelay,
    int lagIntervals,
    int recoveryMaxConcurrent,
    long recoveryChunkBytes,
    Duration recoveryAskTimeout,
    Duration recoveryRetryAfter,
    int maxQuerySamples,
    long bucketMillis,
    int syncHeartbeatIntervals,
    Duration replicaRestartMinBackoff,
    Duration replicaRestartMaxBackoff,
    double replicaRestartRandomFactor,
    Duration replicaStopTimeout) {

  public static GaplessSettings from(Config root) {
    Config c = root.getConfig("gapless");
    String nodeId = c.getString("node-id");
    String dataDir = c.getString("data-dir");
    return new GaplessSettings(
        nodeId,
        Path.of(dataDir.isEmpty() ? "data/" + nodeId : dataDir),
        Path.of(c.getString("log-dir")),
        List.copyOf(c.getStringList("storage-nodes")),
        c.getInt("replication-factor"),
        c.getInt("write-quorum"),
        c.getString("http.host"),
        c.getInt("http.port"),
        c.getInt("ingest.max-samples-per-batch"),
        c.getBytes("ingest.max-body-bytes"),
        c.getDuration("ingest.ack-timeout"),
        c.getDuration("ingest.retry-interval"),
        c.getInt("ingest.max-buffered-batches"),
        c.getInt("ingest.snapshot-every"),
        c.getInt("replica.snapshot-every"),
        c.getDuration("replica.sync-interval"),
        c.getInt("replica.confirm-every-seqs"),
        c.getDuration("replica.confirm-max-delay"),
        c.getInt("replica.lag-intervals"),
        c.getInt("recovery.max-concurrent"),
        c.getBytes("recovery.chunk-bytes"),
        c.getDuration("recovery.ask-timeout"),
        c.getDuration("recovery.retry-after"),
        c.getInt("query.max-samples"),
        c.getLong("query.bucket-millis"),
        c.getInt("replica.heartbeat-intervals"),
        c.getDuration("replica.restart-backoff.min"),
        c.getDuration("replica.restart-backoff.max"),
        c.getDouble("replica.restart-backoff.random-factor"),
        c.getDuration("replica.stop-timeout"));
  }

  public boolean isStorageNode() {
    return storageNodes.contains(nodeId);
  }
}

package gapless.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code gapless.*} settings of one node, read once at start-up: who this node is and how
 * data is replicated, then one record per component, named after its section of
 * {@code reference.conf} (where every setting is explained).
 */
public record GaplessSettings(
    String nodeId,
    Path dataDir,
    Path logDir,
    List<String> storageNodes,
    int replicationFactor,
    int writeQuorum,
    Http http,
    Ingest ingest,
    Replica replica,
    Recovery recovery,
    Query query,
    Shutdown shutdown) {

  /** A restart with back-off after a journal failure: {@code restart-backoff { min, max, random-factor }}. */
  public record Backoff(Duration min, Duration max, double randomFactor) {
    static Backoff from(Config c) {
      return new Backoff(c.getDuration("min"), c.getDuration("max"), c.getDouble("random-factor"));
    }
  }

  /** {@code gapless.http}: the HTTP API. */
  public record Http(String host, int port, Duration askTimeout, Duration entityTimeout, Duration ingestReplyMargin) {
    static Http from(Config c) {
      return new Http(c.getString("host"), c.getInt("port"), c.getDuration("ask-timeout"),
          c.getDuration("entity-timeout"), c.getDuration("ingest-reply-margin"));
    }
  }

  /** {@code gapless.ingest}: the gateway's collectors. */
  public record Ingest(int maxSamplesPerBatch, long maxBodyBytes, Duration ackTimeout, Duration retryInterval,
      int maxBufferedBatches, int snapshotEvery, Backoff restartBackoff) {
    static Ingest from(Config c) {
      return new Ingest(c.getInt("max-samples-per-batch"), c.getBytes("max-body-bytes"), c.getDuration("ack-timeout"),
          c.getDuration("retry-interval"), c.getInt("max-buffered-batches"), c.getInt("snapshot-every"),
          Backoff.from(c.getConfig("restart-backoff")));
    }
  }

  /** {@code gapless.replica}: the replicas of a storage node and their sibling sync. */
  public record Replica(int snapshotEvery, Duration syncInterval, int heartbeatIntervals, int confirmEverySeqs,
      Duration confirmMaxDelay, int lagIntervals, Backoff restartBackoff, Duration stopTimeout) {
    static Replica from(Config c) {
      return new Replica(c.getInt("snapshot-every"), c.getDuration("sync-interval"), c.getInt("heartbeat-intervals"),
          c.getInt("confirm-every-seqs"), c.getDuration("confirm-max-delay"), c.getInt("lag-intervals"),
          Backoff.from(c.getConfig("restart-backoff")), c.getDuration("stop-timeout"));
    }
  }

  /** {@code gapless.recovery}: the recoveries of a storage node. */
  public record Recovery(int maxConcurrent, long chunkBytes, Duration askTimeout, Duration retryAfter,
      Duration startTimeout, Duration probeTimeout, Duration fetchTimeout, Duration finishTimeout) {
    static Recovery from(Config c) {
      return new Recovery(c.getInt("max-concurrent"), c.getBytes("chunk-bytes"), c.getDuration("ask-timeout"),
          c.getDuration("retry-after"), c.getDuration("start-timeout"), c.getDuration("probe-timeout"),
          c.getDuration("fetch-timeout"), c.getDuration("finish-timeout"));
    }
  }

  /** {@code gapless.query}: reading samples back. */
  public record Query(int maxSamples, long bucketMillis) {
    static Query from(Config c) {
      return new Query(c.getInt("max-samples"), c.getLong("bucket-millis"));
    }
  }

  /** {@code gapless.shutdown}: leaving the cluster. */
  public record Shutdown(Duration recordStopTimeout) {
    static Shutdown from(Config c) {
      return new Shutdown(c.getDuration("record-stop-timeout"));
    }
  }

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
        Http.from(c.getConfig("http")),
        Ingest.from(c.getConfig("ingest")),
        Replica.from(c.getConfig("replica")),
        Recovery.from(c.getConfig("recovery")),
        Query.from(c.getConfig("query")),
        Shutdown.from(c.getConfig("shutdown")));
  }

  public boolean isStorageNode() {
    return storageNodes.contains(nodeId);
  }
}

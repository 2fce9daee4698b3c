package gapless.config;

import akka.actor.typed.BackoffSupervisorStrategy;
import akka.actor.typed.SupervisorStrategy;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import gapless.security.SecurityFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code gapless.*} settings of one node, read once at start-up: who this node is and how
 * data is replicated, then one record per component, named after its section of
 * {@code reference.conf} (where every setting is explained).
 */
public record GaplessSettings(
    String nodeId,
    Path dataDir,
    Path logDir,
    long logMaxFileBytes,
    int logKeepFiles,
    List<String> storageNodes,
    int replicationFactor,
    int writeQuorum,
    HttpSettings http,
    IngestSettings ingest,
    ReplicaSettings replica,
    RecoverySettings recovery,
    QuerySettings query,
    ShutdownSettings shutdown,
    DiskSettings disk,
    ScrubSettings scrub,
    SecuritySettings security) {

  /**
   * R = RF - W + 1: how many replicas a collector's new owner needs to hear from (its epoch's
   * promises, whether they hold a key). Any R of them include one of the W that acked a 200.
   */
  public int readQuorum() {
    return replicationFactor - writeQuorum + 1;
  }

  /** A restart with back-off after a journal failure: {@code restart-backoff { min, max, random-factor }}. */
  public record Backoff(Duration min, Duration max, double randomFactor) {
    public BackoffSupervisorStrategy restartStrategy() {
      return SupervisorStrategy.restartWithBackoff(min, max, randomFactor);
    }

    /** The delay before the next try after {@code failures} in a row: doubling from min up to max, with jitter. */
    public Duration delayAfter(int failures) {
      Duration doubled = min.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 20));
      Duration capped = doubled.compareTo(max) > 0 ? max : doubled;
      return Duration.ofNanos((long) (capped.toNanos() * (1 + randomFactor * ThreadLocalRandom.current().nextDouble())));
    }

    static Backoff from(Config c) {
      return new Backoff(c.getDuration("min"), c.getDuration("max"), c.getDouble("random-factor"));
    }
  }

  /** {@code gapless.http}: the HTTP API. */
  public record HttpSettings(String host, int port, Duration askTimeout, Duration entityTimeout, Duration ingestReplyMargin,
      Duration readyMaxRecovering, int maxConcurrentIngest, Duration headerTimeout) {
    static HttpSettings from(Config c) {
      return new HttpSettings(c.getString("host"), c.getInt("port"), c.getDuration("ask-timeout"),
          c.getDuration("entity-timeout"), c.getDuration("ingest-reply-margin"), c.getDuration("ready-max-recovering"),
          c.getInt("max-concurrent-ingest"), c.getDuration("header-timeout"));
    }
  }

  /** {@code gapless.ingest}: the gateway's collectors. */
  public record IngestSettings(int maxSamplesPerBatch, long maxBodyBytes, long maxEncodedBytes, Duration ackTimeout,
      Duration retryInterval, long bufferMaxBytes, Duration claimTimeout, Duration redriveInterval,
      Duration idempotencyWindow, int idempotencyKeysPerCollector, Duration rejoinWithoutStorageAfter) {
    /**
     * How long an ingest may take at most before its answer: a new owner's claim, its question to
     * the replicas about the request's Idempotency-Key (also up to claim-timeout), then the wait
     * for W acks.
     */
    public Duration answerWithin(HttpSettings http) {
      return claimTimeout.multipliedBy(2).plus(ackTimeout).plus(http.ingestReplyMargin());
    }

    static IngestSettings from(Config c) {
      return new IngestSettings(c.getInt("max-samples-per-batch"), c.getBytes("max-body-bytes"),
          c.getBytes("max-encoded-bytes"), c.getDuration("ack-timeout"), c.getDuration("retry-interval"),
          c.getBytes("buffer-max-bytes"), c.getDuration("claim-timeout"), c.getDuration("redrive-interval"),
          c.getDuration("idempotency-window"), c.getInt("idempotency-keys-per-collector"),
          c.getDuration("rejoin-without-storage-after"));
    }
  }

  /** {@code gapless.replica}: the replicas of a storage node and their sibling sync. */
  public record ReplicaSettings(int snapshotEvery, boolean deleteEventsOnSnapshot, Duration syncInterval, Duration syncGather,
      int heartbeatIntervals, int confirmEverySeqs, Duration confirmMaxDelay, int lagIntervals, Backoff restartBackoff,
      Duration stopTimeout, Duration passivateAfter) {
    static ReplicaSettings from(Config c) {
      return new ReplicaSettings(c.getInt("snapshot-every"), c.getBoolean("delete-events-on-snapshot"),
          c.getDuration("sync-interval"), c.getDuration("sync-gather"), c.getInt("heartbeat-intervals"),
          c.getInt("confirm-every-seqs"), c.getDuration("confirm-max-delay"), c.getInt("lag-intervals"),
          Backoff.from(c.getConfig("restart-backoff")), c.getDuration("stop-timeout"),
          c.getDuration("passivate-after"));
    }
  }

  /** {@code gapless.recovery}: the recoveries of a storage node. */
  public record RecoverySettings(int maxConcurrent, long chunkBytes, long sliceSeqs, Duration askTimeout, Duration retryAfter,
      Duration startTimeout, Duration probeTimeout, Duration probeGrace, Duration fetchTimeout, Duration finishTimeout,
      Duration progressInterval) {
    static RecoverySettings from(Config c) {
      return new RecoverySettings(c.getInt("max-concurrent"), c.getBytes("chunk-bytes"), c.getLong("slice-seqs"),
          c.getDuration("ask-timeout"), c.getDuration("retry-after"), c.getDuration("start-timeout"),
          c.getDuration("probe-timeout"), c.getDuration("probe-grace"), c.getDuration("fetch-timeout"),
          c.getDuration("finish-timeout"), c.getDuration("progress-interval"));
    }
  }

  /** {@code gapless.query}: reading samples back. */
  public record QuerySettings(int maxSamples, long bucketMillis, int maxIntervals) {
    static QuerySettings from(Config c) {
      return new QuerySettings(c.getInt("max-samples"), c.getLong("bucket-millis"), c.getInt("max-intervals"));
    }
  }

  /** {@code gapless.shutdown}: leaving the cluster. */
  public record ShutdownSettings(Duration recordStopTimeout) {
    static ShutdownSettings from(Config c) {
      return new ShutdownSettings(c.getDuration("record-stop-timeout"));
    }
  }

  /** {@code gapless.disk}: the free space a node keeps on the disks of its data directory. */
  /** {@code gapless.disk}: the free space kept, and whether the sample store's files are compressed. */
  public record DiskSettings(long minFree, Duration checkInterval, boolean compressed) {
    static DiskSettings from(Config c) {
      String compression = c.getString("compression");
      if (!compression.equals("snappy") && !compression.equals("none")) {
        throw new ConfigException.BadValue(c.origin(), "compression", "must be snappy or none, got '" + compression + "'");
      }
      return new DiskSettings(c.getBytes("min-free"), c.getDuration("check-interval"), compression.equals("snappy"));
    }
  }

  public record ScrubSettings(Duration interval, long bytesPerInterval, int windowSeqs, Duration passEvery,
      Duration askTimeout) {
    static ScrubSettings from(Config c) {
      return new ScrubSettings(c.getDuration("interval"), c.getBytes("bytes-per-interval"), c.getInt("window-seqs"),
          c.getDuration("pass-every"), c.getDuration("ask-timeout"));
    }
  }

  /** {@code gapless.security}: TLS and tokens from {@code dir}, or knowingly without ({@code insecure}). */
  public record SecuritySettings(boolean enabled, Path dir, boolean insecure) {
    static SecuritySettings from(Config c) {
      return new SecuritySettings(c.getBoolean("enabled"), Path.of(c.getString("dir")), c.getBoolean("insecure"));
    }

    /** The files of {@code dir}, as {@code gapless certs} made them. */
    public SecurityFiles files() {
      return new SecurityFiles(dir.toAbsolutePath());
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
        c.getBytes("log-max-file-bytes"),
        c.getInt("log-keep-files"),
        List.copyOf(c.getStringList("storage-nodes")),
        c.getInt("replication-factor"),
        c.getInt("write-quorum"),
        HttpSettings.from(c.getConfig("http")),
        IngestSettings.from(c.getConfig("ingest")),
        ReplicaSettings.from(c.getConfig("replica")),
        RecoverySettings.from(c.getConfig("recovery")),
        QuerySettings.from(c.getConfig("query")),
        ShutdownSettings.from(c.getConfig("shutdown")),
        DiskSettings.from(c.getConfig("disk")),
        ScrubSettings.from(c.getConfig("scrub")),
        SecuritySettings.from(c.getConfig("security")));
  }

  /** This node's API as clients reach it: https when security is on. */
  public String httpUrl() {
    return (security.enabled() ? "https://" : "http://") + http.host() + ":" + http.port();
  }

  public boolean isStorageNode() {
    return storageNodes.contains(nodeId);
  }
}

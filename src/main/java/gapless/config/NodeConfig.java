package gapless.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import gapless.model.Validation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a node's full configuration: {@code -D} system properties, then the node's conf file,
 * then Gapless' Akka settings, then every reference.conf. Then derives the journal and snapshot
 * directories from the data directory so one setting moves all of a node's state.
 */
public final class NodeConfig {

  /** Artery drops a message whose serialized form is larger than this. */
  static final String FRAME_SIZE_KEY = "akka.remote.artery.advanced.maximum-frame-size";

  /**
   * Room left in a frame for what travels around a batch or a chunk: the message's other fields,
   * its CBOR framing, Artery's envelope (recipient, sender, manifest).
   */
  static final long ENVELOPE_MARGIN_BYTES = 64 * 1024;

  private NodeConfig() {}

  /** Thrown with a one-line, operator-readable message when a config cannot be used. */
  public static final class InvalidConfig extends RuntimeException {
    public InvalidConfig(String message) {
      super(message);
    }
  }

  public static Config load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfig("config file not found: " + file);
    }
    Config fileConfig;
    try {
      fileConfig = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new InvalidConfig("cannot read config " + file + ": " + e.getMessage());
    }
    return complete(fileConfig);
  }

  /** Completes a partial config (a node file, or a test's) into a node configuration. */
  public static Config complete(Config nodeConfig) {
    try {
      Config merged =
          ConfigFactory.systemProperties()
              .withFallback(nodeConfig)
              .withFallback(ConfigFactory.parseResources("gapless-akka.conf"))
              .withFallback(ConfigFactory.defaultReference())
              .resolve();
      GaplessSettings settings = GaplessSettings.from(merged);
      check(settings, merged);
      Path dataDir = settings.dataDir().toAbsolutePath();
      // The node id rides along as a role so every member's stable id is known cluster-wide.
      List<String> roles = new java.util.ArrayList<>(merged.getStringList("akka.cluster.roles"));
      roles.add("node-" + settings.nodeId());
      Config completed = NodeSecurity.akkaSettings(settings, merged)
          .withFallback(httpServerLimits(merged))
          .withValue("akka.cluster.roles", ConfigValueFactory.fromIterable(roles))
          .withValue("akka.persistence.journal.leveldb.dir", ConfigValueFactory.fromAnyRef(dataDir.resolve("journal").toString()))
          .withValue("gapless-snapshot-store.dir", ConfigValueFactory.fromAnyRef(dataDir.resolve("snapshots").toString()))
          .withFallback(merged);
      return isFirstSeed(merged)
          ? completed.withValue("akka.cluster.seed-node-timeout", merged.getValue("gapless.first-seed-node-timeout"))
          : completed;
    } catch (ConfigException e) {
      throw new InvalidConfig("bad config: " + e.getMessage());
    }
  }

  /** gapless.http's limits as the Akka HTTP server settings they are. */
  private static Config httpServerLimits(Config c) {
    Map<String, Object> akka = new LinkedHashMap<>();
    for (String key : List.of("max-connections", "idle-timeout", "request-timeout")) {
      akka.put("akka.http.server." + key, c.getValue("gapless.http." + key).unwrapped());
    }
    for (String key : List.of("max-uri-length", "max-header-count", "max-header-value-length")) {
      akka.put("akka.http.server.parsing." + key, c.getValue("gapless.http." + key).unwrapped());
    }
    return ConfigFactory.parseMap(akka, "gapless.http");
  }

  /** Whether this node is the first of the seed nodes: the one that may form a cluster of its own. */
  private static boolean isFirstSeed(Config c) {
    List<String> seeds = c.getStringList("akka.cluster.seed-nodes");
    String self = "@" + c.getString("akka.remote.artery.canonical.hostname") + ":" + c.getInt("akka.remote.artery.canonical.port");
    return !seeds.isEmpty() && seeds.get(0).endsWith(self);
  }

  private static void check(GaplessSettings s, Config c) {
    if (!Validation.isCollectorId(s.nodeId())) {
      throw new InvalidConfig("gapless.node-id must be set to an id like s1 or gw1 (got '" + s.nodeId() + "')");
    }
    if (s.storageNodes().isEmpty()) {
      throw new InvalidConfig("gapless.storage-nodes is empty");
    }
    if (s.replicationFactor() < 1 || s.replicationFactor() > s.storageNodes().size()) {
      throw new InvalidConfig("gapless.replication-factor must be between 1 and the number of storage-nodes ("
          + s.storageNodes().size() + "), got " + s.replicationFactor());
    }
    if (s.writeQuorum() < 1 || s.writeQuorum() > s.replicationFactor()) {
      throw new InvalidConfig("gapless.write-quorum must be between 1 and replication-factor, got " + s.writeQuorum());
    }
    List<String> roles = c.getStringList("akka.cluster.roles");
    if (roles.contains("storage") != s.isStorageNode()) {
      throw new InvalidConfig("node " + s.nodeId() + ": role 'storage' must be set exactly when the node id is in gapless.storage-nodes " + s.storageNodes());
    }
    // The longest an ingest waits for its owner's answer: Akka's 503 must not come first, while the
    // batch may still be stored.
    shorter(s.ingest().answerWithin(s.http()), "2 x gapless.ingest.claim-timeout + ack-timeout + gapless.http.ingest-reply-margin",
        c.getDuration("gapless.http.request-timeout"), "gapless.http.request-timeout");
    if (s.http().headerTimeout().isZero() || s.http().headerTimeout().isNegative()) {
      throw new InvalidConfig("gapless.http.header-timeout must be positive, got " + s.http().headerTimeout());
    }
    if (s.http().maxConcurrentIngest() < 1) {
      throw new InvalidConfig("gapless.http.max-concurrent-ingest must be at least 1, got " + s.http().maxConcurrentIngest());
    }
    if (s.http().port() < 0 || s.http().port() > 65535) {
      throw new InvalidConfig("gapless.http.port out of range: " + s.http().port());
    }
    if (s.ingest().maxEncodedBytes() < 1) {
      throw new InvalidConfig("gapless.ingest.max-encoded-bytes must be positive, got " + s.ingest().maxEncodedBytes());
    }
    if (s.ingest().idempotencyKeysPerCollector() < 1 || s.ingest().idempotencyWindow().isNegative()) {
      throw new InvalidConfig("gapless.ingest.idempotency-keys-per-collector must be at least 1 and idempotency-window"
          + " not negative, got " + s.ingest().idempotencyKeysPerCollector() + " and " + s.ingest().idempotencyWindow());
    }
    // A batch, and a recovery chunk, travel as one cluster message; Artery drops a bigger one.
    long frameRoom = c.getBytes(FRAME_SIZE_KEY) - ENVELOPE_MARGIN_BYTES;
    fitsFrame(s.ingest().maxEncodedBytes(), "gapless.ingest.max-encoded-bytes", frameRoom);
    fitsFrame(s.recovery().chunkBytes(), "gapless.recovery.chunk-bytes", frameRoom);
    // Shutdown timeouts that only work in this order: each waits for the one below it to give up first.
    shorter(s.replica().stopTimeout(), "gapless.replica.stop-timeout",
        s.shutdown().recordStopTimeout(), "gapless.shutdown.record-stop-timeout");
    shorter(s.shutdown().recordStopTimeout(), "gapless.shutdown.record-stop-timeout",
        shutdownPhaseTimeout(c, "before-service-unbind"), "akka's before-service-unbind phase timeout");
  }

  private static void fitsFrame(long bytes, String key, long frameRoom) {
    if (bytes >= frameRoom) {
      throw new InvalidConfig(key + " (" + bytes + " bytes) must be below " + FRAME_SIZE_KEY + " minus "
          + ENVELOPE_MARGIN_BYTES + " bytes for the message envelope (" + frameRoom + " bytes)");
    }
  }

  private static Duration shutdownPhaseTimeout(Config c, String phase) {
    String key = "akka.coordinated-shutdown.phases." + phase + ".timeout";
    return c.hasPath(key) ? c.getDuration(key) : c.getDuration("akka.coordinated-shutdown.default-phase-timeout");
  }

  private static void shorter(Duration a, String aKey, Duration b, String bKey) {
    if (a.compareTo(b) >= 0) {
      throw new InvalidConfig(aKey + " (" + a.toMillis() + " ms) must be shorter than " + bKey + " (" + b.toMillis() + " ms)");
    }
  }
}

package gapless.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import gapless.config.NodeConfig.InvalidConfig;
import gapless.security.ApiTokens;
import gapless.security.ClusterCertificates;
import gapless.security.SecurityFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NodeConfig.load on the repo's conf files and on broken ones. Sets no system properties (they override). */
class NodeConfigTest {

  @TempDir Path dir;

  /** A complete, valid storage-node file that does not depend on cluster.conf. */
  private static final String VALID_STORAGE =
      """
      gapless {
        node-id = s1
        storage-nodes = [s1, s2, s3]
        replication-factor = 3
        write-quorum = 2
        http.port = 8081
      }
      akka.cluster.roles = [storage]
      akka.remote.artery.canonical.port = 25521
      """;

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  private static String invalid(Path file) {
    InvalidConfig e = assertThrows(InvalidConfig.class, () -> NodeConfig.load(file));
    String m = e.getMessage();
    assertFalse(m == null || m.isBlank(), "empty message");
    assertFalse(m.contains("\n") || m.contains("\r"), "multi-line message: " + m);
    return m;
  }

  private static void assertContains(String actual, String... parts) {
    for (String p : parts) {
      assertTrue(actual.contains(p), "expected '" + p + "' in: " + actual);
    }
  }

  @Test
  void onlyTheFirstSeedWaitsLongBeforeFormingAClusterOfItsOwn() {
    // s1 heads the seed list: it waits for the others to let it in before it would form a cluster alone.
    assertEquals(Duration.ofSeconds(20), NodeConfig.load(Path.of("conf/s1.conf")).getDuration("akka.cluster.seed-node-timeout"));
    // The others ask the seeds again every second while none let them in: a lost request costs a second, not 5.
    assertEquals(Duration.ofSeconds(1), NodeConfig.load(Path.of("conf/s2.conf")).getDuration("akka.cluster.seed-node-timeout"));
    assertEquals(Duration.ofSeconds(1), NodeConfig.load(Path.of("conf/gw1.conf")).getDuration("akka.cluster.seed-node-timeout"));
  }

  @Test
  void protectedModeRefusesAnAddressOthersCanReachWithoutSecurity() throws IOException {
    String m = invalid(write("exposed.conf", VALID_STORAGE + "gapless.http.host = \"0.0.0.0\"\n"));
    assertContains(m, "listens on HTTP 0.0.0.0", "protected mode", "gapless certs", "gapless.security.enabled = on",
        "gapless.security.insecure = true");
    m = invalid(write("artery.conf", VALID_STORAGE + "akka.remote.artery.canonical.hostname = \"<getHostAddress>\"\n"));
    assertContains(m, "listens on Artery <getHostAddress>");
    // Knowingly insecure: it starts.
    NodeConfig.load(write("insecure.conf", VALID_STORAGE + "gapless.http.host = \"0.0.0.0\"\ngapless.security.insecure = true\n"));
    // Loopback needs nothing: the example cluster and the demo.
    NodeConfig.load(Path.of("conf/s1.conf"));
  }

  @Test
  void securityOnMakesArteryMutualTlsFromTheNodesKeystore() throws IOException {
    SecurityFiles files = new SecurityFiles(dir.resolve("certs"));
    String secure = VALID_STORAGE + "gapless.security { enabled = on, dir = \"" + files.dir() + "\" }\n";
    String m = invalid(write("nocerts.conf", secure));
    assertContains(m, "gapless.security.enabled is on but " + files.nodeKeystore("s1") + " is missing", "gapless certs --dir");
    new ClusterCertificates(files).create(List.of(new ClusterCertificates.NodeName("s1", List.of())));
    ApiTokens.createInitial(files, new SecureRandom());
    Config c = NodeConfig.load(write("secure.conf", secure));
    assertEquals("tls-tcp", c.getString("akka.remote.artery.transport"));
    assertEquals(files.nodeKeystore("s1").toAbsolutePath().toString(), c.getString("akka.remote.artery.ssl.config-ssl-engine.key-store"));
    assertTrue(c.getBoolean("akka.remote.artery.ssl.config-ssl-engine.require-mutual-authentication"));
    assertTrue(c.getBoolean("akka.remote.artery.ssl.config-ssl-engine.hostname-verification"));
    assertEquals("https://127.0.0.1:8081", GaplessSettings.from(c).httpUrl());
    // A secure node may listen anywhere.
    NodeConfig.load(write("secure-exposed.conf", secure + "gapless.http.host = \"0.0.0.0\"\n"));
  }

  @Test
  void theApisLimitsAreAkkaHttpsServerSettings() throws IOException {
    Config c = NodeConfig.load(write("limits.conf", VALID_STORAGE + "gapless.http { idle-timeout = 7s, max-uri-length = 100k }\n"));
    assertEquals(Duration.ofSeconds(7), c.getDuration("akka.http.server.idle-timeout"));
    assertEquals(Duration.ofSeconds(20), c.getDuration("akka.http.server.request-timeout"));
    assertEquals(1024, c.getInt("akka.http.server.max-connections"));
    assertEquals(100 * 1024, c.getBytes("akka.http.server.parsing.max-uri-length"));
    assertEquals(64, c.getInt("akka.http.server.parsing.max-header-count"));
    assertEquals(1024, GaplessSettings.from(c).http().maxConcurrentIngest());
    assertContains(invalid(write("nocap.conf", VALID_STORAGE + "gapless.http.max-concurrent-ingest = 0\n")),
        "gapless.http.max-concurrent-ingest must be at least 1");
  }

  @Test
  void theSecureExampleClusterIsTheExampleClusterWithSecurityOn() {
    Config plain = NodeConfig.load(Path.of("conf/s2.conf"));
    Config secure = ConfigFactory.parseFile(Path.of("conf/secure/s2.conf").toFile())
        .resolveWith(ConfigFactory.defaultReference());
    assertTrue(secure.getBoolean("gapless.security.enabled"));
    assertEquals("conf/secure/certs", secure.getString("gapless.security.dir"));
    for (String key : List.of("gapless.node-id", "gapless.http.port", "akka.remote.artery.canonical.port", "akka.cluster.seed-nodes",
        "gapless.storage-nodes")) {
      assertEquals(plain.getValue(key).unwrapped(), secure.getValue(key).unwrapped(), key);
    }
  }

  @Test
  void storageNodeFromRepo() {
    Config c = NodeConfig.load(Path.of("conf/s1.conf"));
    GaplessSettings s = GaplessSettings.from(c);
    assertEquals("s1", s.nodeId());
    assertEquals(List.of("s1", "s2", "s3"), s.storageNodes());
    assertEquals(3, s.replicationFactor());
    assertEquals(2, s.writeQuorum());
    assertEquals(8081, s.http().port());
    assertEquals(25521, c.getInt("akka.remote.artery.canonical.port"));
    assertEquals(List.of("storage", "node-s1"), c.getStringList("akka.cluster.roles"));
    assertTrue(s.isStorageNode());
    // From cluster.conf (included) and gapless-akka.conf.
    assertEquals(3, c.getStringList("akka.cluster.seed-nodes").size());
    assertEquals("cluster", c.getString("akka.actor.provider"));
    // The event log's own single thread, apart from the LevelDB pool (Guardian spawns it there).
    assertEquals(1, c.getInt("gapless-event-log-dispatcher.thread-pool-executor.fixed-pool-size"));
    // Journal and snapshots follow the data directory (default data/<node-id>).
    Path data = Path.of("data/s1").toAbsolutePath();
    assertEquals(data, s.dataDir().toAbsolutePath());
    assertEquals(data.resolve("journal").toString(), c.getString("akka.persistence.journal.leveldb.dir"));
    assertEquals(data.resolve("snapshots").toString(), c.getString("gapless-snapshot-store.dir"));
  }

  @Test
  void gatewayFromRepo() {
    Config c = NodeConfig.load(Path.of("conf/gw1.conf"));
    GaplessSettings s = GaplessSettings.from(c);
    assertEquals("gw1", s.nodeId());
    assertEquals(List.of("s1", "s2", "s3"), s.storageNodes());
    assertEquals(3, s.replicationFactor());
    assertEquals(2, s.writeQuorum());
    assertEquals(8080, s.http().port());
    assertEquals(25520, c.getInt("akka.remote.artery.canonical.port"));
    assertEquals(List.of("gateway", "node-gw1"), c.getStringList("akka.cluster.roles"));
    assertFalse(s.isStorageNode());
  }

  @Test
  void validTempFile() throws IOException {
    GaplessSettings s = GaplessSettings.from(NodeConfig.load(write("ok.conf", VALID_STORAGE)));
    assertEquals("s1", s.nodeId());
    assertEquals(10000, s.ingest().maxSamplesPerBatch(), "reference.conf default");
  }

  @Test
  void timeoutsComeFromReferenceConfAndCanBeOverridden() throws IOException {
    GaplessSettings s = GaplessSettings.from(NodeConfig.load(write("ok.conf", VALID_STORAGE)));
    assertEquals(Duration.ofSeconds(5), s.http().askTimeout());
    assertEquals(Duration.ofSeconds(5), s.http().entityTimeout());
    assertEquals(Duration.ofSeconds(3), s.http().ingestReplyMargin());
    assertEquals(Duration.ofSeconds(4), s.shutdown().recordStopTimeout());
    assertEquals(Duration.ofMillis(200), s.replica().restartBackoff().min());
    assertEquals(Duration.ofSeconds(10), s.replica().restartBackoff().max());
    assertEquals(0.2, s.replica().restartBackoff().randomFactor());
    assertEquals(Duration.ofSeconds(3), s.ingest().claimTimeout());
    GaplessSettings o = GaplessSettings.from(NodeConfig.load(write("o.conf", VALID_STORAGE
        + "gapless.http.ask-timeout = 2s\ngapless.shutdown.record-stop-timeout = 1500ms\ngapless.replica.stop-timeout = 1s\n")));
    assertEquals(Duration.ofSeconds(2), o.http().askTimeout());
    assertEquals(Duration.ofMillis(1500), o.shutdown().recordStopTimeout());
  }

  @Test
  void missingFileNamesThePath() {
    Path missing = dir.resolve("nope/s9.conf");
    String m = invalid(missing);
    assertContains(m, missing.toString());
    assertContains(m, "not found");
  }

  @Test
  void directoryIsNotAConfigFile() {
    assertContains(invalid(dir), dir.toString());
  }

  @Test
  void badHoconSyntaxIsOneLine() throws IOException {
    Path f = write("broken.conf", "gapless {\n  node-id = s1\n  storage-nodes = [s1, s2\n");
    String m = invalid(f);
    assertContains(m, f.toString());
  }

  @Test
  void badHoconSyntaxUnbalancedBrace() throws IOException {
    Path f = write("broken2.conf", "gapless {\n  node-id = s1\n}\n}\n");
    assertContains(invalid(f), "broken2.conf");
  }

  @Test
  void nodeIdMissing() throws IOException {
    Path f = write("noid.conf", VALID_STORAGE.replace("node-id = s1", ""));
    assertContains(invalid(f), "gapless.node-id");
  }

  @Test
  void nodeIdInvalid() throws IOException {
    Path f = write("badid.conf", VALID_STORAGE.replace("node-id = s1", "node-id = \"s 1\""));
    assertContains(invalid(f), "gapless.node-id", "'s 1'");
  }

  @Test
  void writeQuorumAboveReplicationFactor() throws IOException {
    Path f = write("w.conf", VALID_STORAGE.replace("write-quorum = 2", "write-quorum = 4"));
    assertContains(invalid(f), "gapless.write-quorum", "4");
  }

  @Test
  void writeQuorumZero() throws IOException {
    Path f = write("w0.conf", VALID_STORAGE.replace("write-quorum = 2", "write-quorum = 0"));
    assertContains(invalid(f), "gapless.write-quorum");
  }

  @Test
  void replicationFactorAboveStorageNodes() throws IOException {
    Path f = write("rf.conf", VALID_STORAGE.replace("replication-factor = 3", "replication-factor = 4"));
    assertContains(invalid(f), "gapless.replication-factor", "4");
  }

  @Test
  void storageRoleOnNodeNotInStorageNodes() throws IOException {
    Path f = write("role.conf", VALID_STORAGE.replace("node-id = s1", "node-id = gw1"));
    assertContains(invalid(f), "gw1", "storage");
  }

  @Test
  void storageNodeWithoutStorageRole() throws IOException {
    Path f = write("norole.conf", VALID_STORAGE.replace("roles = [storage]", "roles = [gateway]"));
    assertContains(invalid(f), "s1", "storage");
  }

  @Test
  void wrongTypeIsInvalidConfig() throws IOException {
    Path f = write("type.conf", VALID_STORAGE.replace("write-quorum = 2", "write-quorum = two"));
    assertContains(invalid(f), "write-quorum");
  }

  @Test
  void unresolvedSubstitutionIsInvalidConfig() throws IOException {
    Path f = write("subst.conf", VALID_STORAGE + "gapless.log-dir = ${undefined.setting}\n");
    assertContains(invalid(f), "undefined.setting");
  }

  @Test
  void theSplitBrainResolverCountsStorageNodesOnly() throws IOException {
    Config c = NodeConfig.load(write("sbr.conf", VALID_STORAGE));
    assertEquals("keep-majority", c.getString("akka.cluster.split-brain-resolver.active-strategy"));
    assertEquals("storage", c.getString("akka.cluster.split-brain-resolver.keep-majority.role"));
  }

  @Test
  void timeoutsThatWaitForEachOtherMustBeInOrder() throws IOException {
    assertContains(invalid(write("stop.conf", VALID_STORAGE + "gapless.replica.stop-timeout = 5s\n")),
        "gapless.replica.stop-timeout", "gapless.shutdown.record-stop-timeout");
    assertContains(invalid(write("unbind.conf", VALID_STORAGE + "gapless.shutdown.record-stop-timeout = 6s\n")),
        "record-stop-timeout", "before-service-unbind");
  }

  @Test
  void encodedBatchesAndRecoveryChunksMustFitAnArteryFrameWithRoomForTheEnvelope() throws IOException {
    assertEquals(900 * 1024, GaplessSettings.from(NodeConfig.load(write("default.conf", VALID_STORAGE))).ingest().maxEncodedBytes());
    // 1 MiB frame minus the 64 KiB margin: 983040 bytes is the first refused.
    assertEquals(983_039, GaplessSettings.from(NodeConfig.load(write("fits.conf",
        VALID_STORAGE + "gapless.ingest.max-encoded-bytes = 983039\n"))).ingest().maxEncodedBytes());
    assertContains(invalid(write("at-margin.conf", VALID_STORAGE + "gapless.ingest.max-encoded-bytes = 983040\n")),
        "gapless.ingest.max-encoded-bytes (983040 bytes)", "akka.remote.artery.advanced.maximum-frame-size", "983040");
    assertContains(invalid(write("at-frame.conf", VALID_STORAGE + "gapless.ingest.max-encoded-bytes = 1MiB\n")),
        "gapless.ingest.max-encoded-bytes");
    assertContains(invalid(write("small-frame.conf", VALID_STORAGE + "akka.remote.artery.advanced.maximum-frame-size = 512KiB\n")),
        "gapless.ingest.max-encoded-bytes", "maximum-frame-size");
    assertContains(invalid(write("zero.conf", VALID_STORAGE + "gapless.ingest.max-encoded-bytes = 0\n")),
        "gapless.ingest.max-encoded-bytes must be positive");
    assertContains(invalid(write("chunk.conf", VALID_STORAGE + "gapless.recovery.chunk-bytes = 1MiB\n")),
        "gapless.recovery.chunk-bytes", "maximum-frame-size");
  }

  @Test
  void httpPortOutOfRange() throws IOException {
    Path f = write("port.conf", VALID_STORAGE.replace("http.port = 8081", "http.port = 70000"));
    assertContains(invalid(f), "gapless.http.port");
  }
}

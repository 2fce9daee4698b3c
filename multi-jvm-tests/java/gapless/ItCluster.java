package gapless;

import gapless.client.GaplessClient;
import gapless.tools.ClusterFiles;
import gapless.tools.DiskFaults;
import gapless.tools.LocalCluster;
import gapless.tools.LocalClusterSettings;
import gapless.tools.NetworkFaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The four-node cluster of a multi-JVM test class, from the jar and conf dir Failsafe names:
 * started in a temporary directory of its own before the class's tests, stopped and deleted after
 * them. A test class declares it as
 * {@code @RegisterExtension static final ItCluster it = new ItCluster(PORT_OFFSET, Duration.ofSeconds(90));}.
 */
final class ItCluster implements BeforeAllCallback, AfterAllCallback {

  /**
   * What every test node's JVM runs with besides a local node's own options (C1 only, LocalCluster.NODE_JVM):
   * the tests check behaviour, not speed, and on 2 cores the parallel GC threads of five JVMs
   * starting at once cost a test time (with C2 as well, ClusterGatewayIT took 151 s, 99 s without both).
   */
  static final List<String> TEST_JVM = List.of("-XX:+UseSerialGC");

  private final int portOffset;
  private final Duration upWithin;
  private final List<String> jvmOptions;
  private boolean ownAddresses;
  private boolean secure;
  private List<String> notStarted = List.of();
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private long smallDiskBytes;
  private List<String> smallDiskNodes = List.of();
  private DiskFaults disks;
  private Path dir;
  private LocalCluster cluster;

  /**
   * @param portOffset added to every node port, distinct per test class
   * @param upWithin   how long the start may take until every node sees every other one up
   */
  ItCluster(int portOffset, Duration upWithin) {
    this(portOffset, upWithin, List.of());
  }

  /** The same, every node started with {@code -D} overrides (or other JVM options) after {@link LocalCluster#NODE_JVM}. */
  ItCluster(int portOffset, Duration upWithin, List<String> jvmOptions) {
    this.portOffset = portOffset;
    this.upWithin = upWithin;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  /**
   * Every node on its own loopback address ({@link LocalCluster#ownAddresses}), for tests that cut
   * links with {@link NetworkFaults}; the class is skipped, with the reason, where those cannot be
   * injected (not root, no iptables).
   */
  ItCluster withOwnAddresses() {
    this.ownAddresses = true;
    return this;
  }

  /**
   * The secure example cluster ({@code conf/secure}): its certificates and tokens made by the jar's
   * own {@code gapless certs} in the cluster's directory; the cluster's client uses the admin token.
   */
  ItCluster withSecurity() {
    this.secure = true;
    return this;
  }

  /** These nodes of the cluster are not started with the others (a test starts them as it needs). */
  ItCluster notStarting(String... nodes) {
    this.notStarted = List.of(nodes);
    return this;
  }

  /** Where {@code gapless certs} wrote the secure cluster's material. */
  Path securityDir() {
    return dir.resolve("certs");
  }

  /** A token {@code gapless certs} made: admin, writer or reader. */
  String token(String name) {
    return tokens.get(name);
  }

  /**
   * {@code nodes} get a data directory of their own filesystem of {@code bytes} (tmpfs), which
   * {@link #disks()} fills and frees; the class is skipped, with the reason, where that cannot be done.
   */
  ItCluster withSmallDisks(long bytes, String... nodes) {
    this.smallDiskBytes = bytes;
    this.smallDiskNodes = List.of(nodes);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    if (ownAddresses) {
      Optional<String> unavailable = NetworkFaults.unavailable();
      Assumptions.assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElse(""));
    }
    if (!smallDiskNodes.isEmpty()) {
      Optional<String> unavailable = DiskFaults.unavailable();
      Assumptions.assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElse(""));
    }
    Path jar = Path.of(System.getProperty("gapless.jar", "target/gapless.jar"));
    Path conf = Path.of(System.getProperty("gapless.conf", "conf"));
    dir = Files.createTempDirectory("gapless-it-");
    if (secure) {
      conf = conf.resolve("secure");
      makeCertificates(jar);
    }
    cluster = new LocalClusterSettings(jar, conf, portOffset, false).cluster(dir);
    if (secure) {
      cluster.secured(securityDir(), tokens.get("admin"));
    }
    if (ownAddresses) {
      cluster.ownAddresses();
    }
    if (!smallDiskNodes.isEmpty()) {
      disks = DiskFaults.install();
      smallDiskNodes.forEach(node -> disks.mount(cluster.dataDir(node), smallDiskBytes));
    }
    List<String> options = new ArrayList<>(LocalCluster.NODE_JVM);
    options.addAll(TEST_JVM);
    options.addAll(jvmOptions);
    cluster.jvmOptions(options);
    cluster.nodeIds().stream().filter(id -> !notStarted.contains(id)).forEach(cluster::start);
    cluster.awaitUp(upWithin);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (cluster != null) {
        cluster.close();
        keepLogs(cluster.logDir(), Path.of("target", "it-logs", context.getRequiredTestClass().getSimpleName()));
      }
    } finally {
      if (disks != null) {
        disks.close();
      }
      if (dir != null) {
        ClusterFiles.deleteTree(dir);
      }
    }
  }

  private void makeCertificates(Path jar) throws IOException {
    Process certs = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toString(), "certs", "--dir", securityDir().toString(), "--nodes", String.join(",", LocalCluster.DEFAULT_NODES))
        .redirectErrorStream(true).redirectOutput(dir.resolve("certs.out").toFile()).start();
    try {
      if (!certs.waitFor(60, TimeUnit.SECONDS) || certs.exitValue() != 0) {
        throw new IOException("gapless certs failed: " + Files.readString(dir.resolve("certs.out")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    for (String line : Files.readAllLines(securityDir().resolve("initial-tokens.txt"))) {
      tokens.put(line.split(" ")[0], line.split(" ")[1]);
    }
  }

  /** The nodes' logs and event files outlive the cluster's directory, for whoever reads a failed run. */
  private static void keepLogs(Path from, Path to) {
    try (Stream<Path> files = Files.list(from)) {
      Files.createDirectories(to);
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      System.err.println("could not keep the node logs of " + from + ": " + e.getMessage());
    }
  }

  /** The small disks of {@link #withSmallDisks}. */
  DiskFaults disks() {
    return disks;
  }

  /** Waits up to {@code wait} until {@code node} holds {@code expected} samples of {@code collector}'s {@code tag}. */
  void awaitSamples(GaplessClient client, String node, String collector, String tag, int expected, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    int got = -1;
    while (System.nanoTime() < deadline) {
      got = client.query(cluster.httpUrl(node), collector, tag, 0L, Long.MAX_VALUE, 200_000, true).samples().size();
      if (got == expected) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
    throw new AssertionError(node + " holds " + got + " samples, expected " + expected);
  }

  /** The running cluster. */
  LocalCluster cluster() {
    return cluster;
  }

  /** The cluster's base directory (data and logs below it): where a test puts its ledgers too. */
  Path dir() {
    return dir;
  }
}

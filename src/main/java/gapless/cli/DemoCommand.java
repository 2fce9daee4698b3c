package gapless.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gapless demo}: a complete local run. Starts three storage nodes and a gateway from
 * {@code ./conf}, loads them with simulated collectors, prints the cluster status, verifies every
 * acknowledged sample on every replica, prints a summary, and shuts down. Each step is its own
 * method so that fault steps (crash a node, watch it recover) slot in between load and verify.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start a local 3 storage + 1 gateway cluster, load it, verify it, shut it down. Exit 0 when verified.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--duration", defaultValue = "15", description = "Seconds of load (default: ${DEFAULT-VALUE})")
  long durationSeconds;

  @Option(names = "--collectors", defaultValue = "8", description = "Collectors (default: ${DEFAULT-VALUE})")
  int collectors;

  @Option(names = "--tags", defaultValue = "10", description = "Tags per batch (default: ${DEFAULT-VALUE})")
  int tags;

  @Option(names = "--samples-per-tag", defaultValue = "100", description = "Samples of each tag per batch (default: ${DEFAULT-VALUE})")
  int samplesPerTag;

  @Option(names = "--rate", defaultValue = "50000",
      description = "Samples/s over all collectors, 0 = flat out (default: ${DEFAULT-VALUE}; keeps the read-back short)")
  double rate;

  @Option(names = "--port-offset", defaultValue = "0", description = "Added to every node port (default: ${DEFAULT-VALUE})")
  int portOffset;

  @Option(names = "--conf", defaultValue = "conf", description = "Node config directory (default: ${DEFAULT-VALUE})")
  Path conf;

  @Option(names = "--jar", description = "Gapless jar to start nodes from (default: the running jar)")
  Path jar;

  @Option(names = "--verify-wait", defaultValue = "60", description = "Seconds verify may wait for replicas to settle (default: ${DEFAULT-VALUE})")
  long verifyWaitSeconds;

  @Option(names = "--keep", description = "Keep the data and log directory")
  boolean keep;

  private final GaplessClient client = new GaplessClient();
  private int step;

  @Override
  public Integer call() throws IOException {
    Path jarFile = ClusterFiles.jar(jar);
    Path confDir = ClusterFiles.confDir(conf);
    Path base = Files.createTempDirectory("gapless-demo-");
    Path ledger = base.resolve("ledger.jsonl");
    boolean ok = false;
    try (LocalCluster cluster = new LocalCluster(jarFile, confDir, base, LocalCluster.DEFAULT_NODES, portOffset)) {
      startCluster(cluster);
      SimulationResult load = load(cluster, ledger);
      showStatus(cluster);
      VerifyReport report = verify(cluster, ledger);
      summary(load, report);
      ok = report.ok();
      header("shut down");
    } finally {
      if (keep || !ok) {
        System.out.println("data, logs and ledger kept in " + base);
      } else {
        ClusterFiles.deleteTree(base);
      }
    }
    return ok ? 0 : 1;
  }

  private void startCluster(LocalCluster cluster) {
    header("start s1, s2, s3 (storage) and gw1 (gateway); data and logs in " + cluster.baseDir());
    cluster.startAll();
    cluster.awaitUp(Duration.ofSeconds(90));
    for (String id : cluster.nodeIds()) {
      System.out.printf("  %-4s %s  pid %d%n", id, cluster.httpUrl(id), cluster.pid(id));
    }
  }

  private SimulationResult load(LocalCluster cluster, Path ledger) {
    URI gateway = cluster.gatewayUrl();
    header(String.format("load: %d collectors x %d tags x %d samples/tag, %s samples/s, %d s, via %s", collectors, tags,
        samplesPerTag, rate == 0 ? "flat out" : String.format("%,.0f", rate), durationSeconds, gateway));
    SimulationSettings s = new SimulationSettings(gateway, collectors, tags, samplesPerTag, 10, rate,
        Duration.ofSeconds(durationSeconds), ledger, Math.min(collectors, 64), "demo", SimulationSettings.defaultStartTs());
    return new Simulator(client).run(s, System.out);
  }

  private void showStatus(LocalCluster cluster) {
    header("status");
    new StatusPrinter(client).print(cluster.storageUrl(), System.out);
  }

  private VerifyReport verify(LocalCluster cluster, Path ledger) {
    header("verify: replicas identical, every acknowledged sample readable from every replica");
    VerifyReport report = new Verifier(client, cluster.gatewayUrl()).verify(ledger, Duration.ofSeconds(verifyWaitSeconds), System.out);
    report.print(System.out);
    return report;
  }

  private void summary(SimulationResult load, VerifyReport report) {
    header("summary");
    System.out.printf("  %-12s %d batches acked (200: %d, 202: %d), %,d samples, %,.0f samples/s%n", "load", load.acked(),
        load.ok200(), load.buffered202(), load.samplesAcked(), load.samplesPerSecond());
    System.out.printf("  %-12s %d (rejected %d, no answer %d)%n", "errors", load.errors(), load.rejected(), load.failed());
    System.out.printf("  %-12s p50 %.1f ms, p99 %.1f ms%n", "ack latency", load.p50Micros() / 1000.0, load.p99Micros() / 1000.0);
    System.out.printf("  %-12s %d collectors on %d storage nodes%n", "replicas", report.collectors().size(), report.storageNodes());
    System.out.printf("  %-12s %,d samples, every ledger sample from every replica%n", "read back", report.samplesChecked());
    System.out.printf("  %-12s %s%n", "verdict", report.verdictLine());
  }

  private void header(String title) {
    System.out.println();
    System.out.println("== " + (++step) + ". " + title);
  }
}

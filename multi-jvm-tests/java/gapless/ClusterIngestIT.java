package gapless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.client.GaplessClient;
import gapless.tools.LedgerEntry;
import gapless.tools.LocalCluster;
import gapless.tools.SimulationResult;
import gapless.tools.SimulationSettings;
import gapless.tools.Simulator;
import gapless.tools.Verifier;
import gapless.tools.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole write path across real JVMs: three storage nodes and a gateway from {@code conf/},
 * six simulated collectors, then every acknowledged sample must read back identically from every
 * replica. Failsafe gives the shaded jar and the conf directory as system properties.
 */
class ClusterIngestIT {

  private static final int PORT_OFFSET = 2000;

  @RegisterExtension
  static final ItCluster it = new ItCluster(PORT_OFFSET, Duration.ofSeconds(60));

  private static final GaplessClient client = new GaplessClient();

  @Test
  void everyAcknowledgedSampleIsOnEveryReplica() {
    LocalCluster cluster = it.cluster();
    Path ledger = it.dir().resolve("ledger.jsonl");
    // A bounded rate keeps the read-back (every sample from three replicas) to a few seconds.
    SimulationSettings settings = new SimulationSettings(cluster.gatewayUrls(), 6, 5, 100, 10, 20_000,
        Duration.ofSeconds(8), ledger, 6, "it", SimulationSettings.defaultStartTs());
    SimulationResult load = new Simulator(client).run(settings, System.out);
    assertTrue(load.ok200() > 0, "no batch acknowledged: " + load.summary() + " " + load.firstErrors());
    assertEquals(0, load.errors(), load.summary() + " " + load.firstErrors());

    List<LedgerEntry> entries = LedgerEntry.readAll(ledger, client.mapper());
    assertEquals(load.acked(), entries.size());
    assertTrue(entries.stream().allMatch(e -> e.status() == 200), "every batch should be answered 200 on a healthy cluster");

    VerifyReport report = new Verifier(client, cluster.gatewayUrl()).exactlyOnce(true).verify(ledger, Duration.ofSeconds(30), System.out);
    report.print(System.out);
    assertTrue(report.ok(), report.verdictLine());
    assertTrue(report.samplesChecked() >= load.samplesAcked() * 3, "every sample read from 3 replicas: " + report.verdictLine());
    assertTrue(Files.exists(cluster.logFile("s1")));
  }
}

package gapless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.api.dto.QueryAnswer;
import gapless.client.GaplessClient;
import gapless.client.IngestResponse;
import gapless.client.NodeEvent;
import gapless.events.EventType;
import gapless.model.Sample;
import gapless.tools.BackgroundLoad;
import gapless.tools.LedgerEntry;
import gapless.tools.LocalCluster;
import gapless.tools.SimulationResult;
import gapless.tools.SimulationSettings;
import gapless.tools.Verifier;
import gapless.tools.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two gateways (gw1, gw2) in front of three storage nodes, as separate JVMs: collectors are owned
 * through Cluster Sharding by one gateway at a time, and the seqs' authority is the replicas
 * (owner epochs from a read quorum), not a gateway's disk.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterGatewayIT {

  private static final int PORT_OFFSET = 2400;
  private static final Duration VERIFY_WAIT = Duration.ofSeconds(60);

  @RegisterExtension
  static final ItCluster it = new ItCluster(PORT_OFFSET, Duration.ofSeconds(90));

  private static final GaplessClient client = new GaplessClient(Duration.ofSeconds(2), Duration.ofSeconds(15));

  private static LocalCluster cluster() {
    return it.cluster();
  }

  /**
   * Load through both gateways; kill -9 gw1 (the owner of about half the collectors); the clients
   * move to gw2, which takes those collectors over. Then gw1 comes back with its data dir wiped
   * and sharding gives collectors back to it: their new owner continues above what the replicas
   * hold, so no seq is given twice. Every acknowledged batch is on every replica, as sent.
   */
  @Test
  @Order(1)
  void killingAGatewayLosesNothingAndAWipedGatewayReusesNoSeq() {
    Path ledger = it.dir().resolve("gateways.jsonl");
    SimulationSettings settings = new SimulationSettings(cluster().gatewayUrls(), 8, 5, 100, 10, 20_000,
        Duration.ofSeconds(120), ledger, 8, "gw", SimulationSettings.defaultStartTs());
    BackgroundLoad load = BackgroundLoad.start(client, settings, System.out);
    SimulationResult result;
    Instant killed;
    KeyedBatch keyed;
    try {
      sleep(4);
      keyed = keyedBatchOwnedBy("gw1", settings.collectorIds());
      sleep(4);
      killed = Instant.now();
      cluster().kill("gw1");
      System.out.println("kill -9 gw1 at " + killed);
      // Downing takes about 10 s (stable-after 5 s); then gw2 owns every collector.
      awaitAcksAfter(ledger, killed.plusSeconds(12), settings.collectorIds(), Duration.ofSeconds(60));
      retriedAfterTheOwnerChanged(keyed);
      cluster().wipeData("gw1");
      cluster().start("gw1");
      cluster().awaitUp(Duration.ofSeconds(90));
      Instant back = Instant.now();
      System.out.println("gw1 back with an empty data dir at " + back);
      // Sharding rebalances collectors onto gw1 again; they keep being acknowledged.
      awaitAcksAfter(ledger, back.plusSeconds(5), settings.collectorIds(), Duration.ofSeconds(60));
      sleep(5);
      // The rebalance runs every 10 s: give it up to 30 s more to hand gw1 a collector, then go on (asserted below).
      for (int i = 0; i < 30 && cluster().events().stream().noneMatch(e -> e.event() == EventType.OWNER_CLAIMED
          && e.node().equals("gw1") && e.time().isAfter(killed)); i++) {
        sleep(1);
      }
    } finally {
      result = load.stop();
    }
    System.out.println(result.summary());
    List<NodeEvent> events = cluster().events();
    Set<String> claimedByGw1AfterRestart = events.stream()
        .filter(e -> e.event() == EventType.OWNER_CLAIMED && e.node().equals("gw1") && e.time().isAfter(killed))
        .map(NodeEvent::collector).collect(Collectors.toSet());
    Set<String> takenOverByGw2 = events.stream()
        .filter(e -> e.event() == EventType.OWNER_CLAIMED && e.node().equals("gw2") && e.time().isAfter(killed))
        .map(NodeEvent::collector).collect(Collectors.toSet());
    assertTrue(!takenOverByGw2.isEmpty(), "gw2 took over gw1's collectors after the kill");
    System.out.println("taken over by gw2: " + takenOverByGw2 + "; owned by the wiped gw1 again: " + claimedByGw1AfterRestart);
    assertTrue(!claimedByGw1AfterRestart.isEmpty(), "the restarted gw1 owns collectors again (sharding rebalances)");
    for (NodeEvent e : events) {
      if (e.event() == EventType.BATCH_CONFLICT) {
        throw new AssertionError("a seq was offered with two contents: " + e.readable());
      }
    }
    // The simulator sent every batch with an Idempotency-Key and sent again with it after no answer, 503 or 504.
    VerifyReport report = new Verifier(client, cluster().storageUrl()).exactlyOnce(true).verify(ledger, VERIFY_WAIT, System.out);
    report.print(System.out);
    assertTrue(report.ok(), report.verdictLine());
    assertTrue(result.ok200() > 0, result.summary());
  }

  /**
   * The largest batches the documented limits allow are stored on every replica; one over the
   * encoded limit is refused with 413 at the door and keeps nothing.
   */
  @Test
  @Order(2)
  void theLargestLegalBatchesAreStoredOnEveryReplica() {
    // 10,000 samples (max-samples-per-batch) of one tag; 5000 samples each with its own 128-char tag.
    List<Sample> oneTag = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      oneTag.add(new Sample("FIC101.PV", 1_700_000_000_000L + i, i, 192));
    }
    List<Sample> distinct = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      distinct.add(new Sample(String.format("%0128d", i), 1_700_000_000_000L + i, i, 192));
    }
    List<Sample> tooLarge = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      tooLarge.add(new Sample(String.format("%0128d", i), 1_700_000_000_000L + i, i, 192));
    }
    IngestResponse refused = client.postSamples(cluster().httpUrl("gw2"), "big", tooLarge);
    assertEquals(413, refused.httpStatus(), refused.error());
    IngestResponse first = client.postSamples(cluster().httpUrl("gw1"), "big", oneTag);
    assertEquals(200, first.httpStatus(), first.error());
    IngestResponse second = client.postSamples(cluster().httpUrl("gw2"), "big", distinct);
    assertEquals(200, second.httpStatus(), second.error());
    assertEquals(first.seq() + 1, second.seq(), "the refused batch took no seq");
    for (String node : List.of("s1", "s2", "s3")) {
      awaitSamples(node, "FIC101.PV", 10_000);
      awaitSamples(node, String.format("%0128d", 4_999), 1);
    }
  }

  private record KeyedBatch(String collector, String key, List<Sample> samples, long seq) {}

  private static List<Sample> idemSamples(double base) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      samples.add(new Sample("IDEM.PV", 1_700_000_000_000L + i, base + i, 192));
    }
    return samples;
  }

  /**
   * A batch sent with an Idempotency-Key to one of {@code collectors} (under load, so its owner is
   * known) that {@code gateway} owns, and its 200. Its tag is one the load does not use.
   */
  private static KeyedBatch keyedBatchOwnedBy(String gateway, List<String> collectors) {
    // The first claims can take several seconds on a loaded machine: waited for, bounded.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Optional<String> owned = ownedBy(gateway, collectors);
    while (owned.isEmpty() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      owned = ownedBy(gateway, collectors);
    }
    String collector = owned.orElseThrow(() -> new AssertionError(gateway + " owns none of " + collectors + " after 30 s"));
    IngestResponse r = client.postSamples(cluster().httpUrl(gateway), collector, idemSamples(0), "first-try");
    assertEquals(200, r.httpStatus(), r.error());
    System.out.println(collector + " is owned by " + gateway + "; the keyed batch has seq " + r.seq());
    return new KeyedBatch(collector, "first-try", idemSamples(0), r.seq());
  }

  private static Optional<String> ownedBy(String gateway, List<String> collectors) {
    Set<String> owned = cluster().events().stream()
        .filter(e -> e.event() == EventType.OWNER_CLAIMED && e.node().equals(gateway))
        .map(NodeEvent::collector).collect(Collectors.toSet());
    return collectors.stream().filter(owned::contains).findFirst();
  }

  /**
   * The client never saw the 200 and sends the batch again, with its key, to the other gateway,
   * whose new owner asks the replicas: the first answer comes back (same seq), the batch is stored
   * once, and the key refuses another body.
   */
  private static void retriedAfterTheOwnerChanged(KeyedBatch b) {
    IngestResponse again = null;
    for (int attempt = 0; attempt < 20 && (again == null || again.worthRetrying()); attempt++) {
      if (again != null) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
      }
      again = client.postSamples(cluster().httpUrl("gw2"), b.collector(), b.samples(), b.key());
    }
    assertEquals(200, again.httpStatus(), again.error());
    assertEquals(b.seq(), again.seq(), "the retry got the first answer's seq");
    IngestResponse reused = client.postSamples(cluster().httpUrl("gw2"), b.collector(), idemSamples(100), b.key());
    assertEquals(422, reused.httpStatus(), reused.error());
    for (String node : List.of("s1", "s2", "s3")) {
      // Once: neither the retry nor the refused body added samples.
      awaitSamples(node, b.collector(), "IDEM.PV", b.samples().size());
    }
  }

  private static void awaitSamples(String node, String tag, int expected) {
    awaitSamples(node, "big", tag, expected);
  }

  private static void awaitSamples(String node, String collector, String tag, int expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int got = -1;
    while (System.nanoTime() < deadline) {
      QueryAnswer a = client.query(cluster().httpUrl(node), collector, tag, 0L, Long.MAX_VALUE, 20_000, true);
      got = a.samples().size();
      if (got == expected) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
    }
    throw new AssertionError(node + " holds " + got + " samples of " + collector + " " + tag + ", expected " + expected);
  }

  /** Waits until every collector has an acknowledged batch answered after {@code after}. */
  private static void awaitAcksAfter(Path ledger, Instant after, List<String> collectors, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    Set<String> acked = Set.of();
    while (System.nanoTime() < deadline) {
      acked = LedgerEntry.firstAnswersAfter(LedgerEntry.readWritten(ledger, client.mapper()), after.toEpochMilli()).keySet();
      if (acked.containsAll(collectors)) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
    throw new AssertionError("collectors acknowledged after " + after + ": " + acked + " of " + collectors);
  }

  private static void sleep(long seconds) {
    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
  }
}

package gapless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import gapless.client.GaplessClient;
import gapless.client.IngestResponse;
import gapless.client.NodeEvent;
import gapless.events.EventField;
import gapless.events.EventType;
import gapless.model.Sample;
import gapless.tools.DiskFaults;
import gapless.tools.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Full disks across real JVMs: s3 and the gateways have data directories on small filesystems of their own
 * (tmpfs), which the test fills with a file until less than the nodes' reserve is free. With a
 * write quorum of 3, s3's full disk leaves every batch short of W: answered 202 from the gateway's
 * disk at once (s3 refuses, nobody waits for the 20 s ack timeout). With the gateways' disks full too,
 * nothing can be kept: 503 at once, no seq taken. Once the space is freed, the same request is
 * stored, s3 recovers what it refused, every replica holds every accepted batch once, and no node
 * process died on the way (LevelDB on a truly full disk would have killed the JVM).
 */
class ClusterDiskFullIT {

  private static final int PORT_OFFSET = 3000;
  private static final String COLLECTOR = "diskfull";
  private static final String TAG = "TIC201.PV";
  private static final int SAMPLES = 500;
  private static final long RESERVE = 48L << 20;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> GATEWAYS = List.of("gw1", "gw2");

  @RegisterExtension
  static final ItCluster it = new ItCluster(PORT_OFFSET, Duration.ofSeconds(90),
      List.of("-Dgapless.write-quorum=3", "-Dgapless.disk.min-free=" + RESERVE, "-Dgapless.ingest.ack-timeout=20s",
          "-Dgapless.http.request-timeout=60s"))
      .withSmallDisks(256L << 20, "s3", "gw1", "gw2");

  private static final GaplessClient client = new GaplessClient(Duration.ofSeconds(2), Duration.ofSeconds(60));

  @Test
  void fullDisksRefuseFastKeepNothingTheyCannotAndEverythingAcceptedIsOnEveryReplicaOnceSpaceIsFreed() {
    LocalCluster cluster = it.cluster();
    DiskFaults disks = it.disks();
    Path s3 = cluster.dataDir("s3");
    assertEquals(200, post(0).httpStatus(), "a whole cluster acks");

    Instant filled = Instant.now();
    disks.fill(s3, RESERVE / 2);
    NodeEvent full = awaitEvent(e -> e.is(EventType.STORE_FAILED) && "s3".equals(e.node()), filled, "STORE_FAILED on s3");
    assertEquals("DISK_FULL", full.text(EventField.REASON));
    System.out.println("s3: " + full.readable());

    // s3 refuses at once: 202 as soon as s1 and s2 acked, well before the ack timeout.
    int accepted = 1;
    for (int batch = 1; batch <= 5; batch++) {
      long start = System.nanoTime();
      IngestResponse r = post(batch);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(202, r.httpStatus(), "batch " + batch + ": " + r.error());
      assertEquals(2, r.acks(), "s1 and s2 acked, s3 refused: " + r);
      assertEquals(3, r.copies(), "two replicas and the gateway's disk");
      assertTrue(millis < 10_000, "answered in " + millis + " ms, not at the 20 s ack timeout");
      accepted++;
    }

    // The collector's owner runs on either gateway: both disks fill.
    Instant gatewaysFilled = Instant.now();
    for (String gw : GATEWAYS) {
      disks.fill(cluster.dataDir(gw), RESERVE / 2);
    }
    for (String gw : GATEWAYS) {
      awaitEvent(e -> e.is(EventType.STORE_FAILED) && gw.equals(e.node()), gatewaysFilled, "STORE_FAILED on " + gw);
    }
    IngestResponse refused = post(accepted);
    assertEquals(503, refused.httpStatus(), refused.error());
    assertTrue(refused.error().contains("gapless.disk.min-free"), refused.error());
    assertTrue(refused.retryAfter() > 0, "a 503 says when to come back");
    System.out.println("with the gateways' disks full too: " + refused.error());

    Instant freed = Instant.now();
    GATEWAYS.forEach(gw -> disks.free(cluster.dataDir(gw)));
    disks.free(s3);
    for (String node : List.of("s3", "gw1", "gw2")) {
      awaitEvent(e -> e.is(EventType.STORE_RESUMED) && node.equals(e.node()), freed, "STORE_RESUMED on " + node);
    }
    awaitEvent(e -> e.is(EventType.RECOVERY_STARTED) && "s3".equals(e.node()) && "DISK_FREED".equals(e.text(EventField.REASON)),
        freed, "the DISK_FREED recovery on s3");
    IngestResponse again = post(accepted);
    assertEquals(200, again.httpStatus(), again.error());
    accepted++;

    for (String node : List.of("s1", "s2", "s3")) {
      awaitSamples(node, accepted * SAMPLES);
    }
    for (String node : cluster.nodeIds()) {
      assertTrue(cluster.isRunning(node), node + " is still running");
    }
  }

  /** Batch {@code n}: {@link #SAMPLES} samples of one tag at its own times, sent with its own key. */
  private static IngestResponse post(int n) {
    List<Sample> samples = new ArrayList<>(SAMPLES);
    for (int i = 0; i < SAMPLES; i++) {
      samples.add(new Sample(TAG, 1_700_000_000_000L + n * 100_000L + i, i * 0.5, 192));
    }
    return client.postSamples(it.cluster().httpUrl("gw1"), COLLECTOR, samples, "disk-full-" + n);
  }

  private static NodeEvent awaitEvent(Predicate<NodeEvent> p, Instant since, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (NodeEvent e : it.cluster().events()) {
        if (!e.time().isBefore(since) && p.test(e)) {
          return e;
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
    return fail("no " + what + " within " + WAIT.toSeconds() + " s");
  }

  private static void awaitSamples(String node, int expected) {
    it.awaitSamples(client, node, COLLECTOR, TAG, expected, WAIT);
  }
}

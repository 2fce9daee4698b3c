package gapless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.client.GaplessClient;
import gapless.client.IngestResponse;
import gapless.model.Sample;
import gapless.tools.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway's disk buffer across real JVMs, with a write quorum of 3 so one storage node down
 * keeps every batch short of W (with W 2, two storage nodes down would leave the storage minority,
 * which the split-brain resolver downs). Batches are answered 202 from the gateway's disk until its
 * small byte budget is spent, then 503 with Retry-After and nothing kept; when the node is back,
 * everything buffered drains to it and the gateway takes batches again.
 */
class ClusterBufferIT {

  private static final int PORT_OFFSET = 2600;
  private static final String COLLECTOR = "buffered";
  private static final String TAG = "FIC101.PV";
  private static final int SAMPLES = 2000;

  @RegisterExtension
  static final ItCluster it = new ItCluster(PORT_OFFSET, Duration.ofSeconds(90),
      List.of("-Dgapless.write-quorum=3", "-Dgapless.ingest.buffer-max-bytes=200k"));

  private static final GaplessClient client = new GaplessClient(Duration.ofSeconds(2), Duration.ofSeconds(15));

  @Test
  void belowWriteQuorumBatchesWaitOnTheGatewaysDiskWithinItsBudgetAndDrainWhenTheReplicaReturns() {
    LocalCluster cluster = it.cluster();
    assertEquals(200, post(0).httpStatus(), "a whole cluster acks");
    cluster.kill("s3");

    // About 26 KB a batch: the 200 KB budget holds a handful, then the gateway refuses.
    List<Integer> buffered = new ArrayList<>();
    IngestResponse refused = null;
    for (int batch = 1; batch <= 40 && refused == null; batch++) {
      IngestResponse r = post(batch);
      if (r.httpStatus() == 202) {
        assertEquals(2, r.acks(), "s1 and s2 acked");
        assertEquals(3, r.copies(), "two replicas and the gateway's disk");
        buffered.add(batch);
      } else if (r.httpStatus() == 503 && r.error().contains("buffer-max-bytes")) {
        refused = r;
      } else {
        throw new AssertionError("batch " + batch + ": HTTP " + r.httpStatus() + " " + r.error());
      }
    }
    assertTrue(refused != null, "the budget was never spent: " + buffered.size() + " batches buffered");
    assertTrue(refused.retryAfter() > 0, "a 503 says when to come back");
    assertTrue(buffered.size() >= 3, "buffered before the budget was spent: " + buffered);
    System.out.println(buffered.size() + " batches buffered, then: " + refused.error());

    cluster.start("s3");
    cluster.awaitUp(Duration.ofSeconds(90));
    // The buffer drains to s3 (its acks free the budget): the gateway takes batches again.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    IngestResponse after = null;
    while (System.nanoTime() < deadline) {
      after = post(1000);
      if (after.httpStatus() == 200) {
        break;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
    assertEquals(200, after.httpStatus(), after.error());
    // Every buffered batch and the one before the kill, on every replica; the refused one nowhere.
    int expected = (buffered.size() + 2) * SAMPLES;
    for (String node : List.of("s1", "s2", "s3")) {
      awaitSamples(node, expected);
    }
  }

  /** Batch {@code n}: {@link #SAMPLES} samples of one tag at its own times. */
  private static IngestResponse post(int n) {
    List<Sample> samples = new ArrayList<>(SAMPLES);
    for (int i = 0; i < SAMPLES; i++) {
      samples.add(new Sample(TAG, 1_700_000_000_000L + n * 100_000L + i, i * 0.5, 192));
    }
    return client.postSamples(it.cluster().httpUrl("gw1"), COLLECTOR, samples);
  }

  private static void awaitSamples(String node, int expected) {
    it.awaitSamples(client, node, COLLECTOR, TAG, expected, Duration.ofSeconds(60));
  }
}

package gapless.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.model.EncodedBatch;
import gapless.model.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovered copies stored without their tag index: every read still sees them, and the index comes after. */
class PendingIndexTest {

  private static final long BUCKET = 1000;

  @TempDir Path dir;
  private SampleStore store;

  @BeforeEach
  void open() {
    store = SampleStore.open(dir, BUCKET);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static EncodedBatch batch(long seq, double value) {
    List<Sample> samples = List.of(new Sample("t1", seq * 10, value, 192), new Sample("t2", seq * 10 + 1, value, 192));
    return new EncodedBatch(seq, BatchCodec.encode(Batch.ofSamples(seq, 1_000 + seq, samples)));
  }

  private static List<EncodedBatch> copies(long from, long to) {
    List<EncodedBatch> out = new ArrayList<>();
    for (long seq = from; seq <= to; seq++) {
      out.add(batch(seq, seq));
    }
    return out;
  }

  private List<Double> values(String tag) {
    return store.query("c1", tag, 0, Long.MAX_VALUE, 10_000).samples().stream().map(Sample::value).toList();
  }

  @Test
  void aReadOfACollectorBuildsWhatItsCopiesLackFirst() {
    // More copies than one build's write, beside a batch written with its index.
    store.write("c1", List.of(batch(1, 1)), copies(2, 150), List.of());
    assertEquals(149, store.pendingIndex().batches());
    List<Double> t1 = values("t1");
    assertEquals(150, t1.size());
    assertEquals(150.0, t1.get(149));
    assertEquals(150, values("t2").size());
    assertEquals(List.of("t1", "t2"), store.tags("c1", 10));
    assertEquals(0, store.pendingIndex().batches());
  }

  @Test
  void theIndexIsBuiltInTheBackgroundOnceCopiesStopComing() throws InterruptedException {
    List<PendingIndex.Built> built = new CopyOnWriteArrayList<>();
    store.pendingIndex().onBuilt(built::add);
    store.write("c1", List.of(), copies(1, 20), List.of());
    store.write("c2", List.of(), copies(1, 5), List.of());
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (built.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(1, built.size());
    assertEquals(25, built.get(0).batches());
    assertEquals(2, built.get(0).collectors());
    assertEquals(0, store.pendingIndex().batches());
    assertEquals(20, values("t1").size());
  }

  @Test
  void copiesLeftUnindexedByAStopAreIndexedAfterTheRestart() {
    store.write("c1", List.of(), copies(1, 10), List.of());
    store.close();
    store = SampleStore.open(dir, BUCKET);
    assertEquals(10, store.pendingIndex().batches());
    assertEquals(10, values("t2").size());
    assertEquals(0, store.pendingIndex().batches());
  }

  @Test
  void theBuildOfCopiesLeftByAStopIsReportedToTheListenerSetAfterTheRestart() throws Exception {
    store.write("c1", List.of(), copies(1, 10), List.of());
    store.close();
    store = SampleStore.open(dir, BUCKET);
    // A node sets its listener after the store opened: the build waits for it, past the quiet time.
    Thread.sleep(SampleStore.INDEX_QUIET.toMillis() * 3 / 2);
    assertEquals(10, store.pendingIndex().batches());
    CompletableFuture<PendingIndex.Built> built = new CompletableFuture<>();
    store.pendingIndex().onBuilt(built::complete);
    assertEquals(10, built.get(10, TimeUnit.SECONDS).batches());
    assertEquals(0, store.pendingIndex().batches());
  }

  @Test
  void aStatusChangeAmongCopiesIsRecordedAtOnce() {
    EncodedBatch stop = new EncodedBatch(2, BatchCodec.encode(Batch.ofStatus(2, 25, CollectorStatus.STOPPED, "maintenance")));
    store.write("c1", List.of(), List.of(batch(1, 1), stop), List.of());
    assertEquals(1, store.pendingIndex().batches());
    assertEquals(1, store.lastStops("c1", 10).size());
  }

  @Test
  void aReplacedCopyIsReadAsItsReplacement() {
    EncodedBatch copy = batch(1, 1);
    store.write("c1", List.of(), List.of(copy), List.of());
    store.replace("c1", 1, copy.blob(), batch(1, 7).blob(), 2);
    assertEquals(List.of(7.0), values("t1"));
    assertTrue(store.readReplaced("c1", 1).isPresent());
  }
}

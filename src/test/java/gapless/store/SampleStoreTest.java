package gapless.store;

import static org.fusesource.leveldbjni.JniDBFactory.factory;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.TestBatches;
import gapless.model.Aggregate;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.model.EncodedBatch;
import gapless.model.IntervalSummary;
import gapless.model.Sample;
import gapless.model.StopInterval;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleStoreTest {

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

  /** Stores {@code batches}, as a replica does. */
  private void write(String collector, List<EncodedBatch> batches) {
    store.write(collector, batches);
  }

  private static EncodedBatch data(long seq, Sample... samples) {
    return new EncodedBatch(seq, BatchCodec.encode(Batch.ofSamples(seq, 1_000 + seq, List.of(samples))));
  }

  private static EncodedBatch status(long seq) {
    return new EncodedBatch(
        seq, BatchCodec.encode(Batch.ofStatus(seq, 5, CollectorStatus.STOPPED, "maintenance")));
  }

  private static Sample s(String tag, long ts, double v) {
    return new Sample(tag, ts, v, 192);
  }

  @Test
  void writeThenReadBatchRoundTrips() {
    EncodedBatch b1 = data(1, s("t1", 10, 1.0), s("t2", 11, 2.0));
    EncodedBatch b2 = data(2, s("t1", 20, 3.0));
    write("c1", List.of(b1, b2));
    assertArrayEquals(b1.blob(), TestBatches.stored(store, "c1", 1).orElseThrow());
    assertArrayEquals(b2.blob(), TestBatches.stored(store, "c1", 2).orElseThrow());
    assertTrue(TestBatches.stored(store, "c1", 3).isEmpty());
    assertTrue(TestBatches.stored(store, "c2", 1).isEmpty());
  }

  @Test
  void rewritingTheSameSeqChangesNothing() {
    EncodedBatch b1 = data(1, s("t", 10, 1.0), s("t", 1500, 2.0));
    write("c", List.of(b1));
    Map<String, String> before = dump();
    write("c", List.of(b1));
    write("c", List.of(data(1, s("t", 10, 1.0), s("t", 1500, 2.0)), b1));
    assertEquals(before, dump());
    assertEquals(2, store.query("c", "t", 0, 10_000, 100).samples().size());
  }

  /** The batch and tag-index entries of {@code collector}, with its id left out of the keys. */
  private Map<String, String> entriesOf(String collector) {
    Map<String, String> out = new TreeMap<>();
    String infix = "\\x00" + collector + "\\x00";
    dump().forEach((k, v) -> {
      if ((k.startsWith("b") || k.startsWith("t")) && k.contains(infix)) {
        out.put(k.replace(infix, "|"), v);
      }
    });
    return out;
  }

  @Test
  void replacingABatchRemovesItsOldIndexEntriesAndKeepsTheReplacement() {
    EncodedBatch old = data(1, s("t1", 10, 1.0), s("t2", 1500, 2.0), s("t1", 1600, 3.0));
    EncodedBatch other = data(2, s("t1", 20, 4.0));
    // Another owner's seq 1: t1 in bucket 0 again, t2 gone, t3 new.
    EncodedBatch newer = data(1, s("t1", 30, 5.0), s("t3", 2500, 6.0));
    write("c", List.of(old, other));
    store.replace("c", 1, old.blob(), newer.blob(), 4);
    write("d", List.of(newer, other));
    Map<String, String> direct = entriesOf("d");
    assertEquals(5, direct.size(), "two blobs, three index blocks: " + direct.keySet());
    assertEquals(direct, entriesOf("c"), "as if the new batch had been written directly");
    assertEquals(List.of(20L, 30L), ts(store.query("c", "t1", 0, 10_000, 100).samples()));
    assertTrue(store.query("c", "t2", 0, 10_000, 100).samples().isEmpty());
    assertEquals(List.of(2500L), ts(store.query("c", "t3", 0, 10_000, 100).samples()));
    SampleStore.Replaced replaced = store.readReplaced("c", 1).orElseThrow();
    assertEquals(4, replaced.epoch());
    assertArrayEquals(old.blob(), replaced.oldBlob());
    assertTrue(store.readReplaced("c", 2).isEmpty());
    // A status change replaced by samples, and samples by an empty batch.
    EncodedBatch empty = new EncodedBatch(2, BatchCodec.encode(Batch.ofSamples(0, 7, List.of())));
    store.replace("c", 2, other.blob(), empty.blob(), 5);
    assertEquals(List.of(30L), ts(store.query("c", "t1", 0, 10_000, 100).samples()));
    store.replace("c", 2, empty.blob(), status(2).blob(), 6);
    store.replace("c", 2, status(2).blob(), other.blob(), 7);
    assertEquals(List.of(20L, 30L), ts(store.query("c", "t1", 0, 10_000, 100).samples()));
    assertArrayEquals(other.blob(), TestBatches.stored(store, "c", 2).orElseThrow());
  }

  @Test
  void aRepairWritesTheGoodCopyOnlyOverWhatTheScrubSaw() {
    EncodedBatch good = data(1, s("t1", 10, 1.0), s("t2", 1500, 2.0));
    EncodedBatch other = data(1, s("t1", 20, 4.0), s("t3", 2500, 6.0));
    byte[] damaged = good.blob().clone();
    damaged[damaged.length - 6] ^= 0x10;
    // The store writes what it is given: a blob damaged on its way to the disk.
    store.write("c", List.of(new EncodedBatch(1, damaged)));
    assertEquals(StoredBatch.DAMAGED, StoredBatch.stateOf(TestBatches.stored(store, "c", 1).orElseThrow()));
    // The scrub saw it missing: something else is there now, so nothing is written.
    assertFalse(store.repair("c", 1, StoredBatch.MISSING, good.blob()));
    assertArrayEquals(damaged, TestBatches.stored(store, "c", 1).orElseThrow());
    assertTrue(store.repair("c", 1, StoredBatch.DAMAGED, good.blob()));
    assertArrayEquals(good.blob(), TestBatches.stored(store, "c", 1).orElseThrow());
    // An intact copy outvoted by its siblings: its own index entries go, the good copy's come.
    write("d", List.of(other));
    assertTrue(store.repair("d", 1, BatchCodec.checksum(other.blob()), good.blob()));
    assertEquals(entriesOf("c"), entriesOf("d"), "as if the good copy had been written directly");
    // A seq with no blob at all.
    assertTrue(store.repair("e", 1, StoredBatch.MISSING, good.blob()));
    assertEquals(entriesOf("c"), entriesOf("e"));
  }

  private static EncodedBatch status(long seq, CollectorStatus status, long at) {
    return new EncodedBatch(seq, BatchCodec.encode(Batch.ofStatus(seq, at, status, status + " " + seq)));
  }

  @Test
  void statusChangesAreKeptAsRecordsThatMakeTheStoppedIntervals() {
    EncodedBatch stopAgain = status(4, CollectorStatus.STOPPED, 5000);
    write("c", List.of(status(1, CollectorStatus.STOPPED, 1000), data(2, s("a", 1500, 1)),
        status(3, CollectorStatus.RUNNING, 3000), stopAgain, status(5, CollectorStatus.STOPPED, 6000)));
    StopInterval first = new StopInterval(1000, 3000L, "STOPPED 1", 1);
    StopInterval open = new StopInterval(5000, null, "STOPPED 4", 4);
    assertEquals(List.of(first, open), store.lastStops("c", 10));
    assertEquals(List.of(open), store.lastStops("c", 1));
    assertEquals(List.of(first), store.stops("c", 0, 2000, 10));
    assertEquals(List.of(open), store.stops("c", 4000, 9000, 10));
    assertEquals(List.of(first), store.stops("c", 0, 9000, 1), "the earliest, at most max");
    assertEquals(List.of(), store.lastStops("other", 10));
    // Replaced by a batch of samples, the status change goes with its record.
    EncodedBatch samples = data(4, s("a", 5500, 2));
    store.replace("c", 4, stopAgain.blob(), samples.blob(), 2);
    assertEquals(List.of(first, new StopInterval(6000, null, "STOPPED 5", 5)), store.lastStops("c", 10));
  }

  @Test
  void aStoreWrittenBeforeStatusRecordsIsIndexedOnceWhenOpened() throws IOException {
    Path old = dir.resolve("before-status-records");
    try (DB db = factory.open(old.toFile(), new Options().createIfMissing(true))) {
      db.put(StoreKeys.metaKey("bucket-millis"), Long.toString(BUCKET).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      db.put(StoreKeys.batchKey("c", 1), status(1, CollectorStatus.STOPPED, 1000).blob());
      db.put(StoreKeys.batchKey("c", 2), data(2, s("a", 1500, 1)).blob());
      db.put(StoreKeys.batchKey("c.d", 1), status(1, CollectorStatus.STOPPED, 2000).blob());
    }
    try (SampleStore opened = SampleStore.open(old, BUCKET)) {
      assertEquals(List.of(new StopInterval(1000, null, "STOPPED 1", 1)), opened.lastStops("c", 10));
      assertEquals(List.of(new StopInterval(2000, null, "STOPPED 1", 1)), opened.lastStops("c.d", 10));
    }
  }

  private static EncodedBatch keyed(long seq, String key, Sample... samples) {
    return new EncodedBatch(seq, BatchCodec.encode(Batch.ofSamples(seq, 100 + seq, List.of(samples)), key));
  }

  @Test
  void aBatchSentWithAnIdempotencyKeyIsFoundByItAndAReplacementMovesTheKey() {
    EncodedBatch first = keyed(1, "k-1", s("a", 1000, 1));
    write("c", List.of(first, data(2, s("a", 2000, 2))));
    assertEquals(Optional.of(first), store.findByIdempotencyKey("c", "k-1"));
    assertEquals(Optional.empty(), store.findByIdempotencyKey("c", "k-2"));
    assertEquals(Optional.empty(), store.findByIdempotencyKey("other", "k-1"));
    // A newer owner's batch replaces seq 1: the key no longer names it; the new batch's key does.
    EncodedBatch newer = keyed(1, "k-9", s("a", 1500, 3));
    store.replace("c", 1, first.blob(), newer.blob(), 4);
    assertEquals(Optional.empty(), store.findByIdempotencyKey("c", "k-1"));
    assertEquals(Optional.of(newer), store.findByIdempotencyKey("c", "k-9"));
    // The same batch kept under a second seq: replacing the first seq leaves the key on the second.
    EncodedBatch again = keyed(3, "k-9", s("a", 1500, 3));
    write("c", List.of(again));
    EncodedBatch empty = data(1);
    store.replace("c", 1, newer.blob(), empty.blob(), 5);
    assertEquals(Optional.of(again), store.findByIdempotencyKey("c", "k-9"));
  }

  @Test
  void readBatchesChunksByBytesAndRespectsRangeEdges() {
    List<EncodedBatch> all = new ArrayList<>();
    for (long seq = 1; seq <= 300; seq++) {
      all.add(data(seq, s("t", seq, seq)));
    }
    write("c", all);
    write("c.x", List.of(data(1, s("t", 1, 1))));
    write("b", List.of(data(1, s("t", 1, 1))));
    int size = all.get(0).blob().length;
    // All blobs here have the same size.
    all.forEach(b -> assertEquals(size, b.blob().length));

    assertEquals(all.subList(0, 300), store.readBatches("c", 1, 300, Long.MAX_VALUE));
    assertEquals(all.subList(0, 300), store.readBatches("c", 0, 1000, Long.MAX_VALUE));
    assertEquals(all.subList(254, 258), store.readBatches("c", 255, 258, Long.MAX_VALUE));
    assertEquals(List.of(all.get(99)), store.readBatches("c", 100, 100, Long.MAX_VALUE));
    // Never over maxBytes: exactly 3 blobs fit, and 3 blobs still with one byte short of a 4th.
    assertEquals(all.subList(9, 12), store.readBatches("c", 10, 300, 3L * size));
    assertEquals(all.subList(9, 12), store.readBatches("c", 10, 300, 3L * size + 1));
    assertEquals(all.subList(9, 12), store.readBatches("c", 10, 300, 4L * size - 1));
    assertEquals(all.subList(9, 13), store.readBatches("c", 10, 300, 4L * size));
    // Always at least one batch: a first batch over the budget comes alone.
    assertEquals(List.of(all.get(9)), store.readBatches("c", 10, 300, size - 1));
    assertEquals(List.of(all.get(9)), store.readBatches("c", 10, 300, 1));
    assertEquals(List.of(all.get(9)), store.readBatches("c", 10, 300, 0));
    // Chunk by chunk, the way recovery pulls.
    List<EncodedBatch> pulled = new ArrayList<>();
    long next = 1;
    while (next <= 300) {
      List<EncodedBatch> chunk = store.readBatches("c", next, 300, 7L * size);
      assertFalse(chunk.isEmpty());
      pulled.addAll(chunk);
      next = chunk.get(chunk.size() - 1).seq() + 1;
    }
    assertEquals(all, pulled);
    // Nothing beyond the collector's history, nothing of a collector sharing a prefix.
    assertTrue(store.readBatches("c", 301, 400, 100).isEmpty());
    assertTrue(store.readBatches("c", 5, 4, 100).isEmpty());
    assertEquals(1, store.readBatches("c.x", 1, 1000, Long.MAX_VALUE).size());
    assertTrue(store.readBatches("a", 1, 1000, Long.MAX_VALUE).isEmpty());
  }

  @Test
  void aChunkIsNeverOverItsBudgetUnlessItIsOneBatch() {
    // Blobs of many sizes (1 to 40 samples), a few of them larger than the smaller budgets.
    List<EncodedBatch> all = new ArrayList<>();
    for (long seq = 1; seq <= 200; seq++) {
      int n = (int) (1 + (seq * 7919) % 40);
      Sample[] samples = new Sample[n];
      for (int i = 0; i < n; i++) {
        samples[i] = s("tag-" + i, seq * 100 + i, i);
      }
      all.add(data(seq, samples));
    }
    write("c", all);
    int largest = all.stream().mapToInt(b -> b.blob().length).max().orElseThrow();
    for (long budget : List.of(1L, largest - 1L, (long) largest, 2L * largest + 3, 5_000L, 100_000L)) {
      List<EncodedBatch> pulled = new ArrayList<>();
      long next = 1;
      while (next <= 200) {
        List<EncodedBatch> chunk = store.readBatches("c", next, 200, budget);
        assertFalse(chunk.isEmpty());
        long bytes = chunk.stream().mapToLong(b -> b.blob().length).sum();
        assertTrue(bytes <= budget || chunk.size() == 1, "chunk of " + chunk.size() + " batches, " + bytes + " bytes over " + budget);
        next = chunk.get(chunk.size() - 1).seq() + 1;
        // As full as the budget allows: the next batch would have gone over it.
        if (next <= 200) {
          assertTrue(bytes + all.get((int) next - 1).blob().length > budget, "chunk ended early at " + next + " for " + budget);
        }
        pulled.addAll(chunk);
      }
      assertEquals(all, pulled);
    }
  }

  @Test
  void readBatchesSkipsHoles() {
    write("c", List.of(data(2, s("t", 2, 2)), data(5, s("t", 5, 5)), data(9, s("t", 9, 9))));
    assertEquals(List.of(2L, 5L), seqs(store.readBatches("c", 1, 8, Long.MAX_VALUE)));
    assertEquals(List.of(5L), seqs(store.readBatches("c", 3, 8, 1)));
  }

  @Test
  void queryCrossesBucketsWithInclusiveEndsSortedByTs() {
    // Buckets of 1000 ms; batch 2 carries samples that fall before batch 1's.
    write(
        "c",
        List.of(
            data(1, s("t", 999, 1), s("t", 1000, 2), s("t", 2500, 3), s("t", 4000, 4)),
            data(2, s("t", 500, 5), s("t", 1999, 6), s("t", 2000, 7))));
    assertEquals(
        List.of(500L, 999L, 1000L, 1999L, 2000L, 2500L, 4000L),
        ts(store.query("c", "t", 0, 10_000, 100).samples()));
    assertEquals(
        List.of(999L, 1000L, 1999L, 2000L),
        ts(store.query("c", "t", 999, 2000, 100).samples()));
    assertEquals(List.of(1000L), ts(store.query("c", "t", 1000, 1000, 100).samples()));
    assertEquals(List.of(), ts(store.query("c", "t", 3000, 3999, 100).samples()));
    assertEquals(List.of(), ts(store.query("c", "t", 2001, 2000, 100).samples()));
    assertEquals(List.of(500L), ts(store.query("c", "t", -5000, 500, 100).samples()));
    QueryResult r = store.query("c", "t", 0, 10_000, 100);
    assertFalse(r.truncated());
    assertEquals(new Sample("t", 1999, 6, 192), r.samples().get(3));
  }

  @Test
  void summarizesPerIntervalFromTheStartAcrossBucketsAndBatches() {
    // Buckets of 1000 ms, intervals of 700 ms from ts 100: [100,800) [800,1500) [1500,2200) [2200,2900) ...
    write("c", List.of(
        data(1, s("t", 150, 4), s("t", 700, 2), s("t", 1400, 9), s("u", 150, 100)),
        data(2, s("t", 120, 6), s("t", 1450, 1), s("t", 2300, 5), s("t", 2300, 7))));
    List<IntervalSummary> out = store.summarize("c", "t", 100, 2899, 700, 100);
    assertEquals(List.of(
        new IntervalSummary(100, 800, 3, 12, 2, 6, 120, 6, 700, 2, 192),
        new IntervalSummary(800, 1500, 2, 10, 1, 9, 1400, 9, 1450, 1, 192),
        // Equal times: first is the earlier batch's (here the same batch: block order), last the later one.
        new IntervalSummary(2200, 2900, 2, 12, 5, 7, 2300, 5, 2300, 7, 192)), out);
    assertEquals(4.0, out.get(0).value(Aggregate.AVG));
    assertEquals(3.0, out.get(0).value(Aggregate.COUNT));
    // Inclusive ends; a range with nothing in it; too many intervals.
    assertEquals(List.of(new IntervalSummary(1450, 1451, 1, 1, 1, 1, 1450, 1, 1450, 1, 192)), store.summarize("c", "t", 1450, 1450, 1, 10));
    assertEquals(List.of(), store.summarize("c", "t", 3000, 9000, 1000, 10));
    assertThrows(IllegalArgumentException.class, () -> store.summarize("c", "t", 0, 10_000, 1, 100));
    assertThrows(IllegalArgumentException.class, () -> store.summarize("c", "t", 0, 10, 0, 100));
  }

  @Test
  void listsEachTagOfACollectorOnceInByteOrder() {
    write("c", List.of(data(1, s("tag2", 10, 1), s("t", 10, 1), s("温度", 10, 1), s("tag", 10, 1)),
        data(2, s("tag", 5_000, 2), s("t", 9_000, 2), s("t:x", 10, 2))));
    write("c.d", List.of(data(1, s("other", 10, 5))));
    assertEquals(List.of("t", "t:x", "tag", "tag2", "温度"), store.tags("c", 100));
    assertEquals(List.of("t", "t:x"), store.tags("c", 2));
    assertEquals(List.of("other"), store.tags("c.d", 100));
    assertEquals(List.of(), store.tags("none", 100));
  }

  @Test
  void queryIsolatesTagsAndCollectors() {
    write("c", List.of(data(1, s("t", 10, 1), s("t:x", 10, 2), s("t.y", 10, 3), s("u", 10, 4))));
    write("c.d", List.of(data(1, s("t", 10, 5))));
    write("cd", List.of(data(1, s("t", 10, 6))));
    assertEquals(List.of(s("t", 10, 1)), store.query("c", "t", 0, 100, 10).samples());
    assertEquals(List.of(s("t:x", 10, 2)), store.query("c", "t:x", 0, 100, 10).samples());
    assertEquals(List.of(s("t", 10, 5)), store.query("c.d", "t", 0, 100, 10).samples());
    assertEquals(List.of(), store.query("c", "v", 0, 100, 10).samples());
    assertEquals(List.of(), store.query("x", "t", 0, 100, 10).samples());
  }

  @Test
  void queryKeepsEqualTimestampsFromDifferentBatchesInSeqOrder() {
    write("c", List.of(data(3, s("t", 100, 3)), data(1, s("t", 100, 1)), data(2, s("t", 100, 2))));
    assertEquals(
        List.of(s("t", 100, 1), s("t", 100, 2), s("t", 100, 3)),
        store.query("c", "t", 100, 100, 10).samples());
  }

  @Test
  void aSmallLimitOnABucketOfManyBatchesGetsTheEarliestSamples() {
    // One bucket (BUCKET ms) of 50 batches written newest first, 10 samples each.
    List<EncodedBatch> batches = new ArrayList<>();
    for (long seq = 1; seq <= 50; seq++) {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        samples.add(s("t", (50 - seq) * 10 + i, seq));
      }
      batches.add(new EncodedBatch(seq, BatchCodec.encode(Batch.ofSamples(seq, 1, samples))));
    }
    write("c", batches);
    QueryResult one = store.query("c", "t", 0, BUCKET - 1, 1);
    assertTrue(one.truncated());
    assertEquals(List.of(0L), ts(one.samples()));
    QueryResult some = store.query("c", "t", 3, BUCKET - 1, 4);
    assertEquals(List.of(3L, 4L, 5L, 6L), ts(some.samples()));
    assertEquals(500, store.query("c", "t", 0, BUCKET - 1, 1000).samples().size());
  }

  @Test
  void queryLimitTruncates() {
    List<EncodedBatch> batches = new ArrayList<>();
    for (long seq = 1; seq <= 10; seq++) {
      // Ten batches, ten buckets, newest samples written first so ordering is the store's work.
      batches.add(data(seq, s("t", (10 - seq) * 1000 + 5, seq)));
    }
    write("c", batches);
    QueryResult r = store.query("c", "t", 0, 100_000, 3);
    assertTrue(r.truncated());
    assertEquals(List.of(5L, 1005L, 2005L), ts(r.samples()));
    QueryResult exact = store.query("c", "t", 0, 100_000, 10);
    assertFalse(exact.truncated());
    assertEquals(10, exact.samples().size());
    QueryResult oneShort = store.query("c", "t", 0, 100_000, 9);
    assertTrue(oneShort.truncated());
    assertEquals(9, oneShort.samples().size());
    QueryResult zero = store.query("c", "t", 0, 100_000, 0);
    assertTrue(zero.truncated());
    assertEquals(List.of(), zero.samples());
    assertFalse(store.query("c", "t", 10_000, 100_000, 0).truncated());
    assertThrows(IllegalArgumentException.class, () -> store.query("c", "t", 0, 1, -1));
  }

  @Test
  void statusBatchesAreStoredWithoutIndex() {
    EncodedBatch stop = status(2);
    write("c", List.of(data(1, s("t", 10, 1)), stop));
    assertArrayEquals(stop.blob(), TestBatches.stored(store, "c", 2).orElseThrow());
    assertEquals(List.of(1L, 2L), seqs(store.readBatches("c", 1, 2, Long.MAX_VALUE)));
    long indexKeys = dump().keySet().stream().filter(k -> k.startsWith("t")).count();
    assertEquals(1, indexKeys);
    // A collector whose only batch is a status change is still registered.
    write("quiet", List.of(status(1)));
    assertTrue(store.collectors().contains("quiet"));
  }

  @Test
  void collectorsListsEveryWrittenCollectorOnce() {
    assertEquals(List.of(), store.collectors());
    write("b", List.of(data(1, s("t", 1, 1))));
    write("a.b", List.of(data(1, s("t", 1, 1))));
    write("a", List.of(data(1, s("t", 1, 1))));
    write("a", List.of(data(2, s("t", 1, 1))));
    write("zz", List.of());
    assertEquals(List.of("a", "a.b", "b"), store.collectors());
  }

  @Test
  void reopenKeepsDataAndCloseIsIdempotent() {
    EncodedBatch b1 = data(1, s("t", 1234, 9.5));
    write("c", List.of(b1));
    store.close();
    store.close();
    assertThrows(IllegalStateException.class, () -> TestBatches.stored(store, "c", 1));
    store = SampleStore.open(dir, BUCKET);
    assertArrayEquals(b1.blob(), TestBatches.stored(store, "c", 1).orElseThrow());
    assertEquals(List.of(s("t", 1234, 9.5)), store.query("c", "t", 0, 5000, 10).samples());
    assertEquals(List.of("c"), store.collectors());
  }

  /** gapless.disk.compression may change at any restart: what was written either way reads the same. */
  @Test
  void aStoreWrittenWithAndWithoutCompressionReadsTheSame() {
    EncodedBatch b1 = data(1, s("t", 1234, 9.5));
    write("c", List.of(b1));
    store.close();
    store = SampleStore.open(dir, BUCKET, null, DiskSpace.of(dir, 0), false);
    EncodedBatch b2 = data(2, s("t", 1235, 8.5));
    write("c", List.of(b2));
    store.close();
    store = SampleStore.open(dir, BUCKET);
    assertArrayEquals(b1.blob(), TestBatches.stored(store, "c", 1).orElseThrow());
    assertArrayEquals(b2.blob(), TestBatches.stored(store, "c", 2).orElseThrow());
    assertEquals(List.of(s("t", 1234, 9.5), s("t", 1235, 8.5)), store.query("c", "t", 0, 5000, 10).samples());
  }

  @Test
  void aStoreKeepsItsIdentityAndRefusesToServeAnotherNode() throws Exception {
    store.close();
    SampleStore mine = SampleStore.open(dir, BUCKET, "s1");
    String id = mine.id();
    mine.close();
    SampleStore again = SampleStore.open(dir, BUCKET, "s1");
    assertEquals(id, again.id());
    again.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> SampleStore.open(dir, BUCKET, "s2"));
    assertTrue(e.getMessage().contains("belongs to node s1, not s2"), e.getMessage());
    try (SampleStore other = SampleStore.open(java.nio.file.Files.createTempDirectory("store-other"), BUCKET, "s1")) {
      assertNotEquals(id, other.id(), "a new store is another store");
    }
    store = SampleStore.open(dir, BUCKET);
  }

  @Test
  void reopenWithAnotherBucketWidthIsRefused() {
    store.close();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> SampleStore.open(dir, BUCKET * 2));
    assertTrue(e.getMessage().contains("bucket-millis"));
    store = SampleStore.open(dir, BUCKET);
  }

  @Test
  void rejectsBadIdentifiers() {
    assertThrows(IllegalArgumentException.class, () -> write("bad id", List.of(data(1))));
    assertThrows(IllegalArgumentException.class, () -> store.query("c", "bad\u0000tag", 0, 1, 1));
  }

  @Test
  void concurrentWritersAndReaders() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int w = 0; w < 4; w++) {
      String collector = "c" + w;
      threads.add(
          new Thread(
              () -> {
                try {
                  for (long seq = 1; seq <= 50; seq++) {
                    write(collector, List.of(data(seq, s("t", seq * 100, seq))));
                    store.query(collector, "t", 0, 100_000, 1000);
                  }
                } catch (Throwable t) {
                  errors.add(t);
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(List.of(), errors);
    for (int w = 0; w < 4; w++) {
      assertEquals(50, store.query("c" + w, "t", 0, 100_000, 1000).samples().size());
    }
  }

  private static List<Long> seqs(List<EncodedBatch> batches) {
    return batches.stream().map(EncodedBatch::seq).toList();
  }

  private static List<Long> ts(List<Sample> samples) {
    return samples.stream().map(Sample::ts).toList();
  }

  /** Every key and value on disk, printable; closes the store to read it raw, then reopens it. */
  private Map<String, String> dump() {
    store.close();
    Map<String, String> out = new TreeMap<>();
    try (DB db = factory.open(dir.toFile(), new Options());
        DBIterator it = db.iterator()) {
      for (it.seekToFirst(); it.hasNext(); ) {
        Map.Entry<byte[], byte[]> e = it.next();
        out.put(printable(e.getKey()), printable(e.getValue()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    store = SampleStore.open(dir, BUCKET);
    return out;
  }

  private static String printable(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return sb.toString();
  }
}

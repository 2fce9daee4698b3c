package gapless.tools;

import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.EncodedBatch;
import gapless.store.DiskSpace;
import gapless.store.SampleStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ceiling the sample store itself puts on ingest: what {@code stores} sample stores in this one
 * process (one per replica, as RF storage nodes on one machine have) take when nothing else runs,
 * no HTTP, no actors, no journal, no network. Each of {@code writersPerStore} threads per store
 * writes batches of the benchmark's shape, one synced {@link SampleStore#write} a batch with its
 * tag index, as a replica does with a group of one; LevelDB joins the writes that wait on each
 * other, as it does on a node. The batch is encoded once per writer: encoding is the gateway's
 * work, not the store's.
 *
 * <p>An ingest benchmark reports it next to its acknowledged rate: their ratio is how much of what
 * the store could take the whole system delivers, on this machine, in this run.
 */
public final class SampleStoreBaseline {

  private static final long BUCKET_MILLIS = 3_600_000L;
  private static final long FIRST_TS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  /**
   * One measurement.
   *
   * @param samplesPerSecond samples written per second, each counted once however many stores hold it
   * @param writesPerSecond  synced store writes per second over all stores
   * @param cpuPerMillion    CPU seconds of this process per million samples ({@code samplesPerSecond}'s)
   */
  public record Result(double samplesPerSecond, double writesPerSecond, double cpuPerMillion) {}

  private SampleStoreBaseline() {}

  /**
   * Measures in {@code dir} (absent or empty; left for the caller to delete) for {@code measured},
   * after {@code warmup} of the same writes.
   */
  public static Result measure(Path dir, int stores, int writersPerStore, int tags, int samplesPerTag, Duration warmup,
      Duration measured) throws Exception {
    if (stores < 1 || writersPerStore < 1 || tags < 1 || samplesPerTag < 1 || measured.isZero()) {
      throw new IllegalArgumentException("stores, writers, tags, samples per tag and the duration must be positive");
    }
    List<SampleStore> opened = new ArrayList<>();
    ExecutorService writers = Executors.newFixedThreadPool(stores * writersPerStore);
    try {
      for (int i = 0; i < stores; i++) {
        Path storeDir = dir.resolve("store-" + i);
        opened.add(SampleStore.open(storeDir, BUCKET_MILLIS, "baseline-" + i, DiskSpace.of(storeDir, 0), true));
      }
      long from = System.nanoTime() + warmup.toNanos();
      long until = from + measured.toNanos();
      LongAdder written = new LongAdder();
      List<Future<?>> running = new ArrayList<>();
      for (SampleStore store : opened) {
        for (int w = 0; w < writersPerStore; w++) {
          String collector = "baseline-" + w;
          byte[] blob = BatchCodec.encode(Batch.ofSamples(1, FIRST_TS,
              SampleGenerator.batch(collector, 1, tags, samplesPerTag, 1000, FIRST_TS)));
          running.add(writers.submit(() -> write(store, collector, blob, from, until, written)));
        }
      }
      sleepUntil(from);
      Duration cpuFrom = CpuTimes.self();
      for (Future<?> f : running) {
        f.get();
      }
      double seconds = (System.nanoTime() - from) / 1e9;
      // Only writes that ended after the warm-up were counted (see write).
      double writes = written.sum() / seconds;
      double samples = writes / stores * tags * samplesPerTag;
      double cpuSeconds = CpuTimes.self().minus(cpuFrom).toNanos() / 1e9;
      return new Result(samples, writes, samples == 0 ? 0 : cpuSeconds / (samples * seconds / 1e6));
    } finally {
      writers.shutdownNow();
      opened.forEach(SampleStore::close);
    }
  }

  private static Void write(SampleStore store, String collector, byte[] blob, long from, long until, LongAdder written) {
    // Seqs differ, so every batch has its own keys; the blob itself does not name its seq.
    for (long seq = 1; System.nanoTime() < until; seq++) {
      store.write(collector, List.of(new EncodedBatch(seq, blob)));
      if (System.nanoTime() >= from) {
        written.increment();
      }
    }
    return null;
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
  }
}

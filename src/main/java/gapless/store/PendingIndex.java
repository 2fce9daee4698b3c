package gapless.store;

import gapless.model.BatchCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovered batches whose tag-index blocks are still to build. A recovery stores each copy as
 * its blob, its key record and a marker ({@link StoreKeys#unindexedKey}) in one synced write, and
 * leaves the blocks to this: about half of what the write would put, and the CPU of cutting the
 * blob by tag, on a node that has just started and is catching up under live load. The blocks are
 * built once no copy has come for a while, on a thread of their own, or at once for a collector a
 * read needs them for ({@link #buildFor}): a read never misses a sample the store holds.
 *
 * <p>A batch's blocks are written and its marker deleted in one LevelDB write, not synced: the
 * blocks are derived from the blob, and a build that a crash lost is lost with its marker's
 * deletion (a LevelDB write is atomic), so it is done again after the restart.
 */
public final class PendingIndex implements AutoCloseable {

  /** What one background build did, for the node's event log. */
  public record Built(int batches, int collectors, long millis) {}

  private static final Logger LOG = LoggerFactory.getLogger(PendingIndex.class);
  /** Batches built per write, under the collector's lock: a live write of it waits at most one such write. */
  private static final int CHUNK = 64;
  private static final Duration RETRY = Duration.ofSeconds(30);

  private final DB db;
  private final Scanner scanner;
  private final Path dir;
  private final long bucketMillis;
  private final CollectorLocks locks;
  private final Duration quiet;
  private final Consumer<Runnable> onOpenDb;
  // Per collector, the markers written since its last build: an upper bound (a replacement deletes one).
  private final Map<String, Long> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sample-store-index");
    t.setDaemon(true);
    return t;
  });
  private volatile Consumer<Built> listener = b -> {};
  private ScheduledFuture<?> next;

  /**
   * @param quiet    how long after the last marked write the background build starts
   * @param onOpenDb runs a build while the store is open (throws once it is closed)
   */
  PendingIndex(DB db, Path dir, long bucketMillis, CollectorLocks locks, Duration quiet, Consumer<Runnable> onOpenDb) {
    this.db = db;
    this.scanner = Scanner.over(db, dir);
    this.dir = dir;
    this.bucketMillis = bucketMillis;
    this.locks = locks;
    this.quiet = quiet;
    this.onOpenDb = onOpenDb;
  }

  /** Reads the markers a previous run left (a build cut short by a stop or crash); their build waits for {@link #onBuilt}. */
  void load() {
    byte[] prefix = StoreKeys.allUnindexedPrefix();
    scanner.scan(new ReadOptions().fillCache(false), prefix, prefix, "unindexed batches scan", e -> {
      pending.merge(StoreKeys.collectorOfBatchKey(e.getKey()), 1L, Long::sum);
      return true;
    });
    if (!pending.isEmpty()) {
      LOG.info("[{}] recovered batches of [{}] collectors still to index in [{}]", batches(), pending.size(), dir);
    }
  }

  /** Who hears of each background build; the build of what a previous run left starts now, so it is heard of too. */
  public void onBuilt(Consumer<Built> listener) {
    this.listener = listener;
    if (!pending.isEmpty()) {
      schedule(quiet);
    }
  }

  /** {@code markers} were written for {@code collector}; called under its write lock, after the write. */
  void marked(String collector, int markers) {
    if (markers > 0) {
      pending.merge(collector, (long) markers, Long::sum);
      schedule(quiet);
    }
  }

  /** Recovered batches whose blocks are not built yet (an upper bound). */
  public long batches() {
    return pending.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Builds every block {@code collector} still lacks, now: a read of it comes next. Returns how many batches. */
  int buildFor(String collector) {
    int built = 0;
    if (pending.containsKey(collector)) {
      // A stop (close) interrupts the background thread: it ends after the write under way.
      for (int n = buildChunk(collector); n > 0 && !Thread.currentThread().isInterrupted(); n = buildChunk(collector)) {
        built += n;
      }
    }
    return built;
  }

  private synchronized void schedule(Duration delay) {
    if (next != null) {
      next.cancel(false);
    }
    if (!worker.isShutdown()) {
      next = worker.schedule(this::buildInBackground, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void buildInBackground() {
    long start = System.nanoTime();
    int[] built = {0, 0};
    try {
      onOpenDb.accept(() -> {
        for (String c : new ArrayList<>(pending.keySet())) {
          int n = buildFor(c);
          built[0] += n;
          built[1] += n > 0 ? 1 : 0;
        }
      });
    } catch (RuntimeException e) {
      // Closed (then nothing is scheduled), or a failed write (a full disk): tried again later, or at a read.
      LOG.warn("Building the tag index of recovered batches in [{}] stopped: {}", dir, e.toString());
      schedule(RETRY);
      return;
    }
    if (built[0] > 0) {
      Built b = new Built(built[0], built[1], (System.nanoTime() - start) / 1_000_000);
      LOG.info("Built the tag index of [{}] recovered batches of [{}] collectors in [{}] ms", b.batches(), b.collectors(), b.millis());
      listener.accept(b);
    }
  }

  /** Builds the blocks of up to {@link #CHUNK} marked batches of {@code collector} in one write; returns how many. */
  private int buildChunk(String collector) {
    byte[] prefix = StoreKeys.unindexedPrefix(collector);
    try (CollectorLocks.Held held = locks.lock(collector); WriteBatch wb = db.createWriteBatch()) {
      List<byte[]> markers = new ArrayList<>(CHUNK);
      scanner.scan(new ReadOptions().fillCache(false), prefix, prefix, "unindexed batches scan",
          e -> markers.add(e.getKey()) && markers.size() < CHUNK);
      for (byte[] marker : markers) {
        long seq = StoreKeys.seqOfBatchKey(marker);
        byte[] blob = db.get(StoreKeys.batchKey(collector, seq), new ReadOptions().verifyChecksums(true));
        // A damaged blob has no blocks to build: the scrub repairs it, and the repair writes them.
        if (blob != null && BatchCodec.intact(blob) && !BatchCodec.isStatusChange(blob)) {
          BatchRecords.putIndex(wb, collector, seq, blob, bucketMillis);
        }
        wb.delete(marker);
      }
      int n = markers.size();
      if (n == 0) {
        // Under the lock: a marked write of the collector either came before this scan or counts again after it.
        pending.remove(collector);
        return 0;
      }
      db.write(wb);
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException("building the tag index of " + collector + " in " + dir, e);
    } catch (DBException e) {
      throw new IllegalStateException("building the tag index of " + collector + " in " + dir, e);
    }
  }

  /** Stops the background build (a running one ends after its current write). */
  @Override
  public void close() {
    worker.shutdownNow();
  }
}

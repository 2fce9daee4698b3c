package gapless.store;

import static org.fusesource.leveldbjni.JniDBFactory.factory;

import gapless.model.EncodedBatch;
import gapless.model.IntervalSummary;
import gapless.model.StopInterval;
import gapless.model.Validation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.iq80.leveldb.CompressionType;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * Owns a node's sample data: one native LevelDB holding every stored batch blob, the (collector,
 * tag, time bucket) index built from those blobs, and the registry of collectors (key layout in
 * {@link StoreKeys}, index values in {@link TagBlock}). Recovered copies get their index later
 * ({@link PendingIndex}); every read of the index builds what its collector lacks first.
 *
 * <p>Thread-safe: LevelDB itself is, and a read-write lock keeps {@link #close()} from freeing the
 * native handle under a running call (which would crash the JVM rather than throw). Calls block on
 * disk, so callers run them on the store dispatcher. LevelDB failures surface as
 * {@link IllegalStateException}, failures to open as {@link UncheckedIOException}.
 *
 * <p>The bucket width is fixed when the store is created and recorded in it: the index is only
 * readable with the width it was written with, so reopening with another width is refused.
 */
public final class SampleStore implements AutoCloseable {

  private static final byte[] EMPTY = new byte[0];
  /** A node catching up spends its CPU on the copies first, on their index this long after the last. */
  static final Duration INDEX_QUIET = Duration.ofSeconds(1);

  private final DB db;
  private final Path dir;
  private final long bucketMillis;
  private final String id;
  private final DiskSpace space;
  private final WriteOptions syncWrite = new WriteOptions().sync(true);
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  // A replacement reads a key record before deleting it: no other write of its collector may land in between.
  private final CollectorLocks writeLocks = new CollectorLocks();
  // Runs inside withOpenDb only.
  private final Scanner scanner;
  private final PendingIndex pendingIndex;
  private boolean closed;

  private SampleStore(DB db, Path dir, long bucketMillis, String id, DiskSpace space) {
    this.db = db;
    this.dir = dir;
    this.space = space;
    this.bucketMillis = bucketMillis;
    this.id = id;
    this.scanner = Scanner.over(db, dir);
    this.pendingIndex = new PendingIndex(db, dir, bucketMillis, writeLocks, INDEX_QUIET, build -> withOpenDb(() -> {
      build.run();
      return null;
    }));
  }

  /** Opens (creating if missing) a store of no particular node: for tools and tests. */
  public static SampleStore open(Path dir, long bucketMillis) {
    return open(dir, bucketMillis, null);
  }

  /**
   * Opens (creating if missing) node {@code nodeId}'s store in {@code dir}, indexing time in
   * buckets of this width. A store of another node is refused; LevelDB's own checks run at open
   * (a corrupt store fails here, not later), after a record torn by a crash is cut off its log.
   */
  public static SampleStore open(Path dir, long bucketMillis, String nodeId) {
    return open(dir, bucketMillis, nodeId, DiskSpace.of(dir, 0));
  }

  /** The same, refusing writes ({@link DiskSpace.DiskFull}) while {@code space} is below its reserve. */
  public static SampleStore open(Path dir, long bucketMillis, String nodeId, DiskSpace space) {
    return open(dir, bucketMillis, nodeId, space, true);
  }

  /** The same, writing its files with snappy block compression or ({@code compressed} false) without. */
  public static SampleStore open(Path dir, long bucketMillis, String nodeId, DiskSpace space, boolean compressed) {
    if (bucketMillis <= 0) {
      throw new IllegalArgumentException("bucketMillis must be positive: " + bucketMillis);
    }
    DB db;
    try {
      Files.createDirectories(dir);
      TornLogTail.cut(dir);
      db = factory.open(dir.toFile(), dbOptions().compressionType(compressed ? CompressionType.SNAPPY : CompressionType.NONE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open sample store in " + dir, e);
    }
    try {
      StoreMeta.checkBucketMillis(db, dir, bucketMillis);
      StatusRecords.indexOnce(db, dir);
      SampleStore store = new SampleStore(db, dir, bucketMillis, StoreMeta.identity(db, dir, nodeId), space);
      store.pendingIndex.load();
      return store;
    } catch (RuntimeException e) {
      closeQuietly(db, e);
      throw e;
    }
  }

  /**
   * LevelDB options of the sample store (snappy compression, {@code gapless.disk.compression}'s
   * default); {@link gapless.tools.RawLevelDbBaseline} uses the same ones so that the baseline and
   * the store differ only in what is written.
   */
  public static Options dbOptions() {
    // A larger memtable than the 4 MiB default means fewer level-0 files under sustained ingest.
    // Paranoid checks: a corrupt file stops the open (or the read) instead of being skipped.
    return new Options().createIfMissing(true).writeBufferSize(16 << 20).paranoidChecks(true);
  }

  public long bucketMillis() {
    return bucketMillis;
  }

  /** The free space of the store's disk, which writes need above its reserve. */
  public DiskSpace space() {
    return space;
  }

  /** This store's identity, which its replicas' journals record ({@code StoreBound}). */
  public String id() {
    return id;
  }

  /** Stores {@code batches} of {@code collector}, no recovered copy among them. */
  public void write(String collector, List<EncodedBatch> batches) {
    write(collector, batches, List.of(), List.of());
  }

  /**
   * Stores {@code batches} of {@code collector} and the recovered copies {@code indexLater}
   * atomically and durably (one synced LevelDB write): each batch's records ({@link BatchRecords}:
   * blob, tag-index blocks, idempotency key) and the collector's registry entry. The copies' blocks
   * are built later ({@link PendingIndex}; a read of the collector builds them first); the
   * {@code marks} of batches whose journal events are not on disk yet ({@link JournalMarks}).
   * Writing a seq again with the same blob rewrites the same keys and values: redelivery is harmless.
   * A held seq's blob changes only through {@link #replace}, so old index keys are not looked for here.
   */
  public void write(String collector, List<EncodedBatch> batches, List<EncodedBatch> indexLater, List<JournalMarks.Mark> marks) {
    requireCollector(collector);
    if (batches.isEmpty() && indexLater.isEmpty()) {
      return;
    }
    int[] marked = {0};
    writeSynced(collector, "write", wb -> {
      for (EncodedBatch eb : batches) {
        BatchRecords.put(wb, collector, eb.seq(), eb.blob(), bucketMillis);
      }
      for (EncodedBatch eb : indexLater) {
        marked[0] += BatchRecords.put(wb, collector, eb.seq(), eb.blob(), bucketMillis, true) ? 1 : 0;
      }
      marks.forEach(m -> JournalMarks.put(wb, collector, m.seq(), m.epoch()));
    }, () -> pendingIndex.marked(collector, marked[0]));
  }

  /** The marks of {@code collector}'s batches whose journal events may not be on disk, in seq order. */
  public List<JournalMarks.Mark> journalMarks(String collector) {
    requireCollector(collector);
    return withOpenDb(() -> JournalMarks.read(scanner, collector));
  }

  /** Forgets the marks of {@code seqs}, whose journal events are on disk now ({@link JournalMarks#forget}). */
  public void forgetJournalMarks(String collector, Collection<Long> seqs) {
    requireCollector(collector);
    withOpenDb(() -> JournalMarks.forget(db, writeLocks, collector, seqs));
  }

  /** The recovered batches whose tag-index blocks are still to build. */
  public PendingIndex pendingIndex() {
    return pendingIndex;
  }

  /** A seq's last replacement: the epoch that replaced it and the blob it replaced. */
  public record Replaced(long epoch, byte[] oldBlob) {}

  /**
   * Replaces the batch {@code seq} of {@code collector}, stored as {@code oldBlob}, by
   * {@code newBlob} of owner epoch {@code epoch}, atomically and durably (one synced write): the
   * old batch's tag-index blocks (found by decoding it: its tags and time buckets) and key record
   * are deleted, the new batch's records written, and the replacement itself kept ({@link #readReplaced}).
   */
  public void replace(String collector, long seq, byte[] oldBlob, byte[] newBlob, long epoch) {
    requireCollector(collector);
    writeSynced(collector, "replace", wb -> {
      // In order within the batch: a record both batches use is deleted, then written again.
      BatchRecords.deleteIndex(wb, db, collector, seq, oldBlob, bucketMillis);
      BatchRecords.put(wb, collector, seq, newBlob, bucketMillis);
      BatchRecords.putReplaced(wb, collector, seq, epoch, oldBlob);
    }, () -> {});
  }

  /**
   * One synced LevelDB write of {@code collector}'s records, put by {@code fill}, with the
   * collector's registry entry; refused first ({@link DiskSpace.DiskFull}) while the disk is below
   * its reserve. Writes of one collector are serialised ({@link CollectorLocks}); {@code written}
   * runs after the write, still under the collector's lock.
   */
  private void writeSynced(String collector, String what, Consumer<WriteBatch> fill, Runnable written) {
    space.requireRoom();
    withOpenDb(() -> {
      try (WriteBatch wb = db.createWriteBatch(); CollectorLocks.Held held = writeLocks.lock(collector)) {
        fill.accept(wb);
        // Written with every call rather than checked first: a put is cheaper than a read.
        wb.put(StoreKeys.registryKey(collector), EMPTY);
        db.write(wb, syncWrite);
        written.run();
      } catch (IOException e) {
        throw new UncheckedIOException("sample store " + what + " failed in " + dir, e);
      } catch (DBException e) {
        throw new IllegalStateException("sample store " + what + " failed in " + dir, e);
      }
      return null;
    });
  }

  /**
   * Writes {@code blob} over the batch {@code seq} of {@code collector}
   * in one synced write: a scrub's repair from its siblings. Only when the store still holds what
   * the scrub saw ({@code seen}, a {@link StoredBatch} state), so a replacement that landed since
   * is never undone ({@link BatchRecords#repair}). Returns false when the store holds something else now.
   */
  public boolean repair(String collector, long seq, long seen, byte[] blob) {
    requireCollector(collector);
    boolean[] written = {false};
    writeSynced(collector, "repair",
        wb -> written[0] = BatchRecords.repair(wb, db, collector, seq, seen, blob, bucketMillis), () -> {});
    return written[0];
  }

  /** The last replacement of {@code (collector, seq)}, if it was ever replaced. */
  public Optional<Replaced> readReplaced(String collector, long seq) {
    requireCollector(collector);
    return pointRead(() -> Optional.ofNullable(db.get(StoreKeys.replacedKey(collector, seq))).map(BatchRecords::replaced));
  }

  /**
   * The batch of {@code collector} sent with {@code idempotencyKey}, if one is stored: two point
   * reads (the key's record, then the blob it names, which must carry the same key).
   */
  public Optional<EncodedBatch> findByIdempotencyKey(String collector, String idempotencyKey) {
    requireCollector(collector);
    return pointRead(() -> BatchRecords.findByKey(db, collector, idempotencyKey));
  }

  /** The blob stored for {@code (collector, seq)}, if any: one point read. */
  public Optional<byte[]> readBatch(String collector, long seq) {
    requireCollector(collector);
    return pointRead(() -> Optional.ofNullable(db.get(StoreKeys.batchKey(collector, seq))));
  }

  /**
   * The stored batches of {@code collector} with {@code fromSeq <= seq <= toSeq}, in seq order,
   * as many as fit in {@code maxBytes} of blobs, at least one ({@link BatchChunks}).
   */
  public List<EncodedBatch> readBatches(String collector, long fromSeq, long toSeq, long maxBytes) {
    requireCollector(collector);
    return withOpenDb(() -> BatchChunks.read(scanner, collector, fromSeq, toSeq, maxBytes));
  }

  /** Every tag {@code collector} has samples of, in byte order, at most {@code max} ({@link TagList}). */
  public List<String> tags(String collector, int max) {
    requireCollector(collector);
    return withIndexOf(collector, () -> TagList.read(scanner, collector, max));
  }

  /**
   * Samples of {@code tag} from {@code collector} with {@code fromTs <= ts <= toTsInclusive},
   * ordered by ts (equal ts in batch seq order), at most {@code limit} of them. Scans only the
   * index buckets the range touches, stops at the first bucket boundary past the limit, and holds
   * at most {@code limit + 1} samples whatever a bucket holds ({@link EarliestSamples}).
   */
  public QueryResult query(String collector, String tag, long fromTs, long toTsInclusive, int limit) {
    requireCollector(collector);
    TagQuery.requireTag(tag);
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    return withIndexOf(collector, () -> TagQuery.run(scanner, collector, tag, fromTs, toTsInclusive, limit, bucketMillis));
  }

  /**
   * The samples of {@code tag} in {@code [fromTs, toTsInclusive]} summed up per interval of
   * {@code intervalMs} from {@code fromTs} ({@link TagSummaries}), at most {@code maxIntervals}.
   */
  public List<IntervalSummary> summarize(String collector, String tag, long fromTs, long toTsInclusive, long intervalMs,
      int maxIntervals) {
    requireCollector(collector);
    return withIndexOf(collector,
        () -> TagSummaries.run(scanner, collector, tag, fromTs, toTsInclusive, intervalMs, maxIntervals, bucketMillis));
  }

  /**
   * The stopped intervals of {@code collector} (from each STOPPED status to the next RUNNING, or
   * still open) that overlap {@code [fromTs, toTs]}, the earliest {@code max} of them.
   */
  public List<StopInterval> stops(String collector, long fromTs, long toTs, int max) {
    requireCollector(collector);
    return withOpenDb(() -> StatusRecords.stops(scanner, collector, fromTs, toTs, max));
  }

  /** The last {@code max} stopped intervals of {@code collector}, oldest first. */
  public List<StopInterval> lastStops(String collector, int max) {
    requireCollector(collector);
    return withOpenDb(() -> StatusRecords.lastStops(scanner, collector, max));
  }

  /** Every collector that has at least one batch stored, in byte order of the id. */
  public List<String> collectors() {
    byte[] prefix = StoreKeys.registryPrefix();
    return withOpenDb(() -> {
      List<String> out = new ArrayList<>();
      scanner.scan(new ReadOptions(), prefix, prefix, "scan", e -> out.add(StoreKeys.collectorOfRegistryKey(e.getKey())));
      return out;
    });
  }

  /** Closes the database; waits for running calls; later calls throw. Safe to call twice. */
  @Override
  public void close() {
    pendingIndex.close();
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      db.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing sample store in " + dir + " failed", e);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Point reads on the open store; a LevelDB error is an IllegalStateException naming the store. */
  private <T> T pointRead(Supplier<T> read) {
    return withOpenDb(() -> {
      try {
        return read.get();
      } catch (DBException e) {
        throw new IllegalStateException("sample store read failed in " + dir, e);
      }
    });
  }

  /** A read of {@code collector}'s tag index, once the blocks its recovered batches lack are built. */
  private <T> T withIndexOf(String collector, Supplier<T> read) {
    return withOpenDb(() -> {
      pendingIndex.buildFor(collector);
      return read.get();
    });
  }

  private <T> T withOpenDb(Supplier<T> action) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("sample store in " + dir + " is closed");
      }
      return action.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  private static void requireCollector(String collector) {
    if (!Validation.isCollectorId(collector)) {
      throw new IllegalArgumentException("bad collector id: " + collector);
    }
  }

  private static void closeQuietly(DB db, RuntimeException cause) {
    try {
      db.close();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }
}

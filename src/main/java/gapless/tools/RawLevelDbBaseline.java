package gapless.tools;

import static org.fusesource.leveldbjni.JniDBFactory.factory;

import gapless.store.SampleStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.WriteBatch;

/**
 * Owns the "raw LevelDB write rate" (and scan rate, {@link #scan}) that benchmarks report next to
 * Gapless' own rate, measured in the same run on the same disk so the two numbers are comparable.
 *
 * <p>What it measures: {@code keys} puts of 16-byte keys and {@code valueBytes}-byte values into a
 * fresh LevelDB opened with the sample store's options ({@link SampleStore#dbOptions()}), grouped
 * in {@link WriteBatch}es of {@value #BATCH_KEYS} puts, written without sync. The clock runs from
 * the first put to the return of the last write: it includes the memtable flushes and level-0
 * stalls the writes run into, and excludes opening the database, closing it, and compaction still
 * running after the last write. Keys are pseudo-random (a fixed seed, so runs are repeatable) or,
 * with {@code sequentialKeys}, in ascending byte order, which LevelDB ingests about twice as fast.
 * Values are pseudo-random bytes so that Snappy compression does not flatter the figure.
 */
public final class RawLevelDbBaseline {

  /** Puts per {@link WriteBatch}. */
  public static final int BATCH_KEYS = 1000;

  private static final int KEY_BYTES = 16;

  /**
   * One measurement.
   *
   * @param keys          keys written
   * @param nanos         elapsed time of the writes
   * @param keysPerSecond {@code keys} per second of {@code nanos}
   */
  public record Result(long keys, long nanos, double keysPerSecond) {}

  private RawLevelDbBaseline() {}

  /**
   * Measures in {@code dir}, which must be absent or empty; the database is left there for the
   * caller to delete.
   */
  public static Result measure(Path dir, int keys, int valueBytes, boolean sequentialKeys) {
    if (keys < 1 || valueBytes < 0) {
      throw new IllegalArgumentException("keys must be positive and valueBytes non-negative");
    }
    requireFresh(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    // Opening and closing stay outside the clock (see the class comment).
    try (DB db = factory.open(dir.toFile(), SampleStore.dbOptions())) {
      SplittableRandom random = new SplittableRandom(0x6a09e667f3bcc908L);
      long start = System.nanoTime();
      int written = 0;
      while (written < keys) {
        int n = Math.min(BATCH_KEYS, keys - written);
        try (WriteBatch wb = db.createWriteBatch()) {
          for (int i = 0; i < n; i++) {
            // Fresh arrays per put, as a real caller would hand over.
            byte[] key = new byte[KEY_BYTES];
            if (sequentialKeys) {
              putLong(key, 8, written + i);
            } else {
              putLong(key, 0, random.nextLong());
              putLong(key, 8, random.nextLong());
            }
            byte[] value = new byte[valueBytes];
            random.nextBytes(value);
            wb.put(key, value);
          }
          db.write(wb);
        }
        written += n;
      }
      long nanos = System.nanoTime() - start;
      return new Result(keys, nanos, keys * 1e9 / nanos);
    } catch (IOException e) {
      throw new UncheckedIOException("baseline LevelDB in " + dir + " failed", e);
    } catch (DBException e) {
      throw new IllegalStateException("baseline write failed in " + dir, e);
    }
  }

  /**
   * Scans the database that {@link #measure} left in {@code dir} from its first key to its last,
   * reading every key and value, as a reader of one key per sample would: the "raw LevelDB scan
   * rate" next to which the query benchmark reports. The clock runs from the seek to the last
   * entry read; opening and closing stay outside it.
   */
  public static Result scan(Path dir) {
    try (DB db = factory.open(dir.toFile(), SampleStore.dbOptions()); DBIterator it = db.iterator()) {
      long start = System.nanoTime();
      long keys = 0;
      long bytes = 0;
      for (it.seekToFirst(); it.hasNext(); keys++) {
        Map.Entry<byte[], byte[]> e = it.next();
        bytes += e.getKey().length + e.getValue().length;
      }
      long nanos = System.nanoTime() - start;
      if (keys == 0 || bytes == 0) {
        throw new IllegalArgumentException("nothing to scan in " + dir);
      }
      return new Result(keys, nanos, keys * 1e9 / nanos);
    } catch (IOException e) {
      throw new UncheckedIOException("baseline LevelDB in " + dir + " failed", e);
    } catch (DBException e) {
      throw new IllegalStateException("baseline scan failed in " + dir, e);
    }
  }

  private static void requireFresh(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException("baseline directory is not empty: " + dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static void putLong(byte[] b, int p, long v) {
    for (int i = 7; i >= 0; i--) {
      b[p + i] = (byte) v;
      v >>>= 8;
    }
  }
}

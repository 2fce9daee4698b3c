package gapless.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.ReadOptions;

/**
 * How the store's readers scan the open LevelDB: the entries from {@code start} on, in key order,
 * while their key starts with {@code prefix} and {@code visit} returns true. A failure names the
 * operation ({@code what}). Given by {@link SampleStore}, which keeps the database open meanwhile.
 */
@FunctionalInterface
interface Scanner {
  void scan(ReadOptions options, byte[] start, byte[] prefix, String what, Predicate<Map.Entry<byte[], byte[]>> visit);

  /** Scans of {@code db}, the store in {@code dir}; the iterator is closed however a scan ends. */
  static Scanner over(DB db, Path dir) {
    return (options, start, prefix, what, visit) -> {
      try (DBIterator it = db.iterator(options)) {
        for (it.seek(start); it.hasNext(); ) {
          Map.Entry<byte[], byte[]> e = it.next();
          if (!StoreKeys.startsWith(e.getKey(), prefix) || !visit.test(e)) {
            break;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("sample store " + what + " failed in " + dir, e);
      } catch (DBException e) {
        throw new IllegalStateException("sample store " + what + " failed in " + dir, e);
      }
    };
  }
}

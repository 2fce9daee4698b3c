package gapless.store;

import java.util.Map;
import java.util.function.Predicate;
import org.iq80.leveldb.ReadOptions;

/**
 * How the store's readers scan the open LevelDB: the entries from {@code start} on, in key order,
 * while their key starts with {@code prefix} and {@code visit} returns true. A failure names the
 * operation ({@code what}). Given by {@link SampleStore}, which keeps the database open meanwhile.
 */
@FunctionalInterface
interface Scanner {
  void scan(ReadOptions options, byte[] start, byte[] prefix, String what, Predicate<Map.Entry<byte[], byte[]>> visit);
}

package gapless.tools;

import static org.fusesource.leveldbjni.JniDBFactory.factory;

import gapless.store.SampleStore;
import gapless.store.StoreKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;

/**
 * Damage to a stopped node's sample store, as a disk does it and LevelDB cannot see: a byte of a
 * batch blob flipped (bit rot under LevelDB's own checksums: written that way), and a blob lost.
 * The node's background scrub must find both against its siblings and repair them.
 */
final class StoreDamage {

  /** One damaged batch: {@code lost} true when its blob was deleted, false when a byte of it was flipped. */
  record Damaged(String collector, long seq, boolean lost) {

    String describe() {
      return collector + "#" + seq + (lost ? " lost" : " flipped");
    }
  }

  private StoreDamage() {}

  /** Flips a byte in {@code flips} random batch blobs of the store in {@code samples} and deletes {@code losses} others. */
  static List<Damaged> damage(Path samples, Random random, int flips, int losses) {
    try (DB db = factory.open(samples.toFile(), SampleStore.dbOptions())) {
      List<byte[]> keys = batchKeys(db);
      List<Damaged> done = new ArrayList<>();
      for (int i = 0; i < flips + losses && !keys.isEmpty(); i++) {
        byte[] key = keys.remove(random.nextInt(keys.size()));
        Damaged d = new Damaged(StoreKeys.collectorOfBatchKey(key), StoreKeys.seqOfBatchKey(key), i >= flips);
        if (d.lost()) {
          db.delete(key);
        } else {
          byte[] blob = db.get(key);
          blob[random.nextInt(blob.length)] ^= (byte) (1 << random.nextInt(8));
          db.put(key, blob);
        }
        done.add(d);
      }
      return done;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the sample store in " + samples, e);
    }
  }

  private static List<byte[]> batchKeys(DB db) throws IOException {
    List<byte[]> keys = new ArrayList<>();
    byte[] prefix = StoreKeys.allBatchesPrefix();
    try (DBIterator it = db.iterator()) {
      for (it.seek(prefix); it.hasNext(); ) {
        Map.Entry<byte[], byte[]> e = it.next();
        if (!StoreKeys.startsWith(e.getKey(), prefix)) {
          break;
        }
        keys.add(e.getKey());
      }
    }
    return keys;
  }
}

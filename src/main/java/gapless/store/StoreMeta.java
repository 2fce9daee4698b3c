package gapless.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.WriteOptions;

/** What a sample store records about itself ({@code 'm'} keys), checked when it is opened. */
final class StoreMeta {

  private static final byte[] BUCKET_MILLIS_KEY = StoreKeys.metaKey("bucket-millis");

  private StoreMeta() {}

  /**
   * Records the bucket width of a new store, and refuses to open one created with another: the
   * index is only readable with the width it was written with.
   */
  static void checkBucketMillis(DB db, Path dir, long bucketMillis) {
    byte[] want = Long.toString(bucketMillis).getBytes(StandardCharsets.US_ASCII);
    byte[] have = db.get(BUCKET_MILLIS_KEY);
    if (have == null) {
      db.put(BUCKET_MILLIS_KEY, want, new WriteOptions().sync(true));
    } else if (!Arrays.equals(have, want)) {
      throw new IllegalStateException(
          "sample store in " + dir + " was created with bucket-millis "
              + new String(have, StandardCharsets.US_ASCII) + ", not " + bucketMillis
              + "; its time index cannot be read with another bucket width");
    }
  }
}

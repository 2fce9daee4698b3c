package gapless.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.WriteOptions;

/** What a sample store records about itself ({@code 'm'} keys), checked when it is opened. */
final class StoreMeta {

  private static final byte[] BUCKET_MILLIS_KEY = StoreKeys.metaKey("bucket-millis");
  private static final byte[] STORE_ID_KEY = StoreKeys.metaKey("store-id");
  private static final byte[] NODE_ID_KEY = StoreKeys.metaKey("node-id");

  private StoreMeta() {}

  /**
   * The store's identity: a random id given when it is created (or first opened by a version that
   * records one), which the replicas' journals record too, so a replica notices when the store it
   * was written with is gone. The store also records its node: one of another node's data
   * directory is refused ({@code nodeId} null: not checked, for tools).
   */
  static String identity(DB db, Path dir, String nodeId) {
    byte[] node = db.get(NODE_ID_KEY);
    if (nodeId != null && node != null && !new String(node, StandardCharsets.UTF_8).equals(nodeId)) {
      throw new IllegalStateException("the sample store in " + dir + " belongs to node "
          + new String(node, StandardCharsets.UTF_8) + ", not " + nodeId + "; point gapless.data-dir at " + nodeId
          + "'s own data, or move it away so that " + nodeId + " rebuilds its replicas from their siblings");
    }
    WriteOptions sync = new WriteOptions().sync(true);
    if (nodeId != null && node == null) {
      db.put(NODE_ID_KEY, nodeId.getBytes(StandardCharsets.UTF_8), sync);
    }
    byte[] id = db.get(STORE_ID_KEY);
    if (id == null) {
      id = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
      db.put(STORE_ID_KEY, id, sync);
    }
    return new String(id, StandardCharsets.UTF_8);
  }

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

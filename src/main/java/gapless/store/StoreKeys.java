package gapless.store;

import java.nio.charset.StandardCharsets;

/**
 * Owns the byte layout of every key in the sample store's LevelDB. LevelDB orders keys bytewise
 * (unsigned), so each key is a type letter, then 0x00-terminated identifiers, then fixed-width
 * big-endian numbers: all keys of one collector (or one collector and tag) are contiguous, and
 * within them numbers sort numerically. That is what lets every read be a seek plus a short scan.
 *
 * <ul>
 *   <li>batch blob: {@code 'b' 0x00 collector 0x00 seq:u64be} to the {@code BatchCodec} bytes
 *   <li>tag index: {@code 't' 0x00 collector 0x00 tag 0x00 bucket:u64be seq:u64be} to a
 *       {@link TagBlock} with that tag's samples of that batch in that time bucket
 *   <li>replaced batch: {@code 'x' 0x00 collector 0x00 seq:u64be} to the epoch that replaced it
 *       (u64be) and the replaced blob: the last replacement of that seq, kept so a replacement
 *       whose journal entry was lost can still be recorded
 *   <li>status record: {@code 's' 0x00 collector 0x00 seq:u64be} to the status change the batch
 *       {@code seq} carries ({@link StatusRecords}), written and deleted with its blob
 *   <li>idempotency key: {@code 'k' 0x00 collector 0x00 key} to the seq (u64be) of the batch sent
 *       with that {@code Idempotency-Key}, written with the batch
 *   <li>unindexed batch: {@code 'u' 0x00 collector 0x00 seq:u64be} to an empty value: the batch
 *       {@code seq} (a recovered copy) is stored, its tag-index blocks not built yet
 *       ({@link PendingIndex})
 *   <li>journal mark: {@code 'j' 0x00 collector 0x00 seq:u64be} to the owner epoch (u64be) the batch
 *       {@code seq} was written under: stored, and its replica's journal event may not be on disk
 *       yet ({@link JournalMarks})
 *   <li>collector registry: {@code 'r' 0x00 collector} to an empty value
 *   <li>store metadata: {@code 'm' 0x00 name} to a value owned by {@link SampleStore}
 * </ul>
 *
 * <p>The 0x00 terminator is safe because collector ids and tags are validated upstream
 * ({@code gapless.model.Validation}) and cannot contain it; it also stops collector "a" from
 * sharing a prefix with "a.b" or "ab". Numbers are non-negative (seq from 1, timestamps from 0),
 * so signed big-endian bytes order the same as the values.
 */
public final class StoreKeys {

  public static final byte BATCH = 'b';
  public static final byte TAG_INDEX = 't';
  public static final byte REGISTRY = 'r';
  public static final byte REPLACED = 'x';
  public static final byte IDEMPOTENCY_KEY = 'k';
  public static final byte STATUS = 's';
  public static final byte UNINDEXED = 'u';
  public static final byte JOURNAL_MARK = 'j';
  public static final byte META = 'm';

  private static final byte SEP = 0;

  private StoreKeys() {}

  /** The key of one batch blob. */
  public static byte[] batchKey(String collector, long seq) {
    return seqKey(BATCH, collector, seq);
  }

  /** The key of the last replacement of one batch. */
  public static byte[] replacedKey(String collector, long seq) {
    return seqKey(REPLACED, collector, seq);
  }

  /** The key of the status record of the status batch {@code seq}. */
  public static byte[] statusKey(String collector, long seq) {
    return seqKey(STATUS, collector, seq);
  }

  /** The key of the marker of a stored batch whose tag-index blocks are still to build. */
  public static byte[] unindexedKey(String collector, long seq) {
    return seqKey(UNINDEXED, collector, seq);
  }

  /** The key of the mark of a stored batch whose journal event is not known to be on disk. */
  public static byte[] journalMarkKey(String collector, long seq) {
    return seqKey(JOURNAL_MARK, collector, seq);
  }

  /** Prefix shared by every journal mark of {@code collector} and no other key. */
  public static byte[] journalMarkPrefix(String collector) {
    return seqPrefix(JOURNAL_MARK, collector);
  }

  private static byte[] seqKey(byte type, String collector, long seq) {
    byte[] c = utf8(collector);
    byte[] key = new byte[2 + c.length + 1 + 8];
    putLong(key, putId(key, header(key, type), c), seq);
    return key;
  }

  /** The key of the record naming the seq of the batch sent with {@code idempotencyKey}. */
  public static byte[] idempotencyKey(String collector, String idempotencyKey) {
    byte[] c = utf8(collector);
    byte[] k = utf8(idempotencyKey);
    byte[] key = new byte[2 + c.length + 1 + k.length];
    System.arraycopy(k, 0, key, putId(key, header(key, IDEMPOTENCY_KEY), c), k.length);
    return key;
  }

  /** A seq as a record value (u64be). */
  public static byte[] seqValue(long seq) {
    byte[] v = new byte[8];
    putLong(v, 0, seq);
    return v;
  }

  /** The seq of a value made by {@link #seqValue}. */
  public static long seqOfValue(byte[] value) {
    return getLong(value, 0);
  }

  /** Prefix shared by every batch key of {@code collector} and no other key. */
  public static byte[] batchPrefix(String collector) {
    return seqPrefix(BATCH, collector);
  }

  /** Prefix shared by every status record key of {@code collector} and no other key. */
  public static byte[] statusPrefix(String collector) {
    return seqPrefix(STATUS, collector);
  }

  private static byte[] seqPrefix(byte type, String collector) {
    byte[] c = utf8(collector);
    byte[] key = new byte[2 + c.length + 1];
    putId(key, header(key, type), c);
    return key;
  }

  /** Prefix shared by every unindexed-batch marker of {@code collector} and no other key. */
  public static byte[] unindexedPrefix(String collector) {
    return seqPrefix(UNINDEXED, collector);
  }

  /** Prefix shared by every unindexed-batch marker of every collector. */
  public static byte[] allUnindexedPrefix() {
    return new byte[] {UNINDEXED, SEP};
  }

  /** Prefix shared by every batch key of every collector. */
  public static byte[] allBatchesPrefix() {
    return new byte[] {BATCH, SEP};
  }

  /** The seq of a key made by {@link #batchKey} (or {@link #statusKey}, {@link #unindexedKey}, {@link #journalMarkKey}). */
  public static long seqOfBatchKey(byte[] key) {
    return getLong(key, key.length - 8);
  }

  /** The collector of a key made by {@link #batchKey} (or {@link #unindexedKey}). */
  public static String collectorOfBatchKey(byte[] key) {
    return new String(key, 2, key.length - 2 - 9, StandardCharsets.UTF_8);
  }

  /** The key of one tag-index block. */
  public static byte[] tagKey(String collector, String tag, long bucket, long seq) {
    byte[] c = utf8(collector);
    byte[] t = utf8(tag);
    byte[] key = new byte[2 + c.length + 1 + t.length + 1 + 16];
    int p = header(key, TAG_INDEX);
    p = putId(key, p, c);
    p = putId(key, p, t);
    p = putLong(key, p, bucket);
    putLong(key, p, seq);
    return key;
  }

  /** Prefix shared by every tag-index key of ({@code collector}, {@code tag}) and no other key. */
  public static byte[] tagPrefix(String collector, String tag) {
    byte[] c = utf8(collector);
    byte[] t = utf8(tag);
    byte[] key = new byte[2 + c.length + 1 + t.length + 1];
    int p = header(key, TAG_INDEX);
    p = putId(key, p, c);
    putId(key, p, t);
    return key;
  }

  /** Prefix shared by every tag-index key of {@code collector} and no other key. */
  public static byte[] tagsPrefix(String collector) {
    byte[] c = utf8(collector);
    byte[] key = new byte[2 + c.length + 1];
    putId(key, header(key, TAG_INDEX), c);
    return key;
  }

  /** The tag of a tag-index key of the collector whose {@link #tagsPrefix} is {@code prefixLength} long. */
  public static String tagOfTagKey(byte[] key, int prefixLength) {
    int end = prefixLength;
    while (key[end] != SEP) {
      end++;
    }
    return new String(key, prefixLength, end - prefixLength, StandardCharsets.UTF_8);
  }

  /** The first key after every tag-index key of ({@code collector}, {@code tag}): where the next tag's keys start. */
  public static byte[] afterTag(String collector, String tag) {
    byte[] key = tagPrefix(collector, tag);
    key[key.length - 1] = SEP + 1;
    return key;
  }

  /** The time bucket of a key made by {@link #tagKey}. */
  public static long bucketOfTagKey(byte[] key) {
    return getLong(key, key.length - 16);
  }

  /** The registry key of {@code collector}. */
  public static byte[] registryKey(String collector) {
    byte[] c = utf8(collector);
    byte[] key = new byte[2 + c.length];
    System.arraycopy(c, 0, key, header(key, REGISTRY), c.length);
    return key;
  }

  /** Prefix shared by every registry key. */
  public static byte[] registryPrefix() {
    return new byte[] {REGISTRY, SEP};
  }

  /** The collector id of a key made by {@link #registryKey}. */
  public static String collectorOfRegistryKey(byte[] key) {
    return new String(key, 2, key.length - 2, StandardCharsets.UTF_8);
  }

  /** The key of one piece of store metadata. */
  public static byte[] metaKey(String name) {
    byte[] n = utf8(name);
    byte[] key = new byte[2 + n.length];
    System.arraycopy(n, 0, key, header(key, META), n.length);
    return key;
  }

  /** The time bucket of {@code ts}: bucket b covers {@code [b * bucketMillis, (b + 1) * bucketMillis)}. */
  public static long bucket(long ts, long bucketMillis) {
    return Math.floorDiv(ts, bucketMillis);
  }

  /** Whether {@code key} begins with {@code prefix}. */
  public static boolean startsWith(byte[] key, byte[] prefix) {
    if (key.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (key[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int header(byte[] key, byte type) {
    key[0] = type;
    key[1] = SEP;
    return 2;
  }

  private static int putId(byte[] key, int p, byte[] id) {
    System.arraycopy(id, 0, key, p, id.length);
    key[p + id.length] = SEP;
    return p + id.length + 1;
  }

  private static int putLong(byte[] key, int p, long v) {
    for (int i = 7; i >= 0; i--) {
      key[p + i] = (byte) v;
      v >>>= 8;
    }
    return p + 8;
  }

  private static long getLong(byte[] key, int p) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (key[p + i] & 0xff);
    }
    return v;
  }

  private static byte[] utf8(String id) {
    // The only property the layout depends on; full shape validation happens at the API edge.
    if (id.isEmpty() || id.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("identifier must be non-empty and free of NUL: " + id);
    }
    return id.getBytes(StandardCharsets.UTF_8);
  }
}

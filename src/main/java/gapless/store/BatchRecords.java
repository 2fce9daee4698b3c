package gapless.store;

import gapless.model.BatchCodec;
import gapless.model.EncodedBatch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.WriteBatch;

/**
 * The records one stored batch owns in the sample store: its blob, its tag-index blocks (or, for a
 * status change, its status record) and, when it was sent with an {@code Idempotency-Key}, the
 * key's record. They are written (and, for a
 * replacement, deleted) together in one LevelDB write, so they never disagree.
 */
final class BatchRecords {

  private static final byte[] EMPTY = new byte[0];

  private BatchRecords() {}

  /** Puts the records of batch {@code seq} ({@code blob}) into {@code wb}. */
  static void put(WriteBatch wb, String collector, long seq, byte[] blob, long bucketMillis) {
    put(wb, collector, seq, blob, bucketMillis, false);
  }

  /**
   * The same; with {@code indexLater}, a batch of samples gets a marker instead of its tag-index
   * blocks ({@link PendingIndex} builds them). Returns whether it did. A status change's record is
   * always written now: every read of the collector looks at its stops.
   */
  static boolean put(WriteBatch wb, String collector, long seq, byte[] blob, long bucketMillis, boolean indexLater) {
    wb.put(StoreKeys.batchKey(collector, seq), blob);
    boolean marked = false;
    if (BatchCodec.isStatusChange(blob)) {
      StatusRecords.put(wb, collector, seq, BatchCodec.decode(seq, blob));
    } else if (indexLater) {
      wb.put(StoreKeys.unindexedKey(collector, seq), EMPTY);
      marked = true;
    } else {
      putIndex(wb, collector, seq, blob, bucketMillis);
    }
    putKey(wb, collector, seq, blob);
    return marked;
  }

  /** Puts the tag-index blocks of batch {@code seq}, a batch of samples, into {@code wb}. */
  static void putIndex(WriteBatch wb, String collector, long seq, byte[] blob, long bucketMillis) {
    TagIndex.build(blob, bucketMillis, (tag, bucket, block) -> wb.put(StoreKeys.tagKey(collector, tag, bucket, seq), block));
  }

  private static void putKey(WriteBatch wb, String collector, long seq, byte[] blob) {
    String key = BatchCodec.idempotencyKey(blob);
    if (!key.isEmpty()) {
      wb.put(StoreKeys.idempotencyKey(collector, key), StoreKeys.seqValue(seq));
    }
  }

  /** The batch sent with {@code idempotencyKey}: the key's record names its seq, and its blob must carry the key. */
  static Optional<EncodedBatch> findByKey(DB db, String collector, String idempotencyKey) {
    byte[] seq = db.get(StoreKeys.idempotencyKey(collector, idempotencyKey));
    if (seq == null) {
      return Optional.empty();
    }
    long s = StoreKeys.seqOfValue(seq);
    return Optional.ofNullable(db.get(StoreKeys.batchKey(collector, s)))
        .filter(blob -> BatchCodec.idempotencyKey(blob).equals(idempotencyKey))
        .map(blob -> new EncodedBatch(s, blob));
  }

  /**
   * Deletes the index records of the batch {@code seq} held as {@code oldBlob} (the blob itself is
   * overwritten by the caller): its tag-index blocks, found by decoding it, and its key's record
   * unless that key now names another seq (the same batch kept twice, once under each seq).
   */
  static void deleteIndex(WriteBatch wb, DB db, String collector, long seq, byte[] oldBlob, long bucketMillis) {
    if (BatchCodec.isStatusChange(oldBlob)) {
      StatusRecords.delete(wb, collector, seq);
    } else {
      TagIndex.build(oldBlob, bucketMillis, (tag, bucket, block) -> wb.delete(StoreKeys.tagKey(collector, tag, bucket, seq)));
      // Its blocks may never have been built (a recovered copy): the new batch's are, now.
      wb.delete(StoreKeys.unindexedKey(collector, seq));
    }
    String key = BatchCodec.idempotencyKey(oldBlob);
    if (!key.isEmpty()) {
      byte[] recordKey = StoreKeys.idempotencyKey(collector, key);
      if (Arrays.equals(db.get(recordKey), StoreKeys.seqValue(seq))) {
        wb.delete(recordKey);
      }
    }
  }

  /**
   * Puts {@code blob} over the batch {@code seq} into {@code wb} when the store holds what a scrub
   * saw there ({@code seen}, a {@link StoredBatch} state); returns whether it did. An intact old
   * batch's index records are deleted first; a damaged one cannot be decoded, and its records are
   * overwritten by the repaired batch's (the same batch, damaged after it was written).
   */
  static boolean repair(WriteBatch wb, DB db, String collector, long seq, long seen, byte[] blob, long bucketMillis) {
    byte[] old = null;
    long now;
    try {
      old = db.get(StoreKeys.batchKey(collector, seq), new ReadOptions().verifyChecksums(true));
      now = StoredBatch.stateOf(old);
    } catch (DBException e) {
      now = StoredBatch.DAMAGED;
    }
    if (now != seen) {
      return false;
    }
    if (StoredBatch.isIntact(now)) {
      deleteIndex(wb, db, collector, seq, old, bucketMillis);
    }
    put(wb, collector, seq, blob, bucketMillis);
    return true;
  }

  /** The record of a replacement ({@code 'x'}): the epoch that replaced the seq, then the blob it replaced. */
  static void putReplaced(WriteBatch wb, String collector, long seq, long epoch, byte[] oldBlob) {
    byte[] replaced = new byte[8 + oldBlob.length];
    ByteBuffer.wrap(replaced).putLong(epoch).put(oldBlob);
    wb.put(StoreKeys.replacedKey(collector, seq), replaced);
  }

  static SampleStore.Replaced replaced(byte[] record) {
    return new SampleStore.Replaced(ByteBuffer.wrap(record).getLong(), Arrays.copyOfRange(record, 8, record.length));
  }
}

package gapless.store;

import gapless.model.BatchCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
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

  private BatchRecords() {}

  /** Puts the records of batch {@code seq} ({@code blob}) into {@code wb}. */
  static void put(WriteBatch wb, String collector, long seq, byte[] blob, long bucketMillis) {
    wb.put(StoreKeys.batchKey(collector, seq), blob);
    if (BatchCodec.isStatusChange(blob)) {
      StatusRecords.put(wb, collector, seq, BatchCodec.decode(seq, blob));
    } else {
      TagIndex.build(blob, bucketMillis, (tag, bucket, block) -> wb.put(StoreKeys.tagKey(collector, tag, bucket, seq), block));
    }
    String key = BatchCodec.idempotencyKey(blob);
    if (!key.isEmpty()) {
      wb.put(StoreKeys.idempotencyKey(collector, key), StoreKeys.seqValue(seq));
    }
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

package gapless.store;

import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.Sample;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /** Puts the records of batch {@code seq} ({@code blob}, decoded as {@code batch}) into {@code wb}. */
  static void put(WriteBatch wb, String collector, long seq, byte[] blob, Batch batch, long bucketMillis) {
    wb.put(StoreKeys.batchKey(collector, seq), blob);
    if (batch.isStatusChange()) {
      StatusRecords.put(wb, collector, seq, batch);
    } else {
      putIndex(wb, collector, seq, batch.samples(), bucketMillis);
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
  static void deleteIndex(WriteBatch wb, DB db, String collector, long seq, byte[] oldBlob, Batch old, long bucketMillis) {
    if (old.isStatusChange()) {
      StatusRecords.delete(wb, collector, seq);
    } else {
      for (Sample s : old.samples()) {
        wb.delete(StoreKeys.tagKey(collector, s.tag(), StoreKeys.bucket(s.ts(), bucketMillis), seq));
      }
    }
    String key = BatchCodec.idempotencyKey(oldBlob);
    if (!key.isEmpty()) {
      byte[] recordKey = StoreKeys.idempotencyKey(collector, key);
      if (Arrays.equals(db.get(recordKey), StoreKeys.seqValue(seq))) {
        wb.delete(recordKey);
      }
    }
  }

  private static void putIndex(WriteBatch wb, String collector, long seq, List<Sample> samples, long bucketMillis) {
    Map<String, Map<Long, List<Sample>>> byTagAndBucket = new HashMap<>();
    for (Sample s : samples) {
      byTagAndBucket
          .computeIfAbsent(s.tag(), t -> new HashMap<>())
          .computeIfAbsent(StoreKeys.bucket(s.ts(), bucketMillis), b -> new ArrayList<>())
          .add(s);
    }
    for (Map.Entry<String, Map<Long, List<Sample>>> byTag : byTagAndBucket.entrySet()) {
      for (Map.Entry<Long, List<Sample>> byBucket : byTag.getValue().entrySet()) {
        wb.put(
            StoreKeys.tagKey(collector, byTag.getKey(), byBucket.getKey(), seq),
            TagBlock.encode(byBucket.getValue()));
      }
    }
  }

  /**
   * Puts {@code blob} over the batch {@code seq} into {@code wb} when the store holds what a scrub
   * saw there ({@code seen}, a {@link StoredBatch} state); returns whether it did. An intact old
   * batch's index records are deleted first; a damaged one cannot be decoded, and its records are
   * overwritten by the repaired batch's (the same batch, damaged after it was written).
   */
  static boolean repair(WriteBatch wb, DB db, String collector, long seq, long seen, byte[] blob, Batch decoded,
      long bucketMillis) {
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
      deleteIndex(wb, db, collector, seq, old, BatchCodec.decode(seq, old), bucketMillis);
    }
    put(wb, collector, seq, blob, decoded, bucketMillis);
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

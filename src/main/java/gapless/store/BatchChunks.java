package gapless.store;

import gapless.model.EncodedBatch;
import java.util.ArrayList;
import java.util.List;
import org.iq80.leveldb.ReadOptions;

/**
 * A recovery's chunk of stored batches: those of a collector with {@code fromSeq <= seq <= toSeq},
 * in seq order, as many as fit in {@code maxBytes} of blobs. It stops before a batch that would
 * take the total over {@code maxBytes}, so a chunk stays within its budget (and one Artery frame).
 * The one exception is the first batch, returned even when it alone is over {@code maxBytes} (then
 * it comes alone): a caller always gets at least one batch when any is stored in the range, and a
 * single batch is at most {@code gapless.ingest.max-encoded-bytes}, which fits a frame. Seeks
 * straight to {@code fromSeq}, so the cost is that of the batches returned, however long the
 * collector's history.
 */
final class BatchChunks {

  private BatchChunks() {}

  static List<EncodedBatch> read(Scanner store, String collector, long fromSeq, long toSeq, long maxBytes) {
    List<EncodedBatch> out = new ArrayList<>();
    if (fromSeq > toSeq || toSeq < 0) {
      return out;
    }
    byte[] prefix = StoreKeys.batchPrefix(collector);
    byte[] start = StoreKeys.batchKey(collector, Math.max(0, fromSeq));
    // Recovery reads old history once: keep it from evicting the blocks queries use, and check every block it copies.
    ReadOptions noCache = new ReadOptions().fillCache(false).verifyChecksums(true);
    long[] bytes = {0};
    store.scan(noCache, start, prefix, "scan", e -> {
      long seq = StoreKeys.seqOfBatchKey(e.getKey());
      if (seq > toSeq) {
        return false;
      }
      long total = bytes[0] + e.getValue().length;
      if (!out.isEmpty() && total > maxBytes) {
        return false;
      }
      out.add(new EncodedBatch(seq, e.getValue()));
      bytes[0] = total;
      return total < maxBytes;
    });
    return out;
  }
}

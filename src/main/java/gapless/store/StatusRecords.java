package gapless.store;

import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.model.StatusMark;
import gapless.model.StopInterval;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collector's status changes as the sample store keeps them: one {@code 's'} record per status
 * batch (its status, reason and gateway time), written and deleted in the same write as the
 * batch. Queries read their gaps from them and the replica view its last stops, so the replica's
 * state and snapshots keep only the last few changes: 50,000 STOPPED/RUNNING flips grow the store
 * by 50,000 small records and nothing else.
 */
final class StatusRecords {

  private static final Logger LOG = LoggerFactory.getLogger(StatusRecords.class);
  private static final byte[] INDEXED_KEY = StoreKeys.metaKey("status-records");

  private StatusRecords() {}

  /** Puts the status record of {@code batch} (a status change) at {@code seq}. */
  static void put(WriteBatch wb, String collector, long seq, Batch batch) {
    byte[] reason = batch.reason().getBytes(StandardCharsets.UTF_8);
    ByteBuffer v = ByteBuffer.allocate(9 + reason.length);
    v.put((byte) batch.status().code()).putLong(batch.acceptedAt()).put(reason);
    wb.put(StoreKeys.statusKey(collector, seq), v.array());
  }

  static void delete(WriteBatch wb, String collector, long seq) {
    wb.delete(StoreKeys.statusKey(collector, seq));
  }

  static StatusMark decode(long seq, byte[] value) {
    ByteBuffer v = ByteBuffer.wrap(value);
    CollectorStatus status = CollectorStatus.fromCode(v.get() & 0xff);
    long at = v.getLong();
    return new StatusMark(seq, status, new String(value, 9, value.length - 9, StandardCharsets.UTF_8), at);
  }

  /** Folds status changes, in seq order, into stopped intervals: from each STOPPED to the next RUNNING. */
  private static final class Folder {
    private final Consumer<StopInterval> out;
    private StopInterval open;

    Folder(Consumer<StopInterval> out) {
      this.out = out;
    }

    void add(StatusMark m) {
      if (m.status() == CollectorStatus.STOPPED && open == null) {
        open = new StopInterval(m.at(), null, m.reason(), m.seq());
      } else if (m.status() == CollectorStatus.RUNNING && open != null) {
        out.accept(open.closedAt(m.at()));
        open = null;
      }
    }

    /** The interval still open (stopped until now), if any. */
    void finish() {
      if (open != null) {
        out.accept(open);
      }
    }
  }

  /** The stopped intervals overlapping {@code [fromTs, toTs]}, the earliest {@code max} of them. */
  static List<StopInterval> stops(Scanner store, String collector, long fromTs, long toTs, int max) {
    List<StopInterval> out = new ArrayList<>();
    fold(store, collector, s -> {
      if (out.size() < max && s.overlaps(fromTs, toTs)) {
        out.add(s);
      }
    });
    return out;
  }

  /** The last {@code max} stopped intervals, oldest first. */
  static List<StopInterval> lastStops(Scanner store, String collector, int max) {
    ArrayDeque<StopInterval> last = new ArrayDeque<>(max + 1);
    fold(store, collector, s -> {
      last.addLast(s);
      if (last.size() > max) {
        last.removeFirst();
      }
    });
    return List.copyOf(last);
  }

  /** Reads {@code collector}'s status records in seq order (a seek, then those records only) into stopped intervals. */
  private static void fold(Scanner store, String collector, Consumer<StopInterval> out) {
    byte[] prefix = StoreKeys.statusPrefix(collector);
    Folder folder = new Folder(out);
    store.scan(new ReadOptions(), prefix, prefix, "status scan", e -> {
      folder.add(decode(StoreKeys.seqOfBatchKey(e.getKey()), e.getValue()));
      return true;
    });
    folder.finish();
  }

  /**
   * Writes the status records of a store written before they existed, once: every blob is read
   * (a store of this version marks itself when created, and this costs nothing then).
   */
  static void indexOnce(DB db, Path dir) {
    if (db.get(INDEXED_KEY) != null) {
      return;
    }
    long started = System.nanoTime();
    int found = 0;
    try (WriteBatch wb = db.createWriteBatch(); DBIterator it = db.iterator()) {
      byte[] prefix = StoreKeys.allBatchesPrefix();
      for (it.seek(prefix); it.hasNext(); ) {
        Map.Entry<byte[], byte[]> e = it.next();
        if (!StoreKeys.startsWith(e.getKey(), prefix)) {
          break;
        }
        if (BatchCodec.isStatusChange(e.getValue())) {
          long seq = StoreKeys.seqOfBatchKey(e.getKey());
          put(wb, StoreKeys.collectorOfBatchKey(e.getKey()), seq, BatchCodec.decode(seq, e.getValue()));
          found++;
        }
      }
      wb.put(INDEXED_KEY, new byte[] {1});
      db.write(wb, new WriteOptions().sync(true));
    } catch (IOException e) {
      throw new UncheckedIOException("indexing the status changes of the sample store in " + dir + " failed", e);
    }
    if (found > 0) {
      LOG.info("Indexed [{}] status changes of the sample store in [{}] (once, for a store written before status records) in [{}] ms",
          found, dir, (System.nanoTime() - started) / 1_000_000);
    }
  }
}

package gapless.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * The journal marks of the sample store: each batch a replica writes is marked, in the same synced
 * write, with the owner epoch it was written under, until the replica's journal event for it is
 * known to be on disk. The replica journals that event without an fsync (the store's write is the
 * durable one), so a power cut can lose the journal's last events but never a mark: a replica
 * starting again journals the marked batches its journal lost before it answers anything. A
 * replica forgets its marks once a snapshot, synced, holds their batches.
 */
public final class JournalMarks {

  /** A stored batch whose journal event may not be on disk: its seq and owner epoch. */
  public record Mark(long seq, long epoch) {}

  private static final WriteOptions UNSYNCED = new WriteOptions().sync(false);

  private JournalMarks() {}

  static void put(WriteBatch wb, String collector, long seq, long epoch) {
    wb.put(StoreKeys.journalMarkKey(collector, seq), StoreKeys.seqValue(epoch));
  }

  /**
   * Deletes the marks of {@code seqs}, whose journal events are on disk now. Not synced: a mark
   * that comes back after a power cut is only looked at again when the replica starts. Returns how many.
   */
  static int forget(DB db, CollectorLocks locks, String collector, Collection<Long> seqs) {
    try (WriteBatch wb = db.createWriteBatch(); CollectorLocks.Held held = locks.lock(collector)) {
      seqs.forEach(seq -> wb.delete(StoreKeys.journalMarkKey(collector, seq)));
      db.write(wb, UNSYNCED);
      return seqs.size();
    } catch (IOException e) {
      throw new UncheckedIOException("sample store: forgetting journal marks failed", e);
    } catch (DBException e) {
      throw new IllegalStateException("sample store: forgetting journal marks failed", e);
    }
  }

  /** Every mark of {@code collector}, in seq order. */
  static List<Mark> read(Scanner scanner, String collector) {
    List<Mark> marks = new ArrayList<>();
    byte[] prefix = StoreKeys.journalMarkPrefix(collector);
    scanner.scan(new ReadOptions(), prefix, prefix, "journal marks", e -> {
      marks.add(new Mark(StoreKeys.seqOfBatchKey(e.getKey()), StoreKeys.seqOfValue(e.getValue())));
      return true;
    });
    return marks;
  }
}

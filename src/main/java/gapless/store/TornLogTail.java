package gapless.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts off the record that a crash tore at the end of a LevelDB write-ahead log, so that a store
 * opened with paranoid checks starts after a {@code kill -9} instead of refusing a "checksum
 * mismatch" on bytes that were never acknowledged.
 *
 * <p>LevelDB 1.8 (the one in leveldbjni) writes its log through a memory map: a process killed in
 * the middle of a record leaves its header with part of its data (and zeros after it). Every write
 * of Gapless's stores is synced before it is answered, so a record torn this way was never
 * answered, and dropping it loses nothing that was promised. Damage that is followed by anything
 * but zeros is not a torn tail but a damaged file: it is left as it is, and the paranoid open
 * refuses it as before. (The manifest is written the same way, but only when a table is
 * written or compacted, and is not repaired here: a kill in that moment still stops the node.) (Newer LevelDB and RocksDB's {@code kTolerateCorruptedTailRecords}
 * treat the tail the same way.)
 */
public final class TornLogTail {

  private static final Logger log = LoggerFactory.getLogger(TornLogTail.class);
  private static final Pattern LOG_FILE = Pattern.compile("\\d+\\.log");
  private static final int BLOCK = 32 * 1024;
  private static final int HEADER = 7;
  private static final int ZERO = 0;
  private static final int FULL = 1;
  private static final int LAST = 4;
  private static final int MASK_DELTA = 0xa282ead8;

  private TornLogTail() {}

  /**
   * Cuts a torn record off the newest log of the LevelDB in {@code dir}, if its last record is torn.
   *
   * @return how many bytes were cut off (0 when the log ends cleanly, is damaged elsewhere, or
   *     there is none)
   */
  public static long cut(Path dir) {
    Optional<Path> newest = newestLog(dir);
    if (newest.isEmpty()) {
      return 0;
    }
    Path file = newest.get();
    try {
      ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      long keep = tornAt(bytes);
      if (keep < 0) {
        return 0;
      }
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
        channel.truncate(keep);
        channel.force(true);
      }
      long cut = bytes.capacity() - keep;
      log.warn("{} ended in a record torn by a crash: cut it off at byte {} ({} bytes, with the zeros LevelDB"
          + " reserved after it; a torn record was never acknowledged: writes are synced before they are answered)",
          file, keep, cut);
      return cut;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the write-ahead log " + file, e);
    }
  }

  /**
   * Where the log should end if its tail is torn: after its last whole record; -1 when it ends
   * cleanly (perhaps in the zeros the writer reserved), or when anything but zeros follows the
   * damaged record (a damaged file, not a torn tail: later records may have been answered). A
   * record in fragments over several blocks whose last fragment never came is torn too: LevelDB
   * 1.8 reports it ("error in middle of record") when the reserved zeros follow it. (A damaged last
   * record followed only by zeros cannot be told from a torn one; it is cut too.)
   */
  static long tornAt(ByteBuffer log) {
    int size = log.capacity();
    long lastWhole = 0;
    int end = 0;
    boolean inFragments = false;
    for (int block = 0; block < size; block += BLOCK) {
      int blockEnd = Math.min(block + BLOCK, size);
      int at = block;
      while (at + HEADER <= blockEnd) {
        int length = log.getShort(at + 4) & 0xffff;
        int type = log.get(at + 6) & 0xff;
        if (type == ZERO && length == 0) {
          break; // zeros the writer reserved: the rest of the block holds nothing
        }
        if (!isWhole(log, at, blockEnd)) {
          return zerosFrom(log, (int) Math.min((long) at + HEADER + length, size)) ? lastWhole : -1;
        }
        at += HEADER + length;
        end = at;
        inFragments = type != FULL && type != LAST;
        if (!inFragments) {
          lastWhole = at;
        }
      }
    }
    return inFragments && zerosFrom(log, end) ? lastWhole : -1;
  }

  /** Whether every byte from {@code from} to the end of the log is zero. */
  private static boolean zerosFrom(ByteBuffer log, int from) {
    for (int i = from; i < log.capacity(); i++) {
      if (log.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether a record of a known type, within its block and with a matching checksum, starts {@code at}. */
  private static boolean isWhole(ByteBuffer log, int at, int blockEnd) {
    if (at + HEADER > blockEnd) {
      return false;
    }
    int length = log.getShort(at + 4) & 0xffff;
    int type = log.get(at + 6) & 0xff;
    if (type < FULL || type > LAST || at + HEADER + length > blockEnd) {
      return false;
    }
    CRC32C crc = new CRC32C();
    crc.update(type);
    crc.update(log.array(), at + HEADER, length);
    return log.getInt(at) == masked((int) crc.getValue());
  }

  /** LevelDB stores checksums masked, so that a checksum of data holding checksums stays strong. */
  private static int masked(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  private static Optional<Path> newestLog(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> LOG_FILE.matcher(f.getFileName().toString()).matches())
          .max(Comparator.comparingLong(f -> Long.parseLong(f.getFileName().toString().replace(".log", ""))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}

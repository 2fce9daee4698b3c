package gapless.collector;

import static org.fusesource.leveldbjni.JniDBFactory.factory;

import gapless.store.DiskSpace;
import gapless.store.TornLogTail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteOptions;

/**
 * A gateway's buffer on disk: the batches it answered 202 for, not yet on W replicas. Only those
 * are written here (a batch acked by W replicas within the ack timeout never touches the gateway's
 * disk), each in one synced write, so a 202 survives a crash of the gateway. Keyed by
 * (collector, epoch, seq): an entry whose epoch is not its collector's current one belongs to an
 * owner that is gone, and is submitted again through the current owner.
 *
 * <p>Bounded: room is reserved for every batch before it gets a seq, and a batch that does not fit
 * is refused (503). Thread-safe (LevelDB is; a lock keeps {@link #close()} from freeing the
 * native handle under a call). Calls block on disk: callers run them on the store dispatcher.
 */
public final class GatewayBuffer implements AutoCloseable {

  /** The key of an entry, without its blob. */
  public record Key(String collector, long epoch, long seq) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = collector.compareTo(o.collector);
      return c != 0 ? c : epoch != o.epoch ? Long.compare(epoch, o.epoch) : Long.compare(seq, o.seq);
    }
  }

  private final DB db;
  private final Path dir;
  private final long maxBytes;
  private final DiskSpace space;
  private final AtomicLong bytes = new AtomicLong();
  // Every key with its blob's size, so listing what is buffered never reads the blobs.
  private final ConcurrentSkipListMap<Key, Integer> index = new ConcurrentSkipListMap<>();
  private final WriteOptions syncWrite = new WriteOptions().sync(true);
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private GatewayBuffer(DB db, Path dir, long maxBytes, DiskSpace space) {
    this.db = db;
    this.dir = dir;
    this.space = space;
    this.maxBytes = maxBytes;
  }

  /** Opens (creating if missing) the buffer in {@code dir}; counts the bytes already held. */
  public static GatewayBuffer open(Path dir, long maxBytes) {
    return open(dir, maxBytes, DiskSpace.of(dir, 0));
  }

  /** The same, refusing writes ({@link DiskSpace.DiskFull}) while {@code space} is below its reserve. */
  public static GatewayBuffer open(Path dir, long maxBytes, DiskSpace space) {
    try {
      Files.createDirectories(dir);
      TornLogTail.cut(dir);
      GatewayBuffer buffer = new GatewayBuffer(factory.open(dir.toFile(), new Options().createIfMissing(true)), dir, maxBytes, space);
      buffer.loadIndex();
      return buffer;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the gateway buffer in " + dir, e);
    }
  }

  /** The free space of the buffer's disk, which a write needs above its reserve. */
  public DiskSpace space() {
    return space;
  }

  /** Bytes of blobs held. */
  public long bytes() {
    return bytes.get();
  }

  public long maxBytes() {
    return maxBytes;
  }

  /**
   * Reserves room for a batch about to be sent, before it gets a seq: false when the budget is
   * spent (the client gets 503 and nothing is kept). The room stays reserved while the batch is
   * in flight (heap) and then on disk, until {@link #release} or {@link #delete}, so heap and disk
   * together stay within the budget.
   */
  public boolean reserve(long size) {
    while (true) {
      long now = bytes.get();
      if (now + size > maxBytes) {
        return false;
      }
      if (bytes.compareAndSet(now, now + size)) {
        return true;
      }
    }
  }

  /**
   * Reserves room whatever the budget: for what must go on regardless (an owner's empty batches,
   * a batch resubmitted under its own seq), small or already counted elsewhere.
   */
  public void forceReserve(long size) {
    bytes.addAndGet(size);
  }

  /** Gives back room reserved for a batch that reached W replicas without being written here. */
  public void release(long size) {
    bytes.addAndGet(-size);
  }

  /** Keeps {@code blob} durably (synced), in room {@link #reserve reserved} for it. */
  public void put(String collector, long epoch, long seq, byte[] blob) {
    space.requireRoom();
    locked(() -> {
      db.put(key(collector, epoch, seq), blob, syncWrite);
      index.put(new Key(collector, epoch, seq), blob.length);
      return null;
    });
  }

  /** Forgets an entry and gives its room back (not synced: a lost delete only sends an acked batch once more). */
  public void delete(String collector, long epoch, long seq) {
    locked(() -> {
      Integer size = index.remove(new Key(collector, epoch, seq));
      if (size != null) {
        db.delete(key(collector, epoch, seq));
        bytes.addAndGet(-size);
      }
      return null;
    });
  }

  public Optional<byte[]> read(String collector, long epoch, long seq) {
    return locked(() -> Optional.ofNullable(db.get(key(collector, epoch, seq))));
  }

  /** How many batches the buffer holds, from memory. */
  public int batches() {
    return index.size();
  }

  /** Every key, in (collector, epoch, seq) order, from memory. */
  public List<Key> keys() {
    return List.copyOf(index.keySet());
  }

  /** The keys of one collector's entries, in (epoch, seq) order, from memory. */
  public List<Key> keys(String collector) {
    return List.copyOf(index.subMap(new Key(collector, Long.MIN_VALUE, Long.MIN_VALUE), new Key(collector, Long.MAX_VALUE, Long.MAX_VALUE))
        .keySet());
  }

  private void loadIndex() {
    locked(() -> {
      try (DBIterator it = db.iterator()) {
        for (it.seekToFirst(); it.hasNext(); ) {
          var e = it.next();
          index.put(parse(e.getKey()), e.getValue().length);
          bytes.addAndGet(e.getValue().length);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading the gateway buffer in " + dir + " failed", e);
      }
      return null;
    });
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        db.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("closing the gateway buffer in " + dir + " failed", e);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private interface Call<T> {
    T run();
  }

  private <T> T locked(Call<T> call) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("the gateway buffer in " + dir + " is closed");
      }
      return call.run();
    } catch (DBException e) {
      throw new IllegalStateException("the gateway buffer in " + dir + " failed: " + e.getMessage(), e);
    } finally {
      lock.readLock().unlock();
    }
  }

  static byte[] key(String collector, long epoch, long seq) {
    byte[] c = collector.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(c.length + 17).put(c).put((byte) 0).putLong(epoch).putLong(seq).array();
  }

  static Key parse(byte[] key) {
    int end = key.length - 17;
    ByteBuffer b = ByteBuffer.wrap(key, end + 1, 16);
    return new Key(new String(Arrays.copyOf(key, end), StandardCharsets.UTF_8), b.getLong(), b.getLong());
  }
}

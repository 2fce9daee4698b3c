package gapless.store;

import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

/**
 * Locks that keep the writes of one collector from interleaving in the store, striped so that
 * different collectors (almost always) write in parallel: LevelDB groups concurrent writers into
 * one synced write by itself.
 */
final class CollectorLocks {

  /** Held while one of a collector's writes is built and written; released by {@link #close}. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  private final ReentrantLock[] stripes = IntStream.range(0, 64).mapToObj(i -> new ReentrantLock()).toArray(ReentrantLock[]::new);

  Held lock(String collector) {
    ReentrantLock l = stripes[Math.floorMod(collector.hashCode(), stripes.length)];
    l.lock();
    return l::unlock;
  }
}

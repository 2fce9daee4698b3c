package gapless.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock per collector that keeps its writes from interleaving in the store. One per collector,
 * not striped: a write holds it through its fsync, and collectors sharing a lock would wait for
 * each other's syncs instead of joining LevelDB's own group commit. A replica writes one group at
 * a time anyway, so its lock is contended only by a replacement running beside a group.
 */
final class CollectorLocks {

  /** Held while one of a collector's writes is built and written; released by {@link #close}. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  Held lock(String collector) {
    ReentrantLock l = locks.computeIfAbsent(collector, c -> new ReentrantLock());
    l.lock();
    return l::unlock;
  }
}

package gapless.collector;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one collector's owner remembers of the {@code Idempotency-Key}s it gave seqs to: for each,
 * the seq and the content checksum of the batch, for the idempotency window, at most
 * {@code max} of them (the first seen forgotten first).
 *
 * <p>Its memory is complete only for keys first seen after {@link #lookUpUntil} minus the window:
 * before that the collector had another owner (or this one forgot keys early to stay within
 * {@code max}). Until then a key it does not know may be known to the replicas, and
 * {@link #check} says to look it up there. Plain class, used from the owner's actor only; times
 * are monotonic nanos.
 */
final class IdempotencyKeys {

  /** What to do with a keyed request. */
  sealed interface Check permits Known, Reused, Unknown {}

  /** The key gave {@code seq} to the same content: the request is that batch again. */
  record Known(long seq) implements Check {}

  /** The key gave {@code seq} to other content: refused, the key is not for this request. */
  record Reused(long seq) implements Check {}

  /** Not remembered; {@code lookUp}: the replicas may know it (this memory is not complete yet). */
  record Unknown(boolean lookUp) implements Check {}

  private record Entry(long seq, long contentChecksum, long firstSeenNanos) {}

  private final long windowNanos;
  private final int max;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
  private long lookUpUntil;

  /**
   * {@code predecessorsUntilNanos}: the latest time an owner before this one may have given a key
   * (a window ago or earlier when none did).
   */
  IdempotencyKeys(long windowNanos, int max, long predecessorsUntilNanos) {
    this.windowNanos = windowNanos;
    this.max = max;
    this.lookUpUntil = predecessorsUntilNanos + windowNanos;
  }

  Check check(String key, long contentChecksum, long nowNanos) {
    expire(nowNanos);
    Entry e = entries.get(key);
    if (e == null) {
      return new Unknown(nowNanos - lookUpUntil < 0);
    }
    return e.contentChecksum() == contentChecksum ? new Known(e.seq()) : new Reused(e.seq());
  }

  /**
   * The key gave {@code seq} to a batch with this content checksum, first seen at
   * {@code firstSeenNanos} (earlier than now when an owner before this one accepted it).
   */
  void remember(String key, long seq, long contentChecksum, long firstSeenNanos) {
    entries.putIfAbsent(key, new Entry(seq, contentChecksum, firstSeenNanos));
    while (entries.size() > max) {
      Iterator<Entry> eldest = entries.values().iterator();
      // Forgotten before its window ended: until then unknown keys may be this one.
      lookUpUntil = Math.max(lookUpUntil, eldest.next().firstSeenNanos() + windowNanos);
      eldest.remove();
    }
  }

  int size() {
    return entries.size();
  }

  private void expire(long nowNanos) {
    // Entries are in the order they were remembered, nearly the order first seen: an adopted key's
    // entry (first seen earlier) may wait behind a younger one, which only keeps it a little longer.
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext() && nowNanos - it.next().getValue().firstSeenNanos() >= windowNanos) {
      it.remove();
    }
  }
}

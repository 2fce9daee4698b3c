package gapless.store;

import gapless.model.IntervalSummary;
import java.util.ArrayList;
import java.util.List;
import org.iq80.leveldb.ReadOptions;

/**
 * One tag's samples in a time range, summed up per interval from the range's start: read from
 * the tag index (only the buckets the range touches), without a sample object each. Intervals
 * with no sample are left out.
 */
final class TagSummaries {

  private TagSummaries() {}

  /** One interval's running figures. */
  private static final class Running {
    long count;
    double sum;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    long firstTs = Long.MAX_VALUE;
    double first;
    long lastTs = Long.MIN_VALUE;
    double last;
    int lastQuality;

    void add(long ts, double value, int quality) {
      count++;
      sum += value;
      min = Math.min(min, value);
      max = Math.max(max, value);
      // Blocks come in time bucket order and, within a bucket, in seq order: on equal times the
      // first seen is the earlier batch, the last seen the later one.
      if (ts < firstTs) {
        firstTs = ts;
        first = value;
      }
      if (ts >= lastTs) {
        lastTs = ts;
        last = value;
        lastQuality = quality;
      }
    }
  }

  /** At most {@code maxIntervals} intervals may cover the range: an IllegalArgumentException otherwise. */
  static List<IntervalSummary> run(Scanner store, String collector, String tag, long fromTs, long toTsInclusive, long intervalMs,
      int maxIntervals, long bucketMillis) {
    TagQuery.requireTag(tag);
    int intervals = intervals(fromTs, toTsInclusive, intervalMs, maxIntervals);
    long from = Math.max(0, fromTs);
    if (toTsInclusive < from) {
      return List.of();
    }
    Running[] running = new Running[intervals];
    long toBucket = StoreKeys.bucket(toTsInclusive, bucketMillis);
    byte[] prefix = StoreKeys.tagPrefix(collector, tag);
    byte[] start = StoreKeys.tagKey(collector, tag, StoreKeys.bucket(from, bucketMillis), 0);
    store.scan(new ReadOptions(), start, prefix, "summary", e -> {
      if (StoreKeys.bucketOfTagKey(e.getKey()) > toBucket) {
        return false;
      }
      TagBlock.decode(e.getValue(), from, toTsInclusive, (ts, value, quality) -> {
        // Intervals start at the asked start: a sample before ts 0 cannot exist.
        int i = (int) ((ts - fromTs) / intervalMs);
        if (running[i] == null) {
          running[i] = new Running();
        }
        running[i].add(ts, value, quality);
      });
      return true;
    });
    List<IntervalSummary> out = new ArrayList<>();
    for (int i = 0; i < intervals; i++) {
      Running r = running[i];
      if (r != null) {
        long begin = fromTs + i * intervalMs;
        out.add(new IntervalSummary(begin, begin + intervalMs, r.count, r.sum, r.min, r.max, r.firstTs, r.first, r.lastTs, r.last,
            r.lastQuality));
      }
    }
    return out;
  }

  /**
   * How many intervals of {@code intervalMs} from {@code fromTs} cover {@code [fromTs,
   * toTsInclusive]}; an IllegalArgumentException when the interval or start is out of bounds, or
   * more than {@code max} would.
   */
  private static int intervals(long fromTs, long toTsInclusive, long intervalMs, int max) {
    if (intervalMs < 1 || fromTs < 0) {
      throw new IllegalArgumentException("interval must be at least 1 ms and from not negative: " + intervalMs + ", " + fromTs);
    }
    long n = toTsInclusive < fromTs ? 0 : (toTsInclusive - fromTs) / intervalMs + 1;
    if (n > max) {
      throw new IllegalArgumentException(n + " intervals cover the range, more than " + max);
    }
    return (int) n;
  }
}

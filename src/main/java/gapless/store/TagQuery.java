package gapless.store;

import gapless.model.Sample;
import gapless.model.Validation;
import java.util.ArrayList;
import java.util.List;
import org.iq80.leveldb.ReadOptions;

/**
 * One tag's samples in a time range, read from the tag index: only the buckets the range touches,
 * stopping at the first bucket boundary past the limit, holding at most {@code limit + 1} samples
 * whatever a bucket holds ({@link EarliestSamples}).
 */
final class TagQuery {

  private TagQuery() {}

  static void requireTag(String tag) {
    if (!Validation.isTag(tag)) {
      throw new IllegalArgumentException("tag must be " + Validation.TAG_RULE + ": " + tag);
    }
  }

  static QueryResult run(Scanner store, String collector, String tag, long fromTs, long toTsInclusive, int limit,
      long bucketMillis) {
    // Nothing is stored before ts 0, and negative buckets would not sort below bucket 0.
    long from = Math.max(0, fromTs);
    if (toTsInclusive < from) {
      return new QueryResult(List.of(), false);
    }
    long toBucket = StoreKeys.bucket(toTsInclusive, bucketMillis);
    byte[] prefix = StoreKeys.tagPrefix(collector, tag);
    byte[] start = StoreKeys.tagKey(collector, tag, StoreKeys.bucket(from, bucketMillis), 0);
    List<Sample> result = new ArrayList<>();
    // Buckets come in time order, and the blocks of one bucket in seq order: each bucket keeps
    // its earliest samples that the limit (plus one, to know the answer is truncated) can use.
    EarliestSamples bucketSamples = new EarliestSamples();
    bucketSamples.reset(limit + 1);
    long[] currentBucket = {-1};
    store.scan(new ReadOptions(), start, prefix, "query", e -> {
      long bucket = StoreKeys.bucketOfTagKey(e.getKey());
      if (bucket > toBucket) {
        return false;
      }
      if (bucket != currentBucket[0]) {
        bucketSamples.drainInto(tag, result);
        if (result.size() > limit) {
          return false;
        }
        currentBucket[0] = bucket;
        bucketSamples.reset(limit + 1 - result.size());
      }
      TagBlock.decode(e.getValue(), from, toTsInclusive, bucketSamples::offer);
      return true;
    });
    bucketSamples.drainInto(tag, result);
    boolean truncated = result.size() > limit;
    return new QueryResult(truncated ? result.subList(0, limit) : result, truncated);
  }
}

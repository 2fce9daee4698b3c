package gapless.store;

import gapless.model.BatchCodec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tag-index blocks of one sample batch, built straight from its blob in one pass: a block per
 * tag and time bucket, holding that tag's samples of that bucket in batch order (the bytes
 * {@link TagBlock#encode} gives for them). No {@link gapless.model.Sample} is made: this runs for
 * every batch a replica stores, live and in recovery.
 */
final class TagIndex {

  /** Where each block goes. */
  @FunctionalInterface
  interface BlockSink {
    void block(String tag, long bucket, byte[] block);
  }

  private TagIndex() {}

  /** Builds the blocks of the sample batch {@code blob} and hands each to {@code sink}. */
  static void build(byte[] blob, long bucketMillis, BlockSink sink) {
    String[] tags = BatchCodec.tags(blob);
    Buckets[] byTag = new Buckets[tags.length];
    BatchCodec.visitSamples(blob, (tag, ts, value, quality) -> {
      Buckets buckets = byTag[tag];
      if (buckets == null) {
        buckets = byTag[tag] = new Buckets();
      }
      buckets.blockOf(StoreKeys.bucket(ts, bucketMillis)).add(ts, value, quality);
    });
    for (int tag = 0; tag < tags.length; tag++) {
      if (byTag[tag] != null) {
        for (Map.Entry<Long, TagBlock.Builder> b : byTag[tag].blocks.entrySet()) {
          sink.block(tags[tag], b.getKey(), b.getValue().toBytes());
        }
      }
    }
  }

  /** One tag's blocks by bucket; a tag's samples mostly fall in one bucket, so the last one is looked at first. */
  private static final class Buckets {
    private final Map<Long, TagBlock.Builder> blocks = new LinkedHashMap<>(2);
    private long lastBucket;
    private TagBlock.Builder last;

    TagBlock.Builder blockOf(long bucket) {
      if (last == null || bucket != lastBucket) {
        last = blocks.computeIfAbsent(bucket, b -> new TagBlock.Builder());
        lastBucket = bucket;
      }
      return last;
    }
  }
}

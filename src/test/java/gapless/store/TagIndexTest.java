package gapless.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.Sample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A batch's blocks built from its blob are the blocks of its decoded samples, grouped by tag and bucket. */
class TagIndexTest {

  private static final long BUCKET = 3_600_000;

  @Test
  void buildsTheBlocksOfTheDecodedSamples() {
    Random random = new Random(11);
    for (int round = 0; round < 50; round++) {
      int tags = 1 + random.nextInt(round % 5 == 0 ? 300 : 12);
      List<Sample> samples = new ArrayList<>();
      long ts = 1_700_000_000_000L + random.nextInt(1_000_000_000);
      for (int i = 0, n = 1 + random.nextInt(3000); i < n; i++) {
        // Mostly forward in time, sometimes back, now and then across buckets.
        ts += random.nextInt(10) == 0 ? random.nextInt(4 * (int) BUCKET) - 2 * BUCKET : random.nextInt(2000) - 200;
        samples.add(new Sample("tag-" + random.nextInt(tags), ts, random.nextGaussian(), random.nextInt(256)));
      }
      byte[] blob = BatchCodec.encode(Batch.ofSamples(0, 5, samples), round % 2 == 0 ? "" : "key-" + round);
      Map<String, String> built = new HashMap<>();
      TagIndex.build(blob, BUCKET, (tag, bucket, block) -> built.put(tag + "/" + bucket, HexFormat.of().formatHex(block)));
      assertEquals(expected(samples), built, "round " + round);
    }
  }

  /** The blocks as the store made them before: the decoded samples grouped by tag and bucket, in batch order. */
  private static Map<String, String> expected(List<Sample> samples) {
    Map<String, List<Sample>> groups = new LinkedHashMap<>();
    for (Sample s : samples) {
      groups.computeIfAbsent(s.tag() + "/" + StoreKeys.bucket(s.ts(), BUCKET), k -> new ArrayList<>()).add(s);
    }
    Map<String, String> blocks = new HashMap<>();
    groups.forEach((key, group) -> blocks.put(key, HexFormat.of().formatHex(TagBlock.encode(group))));
    return blocks;
  }
}

package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.model.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the events say about a batch, read from its blob, is what its decoded samples say. */
class BatchFactsTest {

  @Test
  void countsAndBoundsTheSamples() {
    Random random = new Random(5);
    for (int round = 0; round < 30; round++) {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0, n = 1 + random.nextInt(500); i < n; i++) {
        samples.add(new Sample("t" + random.nextInt(7), random.nextLong(1L << 42) - (1L << 40), random.nextDouble(), 192));
      }
      byte[] blob = BatchCodec.encode(Batch.ofSamples(0, 99, samples));
      long min = samples.stream().mapToLong(Sample::ts).min().orElseThrow();
      long max = samples.stream().mapToLong(Sample::ts).max().orElseThrow();
      assertEquals(new BatchFacts(4, 99, samples.size(), min, max, null, null), BatchFacts.of(4, blob));
    }
  }

  @Test
  void anEmptyBatchOrAStatusChangeIsBoundedByItsAcceptedTime() {
    assertEquals(new BatchFacts(2, 70, 0, 70, 70, null, null),
        BatchFacts.of(2, BatchCodec.encode(Batch.ofSamples(0, 70, List.of()))));
    BatchFacts stop = BatchFacts.of(3, BatchCodec.encode(Batch.ofStatus(0, 80, CollectorStatus.STOPPED, "maintenance")));
    assertEquals(new BatchFacts(3, 80, 0, 80, 80, CollectorStatus.STOPPED, "maintenance"), stop);
    assertEquals(true, stop.isStatusChange());
  }
}

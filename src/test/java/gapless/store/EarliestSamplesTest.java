package gapless.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gapless.model.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EarliestSamplesTest {

  @Test
  void keepsOnlyTheEarliestInTimeThenOfferOrder() {
    EarliestSamples kept = new EarliestSamples();
    kept.reset(3);
    // Blocks in seq order: a later batch holds earlier times; ts 5 comes twice (seq order wins).
    long[] ts = {50, 40, 5, 60, 5, 1, 70, 2};
    for (int i = 0; i < ts.length; i++) {
      kept.offer(ts[i], i, 192);
    }
    List<Sample> out = new ArrayList<>();
    kept.drainInto("T", out);
    assertEquals(List.of(new Sample("T", 1, 5, 192), new Sample("T", 2, 7, 192), new Sample("T", 5, 2, 192)), out);
    kept.reset(0);
    kept.offer(1, 1, 192);
    List<Sample> none = new ArrayList<>();
    kept.drainInto("T", none);
    assertEquals(List.of(), none);
  }

  /**
   * Many more samples than kept, in time order, shuffled, and with many equal times, across the
   * compactions at twice the capacity: always what a full sort by (ts, offer order) would keep.
   */
  @Test
  void keepsWhatAFullSortWouldAcrossCompactions() {
    SplittableRandom random = new SplittableRandom(7);
    EarliestSamples kept = new EarliestSamples();
    for (int round = 0; round < 60; round++) {
      int capacity = 1 + random.nextInt(round % 3 == 0 ? 5 : 700);
      int n = random.nextInt(3000);
      List<Sample> offered = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        long ts = switch (round % 4) {
          case 0 -> i;
          case 1 -> random.nextLong(1_000_000);
          case 2 -> random.nextInt(20);
          default -> i % 500;
        };
        offered.add(new Sample("T", ts, i, i % 256));
      }
      kept.reset(capacity);
      offered.forEach(s -> kept.offer(s.ts(), s.value(), s.quality()));
      List<Sample> out = new ArrayList<>();
      kept.drainInto("T", out);
      // A stable sort keeps the offer order of equal times.
      List<Sample> expected = offered.stream().sorted(Comparator.comparingLong(Sample::ts)).limit(capacity).toList();
      assertEquals(expected, out, "round " + round + ", capacity " + capacity + ", " + n + " offered");
    }
  }
}

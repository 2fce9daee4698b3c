package gapless.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gapless.model.Sample;
import java.util.ArrayList;
import java.util.List;
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
}

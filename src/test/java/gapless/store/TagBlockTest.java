package gapless.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gapless.model.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TagBlockTest {

  @Test
  void roundTripsOutOfOrderSamplesAndFilters() {
    List<Sample> in =
        List.of(
            new Sample("t", 5000, 1.5, 192),
            new Sample("t", 4000, -2.25, 0),
            new Sample("t", 5000, 3.0, 255),
            new Sample("t", 9_000_000_000L, Double.MAX_VALUE, 64));
    byte[] block = TagBlock.encode(in);
    assertEquals(TagBlock.VERSION, block[0]);
    List<Sample> all = new ArrayList<>();
    TagBlock.decodeInto("t", block, 0, Long.MAX_VALUE, all);
    assertEquals(in, all);
    List<Sample> some = new ArrayList<>();
    TagBlock.decodeInto("t", block, 4000, 5000, some);
    assertEquals(in.subList(0, 3), some);
  }

  @Test
  void rejectsUnknownVersion() {
    byte[] block = TagBlock.encode(List.of(new Sample("t", 1, 1, 1)));
    block[0] = 9;
    assertThrows(
        IllegalArgumentException.class, () -> TagBlock.decodeInto("t", block, 0, 10, new ArrayList<>()));
  }
}

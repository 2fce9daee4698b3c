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

  @Test
  void keepsItsVersionOneLayoutByteForByte() {
    // version 1, count 2, firstTs 1000, then (zigzag ts delta, f64, quality) per sample: stored
    // blocks are read by this layout, so a change to the encoder must not change it.
    byte[] block = TagBlock.encode(List.of(new Sample("t", 1000, 1.0, 192), new Sample("t", 999, -0.5, 0)));
    assertEquals("01" + "02" + "00000000000003e8" + "00" + "3ff0000000000000" + "c0" + "01" + "bfe0000000000000" + "00",
        java.util.HexFormat.of().formatHex(block));
  }

  @Test
  void growsAsSamplesAreAdded() {
    java.util.Random random = new java.util.Random(3);
    List<Sample> in = new ArrayList<>();
    long ts = 0;
    for (int i = 0; i < 5000; i++) {
      ts += random.nextInt(2_000_000) - 500_000;
      in.add(new Sample("t", ts, random.nextDouble(), random.nextInt(256)));
    }
    List<Sample> out = new ArrayList<>();
    TagBlock.decodeInto("t", TagBlock.encode(in), Long.MIN_VALUE, Long.MAX_VALUE, out);
    assertEquals(in, out);
  }
}

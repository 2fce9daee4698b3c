package gapless.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeqRangesTest {

  private static SeqRange r(long from, long to) {
    return new SeqRange(from, to);
  }

  @Test
  void addInOrderExtendsTheLastRange() {
    SeqRanges s = SeqRanges.EMPTY;
    for (long seq = 1; seq <= 1000; seq++) {
      s = s.add(seq);
    }
    assertEquals(List.of(r(1, 1000)), s.ranges());
    assertSame(s, s.add(500));
    assertSame(s, s.add(1000));
  }

  @Test
  void addOutOfOrderMergesAdjacentAndOverlapping() {
    SeqRanges s = SeqRanges.EMPTY.add(5).add(3).add(1).add(10);
    assertEquals(List.of(r(1, 1), r(3, 3), r(5, 5), r(10, 10)), s.ranges());
    s = s.add(2);
    assertEquals(List.of(r(1, 3), r(5, 5), r(10, 10)), s.ranges());
    s = s.add(4);
    assertEquals(List.of(r(1, 5), r(10, 10)), s.ranges());
    s = s.add(r(6, 9));
    assertEquals(List.of(r(1, 10)), s.ranges());
    s = s.add(r(8, 20)).add(r(30, 40)).add(r(21, 29));
    assertEquals(List.of(r(1, 40)), s.ranges());
    // A range starting inside the last range and reaching beyond it.
    assertEquals(List.of(r(1, 50)), s.add(r(35, 50)).ranges());
  }

  @Test
  void constructorNormalizes() {
    SeqRanges s = new SeqRanges(List.of(r(10, 12), r(1, 3), r(4, 4), r(11, 20), r(30, 30)));
    assertEquals(List.of(r(1, 4), r(10, 20), r(30, 30)), s.ranges());
    assertEquals(SeqRanges.EMPTY, new SeqRanges(null));
    assertThrows(IllegalArgumentException.class, () -> r(0, 1));
    assertThrows(IllegalArgumentException.class, () -> r(5, 4));
  }

  @Test
  void unionAndMinus() {
    SeqRanges a = SeqRanges.of(r(1, 10), r(20, 30));
    SeqRanges b = SeqRanges.of(r(5, 6), r(9, 22), r(30, 35));
    assertEquals(SeqRanges.of(r(1, 35)), a.union(b));
    assertEquals(SeqRanges.of(r(1, 4), r(7, 8), r(23, 29)), a.minus(b));
    assertEquals(SeqRanges.of(r(11, 19), r(31, 35)), b.minus(a));
    assertEquals(SeqRanges.EMPTY, a.minus(a));
    assertEquals(a, a.minus(SeqRanges.EMPTY));
    assertEquals(SeqRanges.EMPTY, SeqRanges.EMPTY.minus(a));
    // One cut spanning several ranges, and cuts touching range ends exactly.
    assertEquals(
        SeqRanges.of(r(1, 1), r(40, 40)),
        SeqRanges.of(r(1, 5), r(10, 20), r(30, 40)).minus(SeqRanges.of(r(2, 39))));
    assertEquals(
        SeqRanges.of(r(2, 9)), SeqRanges.of(r(1, 10)).minus(SeqRanges.of(r(1, 1), r(10, 10))));
  }

  @Test
  void clip() {
    SeqRanges s = SeqRanges.of(r(1, 10), r(20, 30), r(40, 50));
    assertEquals(SeqRanges.of(r(5, 10), r(20, 25)), s.clip(5, 25));
    assertEquals(SeqRanges.EMPTY, s.clip(11, 19));
    assertEquals(s, s.clip(1, 100));
    assertEquals(SeqRanges.of(r(30, 30)), s.clip(30, 30));
  }

  @Test
  void contiguousHighestMissingCount() {
    SeqRanges s = SeqRanges.of(r(1, 10), r(15, 15), r(20, 30));
    assertEquals(10, s.contiguous());
    assertEquals(30, s.highest());
    assertEquals(SeqRanges.of(r(11, 14), r(16, 19)), s.missing());
    assertEquals(22, s.count());
    SeqRanges noFirst = SeqRanges.of(r(3, 5));
    assertEquals(0, noFirst.contiguous());
    assertEquals(SeqRanges.of(r(1, 2)), noFirst.missing());
    assertEquals(0, SeqRanges.EMPTY.contiguous());
    assertEquals(0, SeqRanges.EMPTY.highest());
    assertEquals(SeqRanges.EMPTY, SeqRanges.EMPTY.missing());
    assertTrue(SeqRanges.EMPTY.isEmpty());
    assertEquals(SeqRanges.EMPTY, SeqRanges.of(r(1, 7)).missing());
  }

  @Test
  void contains() {
    SeqRanges s = SeqRanges.of(r(1, 3), r(10, 10), r(20, 25), r(100, 200));
    for (long seq : new long[] {1, 2, 3, 10, 20, 25, 100, 150, 200}) {
      assertTrue(s.contains(seq), "contains " + seq);
    }
    for (long seq : new long[] {0, 4, 9, 11, 19, 26, 99, 201, Long.MAX_VALUE}) {
      assertFalse(s.contains(seq), "does not contain " + seq);
    }
    assertFalse(SeqRanges.EMPTY.contains(1));
  }

  @Test
  void jacksonRoundTrip() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    SeqRanges s = SeqRanges.of(r(1, 10), r(15, 15), r(20, 30));
    String json = mapper.writeValueAsString(s);
    assertEquals("{\"ranges\":[{\"from\":1,\"to\":10},{\"from\":15,\"to\":15},{\"from\":20,\"to\":30}]}", json);
    assertEquals(s, mapper.readValue(json, SeqRanges.class));
    assertEquals(SeqRanges.EMPTY, mapper.readValue(mapper.writeValueAsString(SeqRanges.EMPTY), SeqRanges.class));
    // Unnormalized input from elsewhere is normalized on the way in.
    SeqRanges messy = mapper.readValue("{\"ranges\":[{\"from\":5,\"to\":6},{\"from\":1,\"to\":4}]}", SeqRanges.class);
    assertEquals(SeqRanges.of(r(1, 6)), messy);
  }
}

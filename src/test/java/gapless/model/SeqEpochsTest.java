package gapless.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.model.SeqEpochs.Run;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeqEpochsTest {

  private static SeqEpochs of(Run... runs) {
    return new SeqEpochs(List.of(runs));
  }

  @Test
  void anOwnerWritingInOrderMakesOneRunPerEpoch() {
    SeqEpochs e = SeqEpochs.EMPTY;
    for (long seq = 1; seq <= 5; seq++) {
      e = e.with(seq, 1);
    }
    for (long seq = 6; seq <= 8; seq++) {
      e = e.with(seq, 2);
    }
    assertEquals(List.of(new Run(1, 5, 1), new Run(6, 8, 2)), e.runs());
    assertEquals(1, e.epochOf(5));
    assertEquals(2, e.epochOf(6));
    assertEquals(0, e.epochOf(9));
    assertEquals(0, e.epochOf(0));
    assertEquals(2, e.highestEpoch());
  }

  @Test
  void withSplitsARunAndMergesNeighboursAgain() {
    SeqEpochs e = of(new Run(1, 10, 1));
    SeqEpochs split = e.with(5, 3);
    assertEquals(List.of(new Run(1, 4, 1), new Run(5, 5, 3), new Run(6, 10, 1)), split.runs());
    assertEquals(e, split.with(5, 1), "back to one run");
    assertEquals(List.of(new Run(1, 4, 1), new Run(6, 10, 1)), split.with(5, 0).runs(), "0 forgets the seq");
    assertSame(e, e.with(3, 1), "no change");
    assertSame(e, e.with(20, 0), "forgetting what is not there");
    // Out of order: a seq below the runs, and one filling the hole between two runs of the same epoch.
    SeqEpochs holes = of(new Run(3, 4, 2), new Run(6, 7, 2));
    assertEquals(List.of(new Run(3, 7, 2)), holes.with(5, 2).runs());
    assertEquals(List.of(new Run(1, 1, 2), new Run(3, 4, 2), new Run(6, 7, 2)), holes.with(1, 2).runs());
  }

  @Test
  void runsAreNormalisedAndOverlapsRefused() {
    SeqEpochs e = new SeqEpochs(List.of(new Run(6, 8, 1), new Run(1, 5, 1), new Run(9, 9, 2)));
    assertEquals(List.of(new Run(1, 8, 1), new Run(9, 9, 2)), e.runs());
    assertThrows(IllegalArgumentException.class, () -> new SeqEpochs(List.of(new Run(1, 5, 1), new Run(5, 6, 2))));
    assertThrows(IllegalArgumentException.class, () -> new Run(1, 5, 0));
    assertThrows(IllegalArgumentException.class, () -> new Run(5, 4, 1));
    assertEquals(SeqEpochs.EMPTY, new SeqEpochs(null));
    assertTrue(new SeqEpochs(List.of()).isEmpty());
  }

  @Test
  void clipKeepsOnlyTheRange() {
    SeqEpochs e = of(new Run(1, 5, 1), new Run(6, 10, 2), new Run(12, 20, 3));
    assertEquals(List.of(new Run(4, 5, 1), new Run(6, 7, 2)), e.clip(4, 7).runs());
    assertEquals(List.of(new Run(12, 20, 3)), e.clip(11, Long.MAX_VALUE).runs());
    assertEquals(SeqEpochs.EMPTY, e.clip(21, Long.MAX_VALUE));
    assertEquals(SeqEpochs.EMPTY, e.clip(8, 7));
    assertEquals(e, e.clip(0, Long.MAX_VALUE));
  }

  @Test
  void newerThanFindsWhereTheOtherSideIsStale() {
    SeqEpochs mine = of(new Run(1, 5, 1), new Run(6, 10, 3));
    SeqEpochs theirs = of(new Run(1, 7, 1), new Run(8, 8, 4));
    assertEquals(SeqRanges.of(new SeqRange(6, 7), new SeqRange(9, 10)), mine.newerThan(theirs));
    assertEquals(SeqRanges.of(new SeqRange(8, 8)), theirs.newerThan(mine));
    assertEquals(SeqRanges.EMPTY, mine.newerThan(mine));
    assertEquals(SeqRanges.of(new SeqRange(1, 10)), mine.newerThan(SeqEpochs.EMPTY), "anything is newer than 0");
    assertEquals(SeqRanges.EMPTY, SeqEpochs.EMPTY.newerThan(mine));
  }

  @Test
  void mergeTakesTheHigherEpochPerSeq() {
    SeqEpochs a = of(new Run(1, 5, 1), new Run(6, 10, 3));
    SeqEpochs b = of(new Run(4, 7, 2), new Run(12, 12, 1));
    assertEquals(List.of(new Run(1, 3, 1), new Run(4, 5, 2), new Run(6, 10, 3), new Run(12, 12, 1)), a.merge(b).runs());
    assertEquals(a.merge(b), b.merge(a));
    assertEquals(a, a.merge(SeqEpochs.EMPTY));
    assertEquals(a, a.merge(a));
  }

  @Test
  void aRunUpToTheLastSeqIsNotLost() {
    // Its end + 1 wrapped to the lowest long, so the sweep never reached it.
    SeqEpochs top = of(new Run(5, Long.MAX_VALUE, 2));
    assertEquals(SeqRanges.of(new SeqRange(5, Long.MAX_VALUE)), top.newerThan(SeqEpochs.EMPTY));
    assertEquals(top, SeqEpochs.EMPTY.merge(top));
    assertEquals(List.of(new Run(1, 4, 1), new Run(5, Long.MAX_VALUE, 2)), top.merge(of(new Run(1, 9, 1))).runs());
  }

  @Test
  void roundTripsAsJson() throws Exception {
    ObjectMapper json = new ObjectMapper();
    SeqEpochs e = of(new Run(1, 5, 1), new Run(6, 10, 3));
    String text = json.writeValueAsString(e);
    assertEquals("{\"runs\":[{\"from\":1,\"to\":5,\"epoch\":1},{\"from\":6,\"to\":10,\"epoch\":3}]}", text);
    assertEquals(e, json.readValue(text, SeqEpochs.class));
    assertEquals(SeqEpochs.EMPTY, json.readValue("{}", SeqEpochs.class));
    assertEquals(SeqEpochs.EMPTY, json.readValue(json.writeValueAsString(SeqEpochs.EMPTY), SeqEpochs.class));
  }
}

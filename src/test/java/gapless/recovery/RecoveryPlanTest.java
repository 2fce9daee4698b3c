package gapless.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.model.SeqEpochs;
import gapless.model.SeqEpochs.Run;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecoveryPlanTest {

  private static SeqRanges ranges(long... fromTo) {
    List<SeqRange> out = new ArrayList<>();
    for (int i = 0; i < fromTo.length; i += 2) {
      out.add(new SeqRange(fromTo[i], fromTo[i + 1]));
    }
    return new SeqRanges(out);
  }

  /** Sibling holdings in the order they answered. */
  private static Map<String, SeqRanges> siblings(Object... nodeThenRanges) {
    Map<String, SeqRanges> out = new LinkedHashMap<>();
    for (int i = 0; i < nodeThenRanges.length; i += 2) {
      out.put((String) nodeThenRanges[i], (SeqRanges) nodeThenRanges[i + 1]);
    }
    return out;
  }

  private static RecoveryPlan.Assignment task(long from, long to, String... sources) {
    return new RecoveryPlan.Assignment(new SeqRange(from, to), List.of(sources));
  }

  /** What is handed out when every assignment is fetched whole from its source. */
  private static List<RecoveryPlan.Assignment> drain(RecoveryPlan plan) {
    List<RecoveryPlan.Assignment> out = new ArrayList<>();
    for (RecoveryPlan.Next next = plan.take(); next.assignment().isPresent(); next = next.plan().take()) {
      out.add(next.assignment().get());
    }
    return out;
  }

  private static RecoveryPlan takeAll(RecoveryPlan plan) {
    RecoveryPlan.Next next = plan.take();
    while (next.assignment().isPresent()) {
      next = next.plan().take();
    }
    return next.plan();
  }

  @Test
  void emptyGapPlansNothing() {
    RecoveryPlan plan = RecoveryPlan.of(ranges(1, 50), siblings("s2", ranges(11, 50), "s3", ranges(21, 40)), 1000);
    assertTrue(plan.missing().isEmpty());
    assertFalse(plan.hasPending());
    assertTrue(plan.unrecoverable().isEmpty());
    assertTrue(plan.take().assignment().isEmpty());
  }

  @Test
  void oneSiblingServesEveryHoleOfTheLocalReplica() {
    RecoveryPlan plan = RecoveryPlan.of(ranges(1, 10, 21, 30), siblings("s2", ranges(11, 60)), 1000);
    assertEquals(ranges(11, 20, 31, 60), plan.missing());
    // Nothing the replica holds is fetched: 21..30 is skipped.
    assertEquals(List.of(task(11, 20, "s2"), task(31, 60, "s2")), drain(plan));
    assertTrue(plan.unrecoverable().isEmpty());
  }

  @Test
  void twoSiblingsWithDifferentHoldingsServeWhatTheyHoldWholeTakingTurns() {
    // s2 lacks 15 and 41..50, s3 lacks 11..14.
    RecoveryPlan plan = RecoveryPlan.of(ranges(1, 10),
        siblings("s2", ranges(11, 14, 16, 40, 51, 60), "s3", ranges(15, 60)), 10);
    assertEquals(ranges(11, 60), plan.missing());
    assertEquals(List.of("s2", "s3"), plan.holders(new SeqRange(21, 30)));
    assertEquals(List.of("s3"), plan.holders(new SeqRange(41, 50)));
    assertEquals(List.of(
            // Nobody holds 11..20 whole: cut along what each holds.
            task(11, 14, "s2"), task(15, 15, "s3"), task(16, 20, "s2", "s3"),
            // Held whole by both: the preferred source rotates.
            task(21, 30, "s2", "s3"), task(31, 40, "s3", "s2"),
            task(41, 50, "s3"),
            task(51, 60, "s3", "s2")),
        drain(plan));
    assertTrue(takeAll(plan).unrecoverable().isEmpty());
  }

  @Test
  void aRangeNobodyHoldsIsUnrecoverableAndNeverFetched() {
    // 21..30 is on neither sibling; 12 is a hole of the local replica no sibling has either.
    // 41..49 is above all the siblings hold: still on its way to them, not lost.
    RecoveryPlan plan = RecoveryPlan.of(ranges(1, 10, 13, 13, 50, 55),
        siblings("s2", ranges(11, 11, 14, 20), "s3", ranges(31, 40)), 1000);
    assertEquals(ranges(11, 11, 14, 20, 31, 40), plan.missing());
    assertEquals(ranges(12, 12, 21, 30), plan.unrecoverable());
    assertEquals(List.of(task(11, 11, "s2"), task(14, 20, "s2"), task(31, 40, "s3")), drain(plan));
  }

  @Test
  void aSourceDroppedMidSliceLeavesTheRestToAnotherHolder() {
    RecoveryPlan plan = RecoveryPlan.of(ranges(1, 10), siblings("s2", ranges(11, 30), "s3", ranges(11, 30)), 10);
    RecoveryPlan.Next first = plan.take();
    assertEquals(task(11, 20, "s2", "s3"), first.assignment().orElseThrow());
    // s2 delivered 11..14, then went silent.
    RecoveryPlan after = first.plan().drop(first.assignment().get(), 15);
    assertEquals(List.of("s3"), after.holders(new SeqRange(15, 20)));
    // The rest comes first; the next slice preferred s3 anyway, and never goes to s2 again.
    assertEquals(List.of(task(15, 20, "s3"), task(21, 30, "s3")), drain(after));
    assertTrue(takeAll(after).unrecoverable().isEmpty());
  }

  @Test
  void aDroppedSoleHolderLeavesItsRestUnrecoverableAndPartsGoToWhoeverHoldsThem() {
    RecoveryPlan plan = RecoveryPlan.of(SeqRanges.EMPTY, siblings("s2", ranges(1, 20), "s3", ranges(11, 15)), 10);
    RecoveryPlan.Next first = plan.take();
    assertEquals(task(1, 10, "s2"), first.assignment().orElseThrow());
    RecoveryPlan after = first.plan().drop(first.assignment().get(), 4);
    // 4..10 only s2 had; of 11..20, which only s2 held whole, s3 still serves 11..15.
    assertEquals(List.of(task(11, 15, "s3")), drain(after));
    assertEquals(ranges(4, 10, 16, 20), takeAll(after).unrecoverable());
  }

  /** Recoveries of one slice each, starting at different turns, prefer different siblings. */
  @Test
  void theFirstTurnChoosesWhichSiblingServesFirst() {
    Map<String, SeqRanges> held = siblings("s2", ranges(1, 30), "s3", ranges(1, 30));
    for (int turn = 0; turn < 4; turn++) {
      RecoveryPlan plan = RecoveryPlan.of(ranges(1, 10), SeqEpochs.EMPTY, held, Map.of(), 1000, turn);
      assertEquals(turn % 2 == 0 ? List.of("s2", "s3") : List.of("s3", "s2"), plan.take().assignment().orElseThrow().sources(),
          "turn " + turn);
    }
  }

  @Test
  void slicesAreAtMostTheSizeLimit() {
    RecoveryPlan plan = RecoveryPlan.of(SeqRanges.EMPTY, siblings("s2", ranges(1, 2001)), 1000);
    assertEquals(List.of(task(1, 1000, "s2"), task(1001, 2000, "s2"), task(2001, 2001, "s2")), drain(plan));
    RecoveryPlan exact = RecoveryPlan.of(ranges(1, 1), siblings("s2", ranges(1, 1001)), 1000);
    assertEquals(List.of(task(2, 1001, "s2")), drain(exact));
  }

  @Test
  void aCollectorStoppedIntervalIsNeverFetchedOnlyItsStatusBatches() {
    // Seq 8 is the collector's STOPPED status batch and 9 its RUNNING one: the hours between them
    // have no seqs, so the plan asks for exactly the batches, status batches included.
    RecoveryPlan plan = RecoveryPlan.of(ranges(1, 5), siblings("s2", ranges(6, 20)), 1000);
    assertEquals(15, plan.missing().count());
    assertEquals(List.of(task(6, 20, "s2")), drain(plan));
    assertTrue(plan.unrecoverable().isEmpty());
  }

  private static SeqEpochs epochs(Run... runs) {
    return new SeqEpochs(List.of(runs));
  }

  @Test
  void aSeqHeldUnderAnOlderEpochIsFetchedFromASiblingWithTheNewestOne() {
    // This replica holds 1..10 and lacks 11..12; its 6..7 were written by epoch 1, which epoch 3
    // replaced on s3 (s2 has epoch 2 for 6, a replacement of its own, and the old 7).
    SeqRanges local = ranges(1, 10);
    SeqEpochs own = epochs(new Run(1, 10, 1));
    Map<String, SeqRanges> held = siblings("s2", ranges(6, 12), "s3", ranges(6, 12));
    Map<String, SeqEpochs> theirs = Map.of(
        "s2", epochs(new Run(6, 6, 2), new Run(7, 12, 1)),
        "s3", epochs(new Run(6, 7, 3), new Run(8, 10, 1), new Run(11, 12, 3)));
    RecoveryPlan plan = RecoveryPlan.of(local, own, held, theirs, 1000);
    assertEquals(ranges(6, 7), plan.stale());
    assertEquals(ranges(6, 7, 11, 12), plan.missing());
    assertEquals(List.of("s3"), plan.holders(new SeqRange(6, 7)), "only the newest epoch serves a stale seq");
    assertEquals(List.of("s2", "s3"), plan.holders(new SeqRange(11, 12)), "a lacking seq is served by any holder, as before");
    assertEquals(List.of(task(6, 7, "s3"), task(11, 12, "s3", "s2")), drain(plan), "the preferred source rotates");
    assertTrue(takeAll(plan).unrecoverable().isEmpty());
  }

  @Test
  void theSameEpochOrAnOlderOneAtTheSiblingsIsNotStale() {
    SeqRanges local = ranges(1, 10);
    RecoveryPlan plan = RecoveryPlan.of(local, epochs(new Run(1, 5, 2), new Run(6, 10, 3)),
        siblings("s2", ranges(1, 10)), Map.of("s2", epochs(new Run(1, 10, 2))), 1000);
    assertTrue(plan.stale().isEmpty());
    assertFalse(plan.hasPending());
  }

  @Test
  void withoutEpochsThePlanIsTheOneBeforeEpochs() {
    SeqRanges local = ranges(1, 10, 13, 13, 50, 55);
    Map<String, SeqRanges> held = siblings("s2", ranges(11, 11, 14, 20), "s3", ranges(11, 40));
    RecoveryPlan before = RecoveryPlan.of(local, held, 5);
    RecoveryPlan legacy = RecoveryPlan.of(local, SeqEpochs.EMPTY, held, Map.of("s2", SeqEpochs.EMPTY), 5);
    assertEquals(before.toString(), legacy.toString());
    assertEquals(drain(before), drain(legacy));
    assertTrue(legacy.stale().isEmpty());
  }
}

package gapless.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.model.SeqEpochs;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.replica.ReplicaProtocol.RangeDigest;
import gapless.store.StoredBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScrubVerdictTest {

  private static final long M = StoredBatch.MISSING;
  private static final long D = StoredBatch.DAMAGED;

  private static RangeDigest states(String node, SeqEpochs epochs, Long... states) {
    return new RangeDigest(node, "c", 10, 10 + states.length - 1, 0, List.of(states), epochs, 0, null);
  }

  private static RangeDigest states(String node, Long... states) {
    return states(node, SeqEpochs.EMPTY, states);
  }

  @Test
  void sameCopiesEverywhereAreClean() {
    ScrubVerdict v = ScrubVerdict.of(states("s1", 1L, 2L, 3L), List.of(states("s2", 1L, 2L, 3L), states("s3", 1L, 2L, 3L)), 3);
    assertTrue(v.clean());
  }

  @Test
  void missingAndDamagedCopiesAreTakenFromSiblingsThatHoldAnIntactOne() {
    ScrubVerdict v = ScrubVerdict.of(states("s1", M, D, 3L), List.of(states("s2", 1L, 2L, 3L), states("s3", 1L, D, 3L)), 3);
    assertEquals(List.of(new ScrubVerdict.Repair(10, M, 1, List.of("s2", "s3"), "missing"),
        new ScrubVerdict.Repair(11, D, 2, List.of("s2"), "damaged")), v.repairs());
    assertEquals(SeqRanges.of(new SeqRange(10, 11)), v.divergent());
    assertEquals("seq 10 missing; seq 11 damaged", v.detail());
  }

  @Test
  void anIntactCopyIsReplacedOnlyByOneAMajorityOfTheSetHolds() {
    // 5 vs 2 siblings holding 7: outvoted. 6: the siblings disagree, nobody has a majority.
    ScrubVerdict v = ScrubVerdict.of(states("s1", 5L, 6L), List.of(states("s2", 7L, 8L), states("s3", 7L, 9L)), 3);
    assertEquals(List.of(new ScrubVerdict.Repair(10, 5, 7, List.of("s2", "s3"), "unlike the copy of s2,s3")), v.repairs());
    // With one sibling answering (or RF 2), one copy against another decides nothing.
    assertTrue(ScrubVerdict.of(states("s1", 5L), List.of(states("s2", 7L)), 3).clean());
    assertTrue(ScrubVerdict.of(states("s1", 5L), List.of(states("s2", 7L)), 2).clean());
  }

  @Test
  void copiesOfAnotherEpochAreNeverComparedAndTheNewestEpochFillsAHole() {
    SeqEpochs newer = new SeqEpochs(List.of(new SeqEpochs.Run(10, 11, 2)));
    // s1's intact copy of epoch 0 against epoch 2's: that is stale content, recovery's job.
    ScrubVerdict stale = ScrubVerdict.of(states("s1", 5L, M),
        List.of(states("s2", newer, 7L, 8L), states("s3", newer, 7L, 8L), states("s4", 5L, 9L)), 4);
    // The missing seq 11 takes epoch 2's copy, though s4 holds another of epoch 0.
    assertEquals(List.of(new ScrubVerdict.Repair(11, M, 8, List.of("s2", "s3"), "missing")), stale.repairs());
  }

  @Test
  void aSeqNoSiblingHoldsIntactIsUnrepairable() {
    ScrubVerdict v = ScrubVerdict.of(states("s1", D, 2L), List.of(states("s2", D, 2L), states("s3", M, 2L)), 3);
    assertTrue(v.repairs().isEmpty());
    assertEquals(SeqRanges.of(new SeqRange(10, 10)), v.unrepairable());
    assertEquals("no intact copy of " + SeqRanges.of(new SeqRange(10, 10)) + " on any sibling that answered", v.detail());
  }
}

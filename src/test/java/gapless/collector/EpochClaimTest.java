package gapless.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gapless.collector.EpochClaim.Decision;
import gapless.model.SeqEpochs;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.replica.ReplicaProtocol.EpochClaimed;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EpochClaimTest {

  private static EpochClaimed granted(String node, long epoch, SeqRanges held) {
    return new EpochClaimed(node, "c", epoch, true, epoch, held, SeqEpochs.EMPTY, 0);
  }

  @Test
  void waitsForEveryoneAskedThenGrantsWithAReadQuorum() {
    EpochClaim claim = new EpochClaim(4, Set.of("s1", "s2", "s3"), 2);
    claim.answer(granted("s1", 4, SeqRanges.of(new SeqRange(1, 10))));
    assertEquals(Decision.WAITING, claim.decide(false));
    claim.answer(granted("s2", 4, SeqRanges.of(new SeqRange(1, 8), new SeqRange(12, 12))));
    assertEquals(Decision.WAITING, claim.decide(false), "s3 may still answer");
    assertEquals(Decision.GRANTED, claim.decide(true));
    assertEquals(13, claim.firstSeq());
    assertEquals(SeqRanges.of(new SeqRange(11, 11)), claim.holes());
    assertEquals(List.of("s1", "s2"), claim.grantedBy());
  }

  @Test
  void isShortBelowTheReadQuorumAndOutbidByANewerPromise() {
    EpochClaim shortClaim = new EpochClaim(1, Set.of("s1", "s2"), 2);
    shortClaim.answer(granted("s1", 1, SeqRanges.EMPTY));
    assertEquals(Decision.SHORT, shortClaim.decide(true));

    EpochClaim outbid = new EpochClaim(1, Set.of("s1", "s2"), 2);
    outbid.answer(granted("s1", 1, SeqRanges.EMPTY));
    outbid.answer(new EpochClaimed("s2", "c", 1, false, 9, SeqRanges.EMPTY, SeqEpochs.EMPTY, 0));
    assertEquals(Decision.OUTBID, outbid.decide(false));
    assertEquals(10, outbid.nextEpoch());
  }

  @Test
  void ignoresAnswersOfAnotherRoundOrANodeNotAsked() {
    EpochClaim claim = new EpochClaim(5, Set.of("s1", "s2"), 2);
    claim.answer(granted("s1", 4, SeqRanges.EMPTY));
    claim.answer(granted("s9", 5, SeqRanges.EMPTY));
    assertEquals(Decision.SHORT, claim.decide(true));
  }

  @Test
  void theHistoryTakesEachSeqsNewestEpoch() {
    EpochClaim claim = new EpochClaim(9, Set.of("s1", "s2"), 2);
    claim.answer(new EpochClaimed("s1", "c", 9, true, 9, SeqRanges.of(new SeqRange(1, 4)),
        new SeqEpochs(List.of(new SeqEpochs.Run(1, 4, 2))), 7000));
    claim.answer(new EpochClaimed("s2", "c", 9, true, 9, SeqRanges.of(new SeqRange(1, 4)),
        new SeqEpochs(List.of(new SeqEpochs.Run(1, 2, 2), new SeqEpochs.Run(3, 4, 5))), 9000));
    assertEquals(new SeqEpochs(List.of(new SeqEpochs.Run(1, 2, 2), new SeqEpochs.Run(3, 4, 5))), claim.epochs());
    assertEquals(9000, claim.newestAcceptedAt(), "the latest batch any replica that promised holds");
  }

  @Test
  void aReplicaThatDidNotPromiseSaysNothingOfItsBatches() {
    EpochClaim claim = new EpochClaim(9, Set.of("s1", "s2"), 1);
    claim.answer(new EpochClaimed("s1", "c", 9, true, 9, SeqRanges.EMPTY, SeqEpochs.EMPTY, 0));
    claim.answer(new EpochClaimed("s2", "c", 9, false, 12, SeqRanges.of(new SeqRange(1, 4)), SeqEpochs.EMPTY, 9000));
    assertEquals(0, claim.newestAcceptedAt());
  }
}

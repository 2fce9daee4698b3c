package gapless.collector;

import gapless.model.SeqEpochs;
import gapless.model.SeqRanges;
import gapless.replica.ReplicaProtocol.EpochClaimed;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One round of a new owner's claim of a collector: the answers of the replicas asked to promise
 * {@code epoch}, and what follows from them. Pure, so the quorum rules are tested without actors.
 *
 * <p>Why a read quorum makes the seqs safe: a 200 means W replicas hold the batch, and any
 * {@code R = RF - W + 1} replicas include at least one of those W. So once R replicas promised the
 * new epoch (no write of an older owner lands there any more) the highest seq they hold, or are
 * writing, is at least every seq ever acknowledged, and the new owner starts above it. A seq below
 * it that none of them holds was never acknowledged with 200: the new owner writes an empty batch
 * there under its epoch ({@link #holes()}), which replaces whatever an older owner left at that
 * seq on a replica that was away, so the collector's seqs stay without holes.
 */
final class EpochClaim {

  /** What the round decided. */
  enum Decision {
    /** Fewer answers than asked, and no timeout yet. */
    WAITING,
    /** At least R replicas promised this epoch and none promised a newer one. */
    GRANTED,
    /** A replica promised a newer epoch: claim again above it. */
    OUTBID,
    /** Fewer than R replicas promised: the collector cannot take seqs safely now. */
    SHORT
  }

  private final long epoch;
  private final Set<String> asked;
  private final int readQuorum;
  private final Map<String, EpochClaimed> answers = new HashMap<>();

  EpochClaim(long epoch, Set<String> asked, int readQuorum) {
    this.epoch = epoch;
    this.asked = Set.copyOf(asked);
    this.readQuorum = readQuorum;
  }

  long epoch() {
    return epoch;
  }

  /** Records an answer; one of another round or a node not asked is ignored. */
  void answer(EpochClaimed a) {
    if (a.epoch() == epoch && asked.contains(a.node())) {
      answers.putIfAbsent(a.node(), a);
    }
  }

  /** The decision now; {@code timedOut} once the round's time is up. */
  Decision decide(boolean timedOut) {
    if (answers.values().stream().anyMatch(a -> !a.granted())) {
      return Decision.OUTBID;
    }
    if (answers.size() < asked.size() && !timedOut) {
      return Decision.WAITING;
    }
    return granted() >= readQuorum ? Decision.GRANTED : Decision.SHORT;
  }

  /** The epoch to claim next: above every promise seen. */
  long nextEpoch() {
    return Math.max(epoch, answers.values().stream().mapToLong(EpochClaimed::promisedEpoch).max().orElse(0)) + 1;
  }

  /** The nodes that promised, sorted. */
  List<String> grantedBy() {
    return answers.values().stream().filter(EpochClaimed::granted).map(EpochClaimed::node).sorted().toList();
  }

  long granted() {
    return answers.values().stream().filter(EpochClaimed::granted).count();
  }

  /** What the replicas that promised hold (or are writing), together. */
  SeqRanges held() {
    SeqRanges held = SeqRanges.EMPTY;
    for (EpochClaimed a : answers.values()) {
      if (a.granted()) {
        held = held.union(a.held());
      }
    }
    return held;
  }

  /** Per seq, the newest epoch any replica that promised holds it with. */
  SeqEpochs epochs() {
    SeqEpochs epochs = SeqEpochs.EMPTY;
    for (EpochClaimed a : answers.values()) {
      if (a.granted()) {
        epochs = epochs.merge(a.epochs());
      }
    }
    return epochs;
  }

  /**
   * The latest time (epoch ms) a batch held or being written on a replica that promised was first
   * accepted; 0 when they hold none. A key whose batch got a 200 is on one of them (the same
   * quorum argument as for the seqs), so no owner before this one gave a key to a batch accepted
   * later than this.
   */
  long newestAcceptedAt() {
    return answers.values().stream().filter(EpochClaimed::granted).mapToLong(EpochClaimed::newestAcceptedAt).max().orElse(0);
  }

  /** The first seq the new owner gives out. */
  long firstSeq() {
    return held().highest() + 1;
  }

  /** Seqs below {@link #firstSeq()} that no replica that promised holds. */
  SeqRanges holes() {
    return held().missing();
  }
}

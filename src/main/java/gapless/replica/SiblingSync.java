package gapless.replica;

import gapless.config.GaplessSettings;
import gapless.model.SeqEpochs;
import gapless.model.SeqRanges;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A replica's bookkeeping toward its siblings, without the messaging: when to report its own
 * contiguous seq, which confirmed seq is worth persisting, and when staying behind a sibling means
 * a hole that needs a recovery. Times are passed in (epoch ms) so the rules are tested without a
 * clock. Not thread-safe: used from the replica's actor only; nothing here is persisted.
 */
final class SiblingSync {

  /**
   * @param confirmEverySeqs   persist a confirmed seq once it advanced this far ...
   * @param confirmMaxDelayMs  ... or once it advanced at all and this long passed since the last one
   * @param heartbeatTicks     report an unchanged contiguous seq again after this many sync ticks
   * @param lagTicks           ask for recovery after staying behind a sibling this many sync ticks
   */
  record Rules(int confirmEverySeqs, long confirmMaxDelayMs, int heartbeatTicks, int lagTicks) {
    static Rules of(GaplessSettings.ReplicaSettings s) {
      return new Rules(s.confirmEverySeqs(), s.confirmMaxDelay().toMillis(), s.heartbeatIntervals(), s.lagIntervals());
    }
  }

  /**
   * What a sibling's report leads to: a confirmed seq worth persisting, and the first seq this
   * replica holds under an older epoch than the sibling (stale content, to be recovered), with the
   * two epochs.
   */
  record Reported(OptionalLong confirm, OptionalLong staleSeq, long ownEpoch, long peerEpoch) {
    static Reported confirming(OptionalLong confirm) {
      return new Reported(confirm, OptionalLong.empty(), 0, 0);
    }
  }

  private final Rules rules;
  private final long startedAt;
  private final Map<String, Long> peerContiguous = new HashMap<>();
  private final Map<String, Long> lastConfirmPersisted = new HashMap<>();
  private long lastSentContiguous = -1;
  private int ticksSinceSent;
  private long behindTarget;
  private int behindTicks;

  SiblingSync(Rules rules, long startedAt) {
    this.rules = rules;
    this.startedAt = startedAt;
  }

  /**
   * One sync tick: should this replica report {@code contiguous} to its siblings now? Yes when it
   * changed since the last report, or as a heartbeat; never before it holds anything.
   */
  boolean statusDue(long contiguous) {
    ticksSinceSent++;
    if (contiguous > 0 && (contiguous != lastSentContiguous || ticksSinceSent >= rules.heartbeatTicks())) {
      lastSentContiguous = contiguous;
      ticksSinceSent = 0;
      return true;
    }
    return false;
  }

  /**
   * One sync tick: the sibling's contiguous seq to recover up to, when this replica stayed behind
   * it for {@code lagTicks} ticks. Live writes in flight never stay behind that long, a hole does.
   * While a recovery runs the count starts over.
   */
  OptionalLong behindSibling(long contiguous, boolean recovering) {
    if (recovering || contiguous >= behindTarget) {
      long maxPeer = maxPeerContiguous();
      behindTarget = maxPeer > contiguous ? maxPeer : 0;
      behindTicks = 0;
      return OptionalLong.empty();
    }
    if (++behindTicks >= rules.lagTicks()) {
      long target = behindTarget;
      behindTarget = 0;
      behindTicks = 0;
      return OptionalLong.of(target);
    }
    return OptionalLong.empty();
  }

  /**
   * A sibling reported it holds {@code 1..peerContiguous}, with {@code peerEpochs} the epochs of
   * its seqs after what it confirmed with this replica. Both sides hold the smaller contiguous seq;
   * but a seq there that the sibling holds under a newer epoch than this replica is stale here, so
   * only the seqs below the first such one are both sides' history. Returns the confirmed seq when
   * it is worth persisting (throttled, so the journal does not grow by an event per batch; a
   * persisted confirmed seq only ever lags the truth), and the first stale seq, if any.
   *
   * @param persisted the confirmed seq with this sibling already in the journal
   */
  Reported siblingReported(String peer, long peerContiguous, SeqEpochs peerEpochs, long ownContiguous,
      SeqEpochs ownEpochs, long persisted, long now) {
    this.peerContiguous.put(peer, peerContiguous);
    long confirmed = Math.min(ownContiguous, peerContiguous);
    SeqRanges stale = peerEpochs.clip(persisted + 1, confirmed).newerThan(ownEpochs);
    if (!stale.isEmpty()) {
      long first = stale.ranges().get(0).from();
      OptionalLong confirm = first - 1 > persisted ? OptionalLong.of(first - 1) : OptionalLong.empty();
      confirm.ifPresent(c -> lastConfirmPersisted.put(peer, now));
      return new Reported(confirm, OptionalLong.of(first), ownEpochs.epochOf(first), peerEpochs.epochOf(first));
    }
    long lastAt = lastConfirmPersisted.getOrDefault(peer, startedAt);
    boolean due = confirmed - persisted >= rules.confirmEverySeqs()
        || (confirmed > persisted && now - lastAt >= rules.confirmMaxDelayMs());
    if (!due) {
      return Reported.confirming(OptionalLong.empty());
    }
    lastConfirmPersisted.put(peer, now);
    return Reported.confirming(OptionalLong.of(confirmed));
  }

  /** Seqs {@code contiguous} is behind the furthest sibling's last report. */
  long lag(long contiguous) {
    return Math.max(0, maxPeerContiguous() - contiguous);
  }

  /** Each sibling's last reported contiguous seq. */
  Map<String, Long> peers() {
    return Map.copyOf(peerContiguous);
  }

  private long maxPeerContiguous() {
    return peerContiguous.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }
}

package gapless.scrub;

import gapless.model.SeqEpochs;
import gapless.model.SeqRanges;
import gapless.replica.ReplicaProtocol.RangeDigest;
import gapless.store.StoredBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one scrubbed window comes to for this node's replica, from every replica's per-seq states:
 * which of its own seqs to repair, each with the copy to fetch and the siblings that hold it, and
 * which it cannot. Pure, so the rules are tested plainly.
 *
 * <p>The rules. A copy is only compared with copies of its own owner epoch: a newer epoch's
 * content is the collector's history and comes through recovery ({@code STALE_EPOCH}), never
 * through a scrub. A missing or damaged copy takes the intact copy most siblings of the newest
 * epoch hold. An intact copy is replaced only by one that a majority of the whole replica set
 * holds (2 of 3): two siblings that disagree with each other and with it decide nothing.
 *
 * @param repairs       this replica's seqs to repair, in seq order
 * @param unrepairable  seqs wrong here that no sibling holds an intact copy of
 */
record ScrubVerdict(List<Repair> repairs, SeqRanges unrepairable) {

  /**
   * One seq to repair: the store showed {@code seen} ({@link StoredBatch}), the good copy has
   * {@code checksum} and is held by {@code sources}; {@code why} says what was wrong.
   */
  record Repair(long seq, long seen, long checksum, List<String> sources, String why) {}

  /** How many seqs a line of detail names before it only counts the rest. */
  private static final int DETAIL_SEQS = 5;

  /**
   * @param own          this replica's answer (with states)
   * @param siblings     the siblings' answers (with states) that came in time
   * @param replicaSet   how many replicas the collector has (the majority is of this many)
   */
  static ScrubVerdict of(RangeDigest own, Collection<RangeDigest> siblings, int replicaSet) {
    List<Repair> repairs = new ArrayList<>();
    SeqRanges unrepairable = SeqRanges.EMPTY;
    for (int i = 0; i < own.states().size(); i++) {
      long seq = own.fromSeq() + i;
      long mine = own.states().get(i);
      long epoch = epochOf(own.epochs(), seq);
      if (StoredBatch.isIntact(mine)) {
        Map<Long, List<String>> copies = intactCopies(siblings, seq, epoch);
        for (Map.Entry<Long, List<String>> c : copies.entrySet()) {
          if (c.getKey() != mine && 2 * c.getValue().size() > replicaSet) {
            repairs.add(new Repair(seq, mine, c.getKey(), c.getValue(),
                "unlike the copy of " + String.join(",", c.getValue())));
          }
        }
        continue;
      }
      long newest = siblings.stream().filter(d -> StoredBatch.isIntact(stateOf(d, seq)))
          .mapToLong(d -> epochOf(d.epochs(), seq)).max().orElse(-1);
      Map.Entry<Long, List<String>> best = intactCopies(siblings, seq, newest).entrySet().stream()
          .max((a, b) -> Integer.compare(a.getValue().size(), b.getValue().size())).orElse(null);
      if (best == null) {
        unrepairable = unrepairable.add(seq);
      } else {
        repairs.add(new Repair(seq, mine, best.getKey(), best.getValue(), StoredBatch.describe(mine)));
      }
    }
    return new ScrubVerdict(List.copyOf(repairs), unrepairable);
  }

  /** Nothing wrong here. */
  boolean clean() {
    return repairs.isEmpty() && unrepairable.isEmpty();
  }

  /** The seqs found wrong, repairable or not. */
  SeqRanges divergent() {
    SeqRanges all = unrepairable;
    for (Repair r : repairs) {
      all = all.add(r.seq());
    }
    return all;
  }

  /** What was wrong with which seqs, the first few by name. */
  String detail() {
    List<String> parts = new ArrayList<>();
    for (Repair r : repairs.subList(0, Math.min(DETAIL_SEQS, repairs.size()))) {
      parts.add("seq " + r.seq() + " " + r.why());
    }
    if (repairs.size() > DETAIL_SEQS) {
      parts.add((repairs.size() - DETAIL_SEQS) + " more");
    }
    if (!unrepairable.isEmpty()) {
      parts.add("no intact copy of " + unrepairable + " on any sibling that answered");
    }
    return String.join("; ", parts);
  }

  /** The siblings' intact copies of {@code seq} written under {@code epoch}, by checksum. */
  private static Map<Long, List<String>> intactCopies(Collection<RangeDigest> siblings, long seq, long epoch) {
    Map<Long, List<String>> copies = new TreeMap<>();
    for (RangeDigest d : siblings) {
      long state = stateOf(d, seq);
      if (StoredBatch.isIntact(state) && epochOf(d.epochs(), seq) == epoch) {
        copies.computeIfAbsent(state, k -> new ArrayList<>()).add(d.node());
      }
    }
    return copies;
  }

  private static long stateOf(RangeDigest d, long seq) {
    long i = seq - d.fromSeq();
    return i >= 0 && i < d.states().size() ? d.states().get((int) i) : StoredBatch.MISSING;
  }

  private static long epochOf(SeqEpochs epochs, long seq) {
    return epochs == null ? 0 : epochs.epochOf(seq);
  }
}

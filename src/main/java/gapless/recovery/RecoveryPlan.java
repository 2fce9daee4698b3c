package gapless.recovery;

import gapless.model.SeqEpochs;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one recovery must fetch and from whom; immutable, every step returns a new plan.
 *
 * <p>Missing = the union of what the siblings hold minus what this replica holds. It is cut into
 * slices of at most {@code sliceSeqs} seqs, each with the siblings that hold all of it, the
 * preferred one rotating from slice to slice so every sibling serves. A slice no sibling holds
 * whole is cut again along what each holds. A collector-stopped interval has no seqs (the
 * collector sent nothing), so it never shows as missing; only its status batches are, like any
 * batch.
 *
 * <p>The siblings' holdings are what each holds after the seq it confirmed with this replica, so
 * this replica holds everything below that. A seq below the highest one a sibling holds that no
 * sibling holds and this replica lacks, and the rest of a slice whose sources were all dropped,
 * are {@link #unrecoverable()}: the recovery cannot be complete.
 *
 * <p>Besides what it lacks, a replica fetches its {@link #stale()} seqs: seqs it holds that a
 * sibling holds under a newer owner epoch (a newer owner replaced them; storing the fetched copy
 * replaces them here too). A stale seq is served only by the siblings holding it under the newest
 * epoch any sibling has for it. Where no epochs are known (all 0) nothing is stale, and the plan
 * is what it was before epochs.
 */
public final class RecoveryPlan {

  /** A range to fetch, and the siblings that hold all of it, preferred first. */
  public record Slice(SeqRange range, List<String> sources) {
    public Slice {
      sources = List.copyOf(sources);
    }
  }

  /** A range to fetch now from {@code source}; {@code sources} are its usable holders, source first. */
  public record Assignment(SeqRange range, List<String> sources) {
    public Assignment {
      sources = List.copyOf(sources);
    }

    public String source() {
      return sources.get(0);
    }
  }

  /** The result of {@link #take()}: what to fetch next (if anything) and the plan after that. */
  public record Next(Optional<Assignment> assignment, RecoveryPlan plan) {}

  // Per sibling, what it serves: what it holds that this replica lacks, and the stale seqs it holds newest.
  private final Map<String, SeqRanges> holdings;
  private final SeqRanges missing;
  private final SeqRanges stale;
  private final List<Slice> pending;
  private final Set<String> dropped;
  private final SeqRanges unrecoverable;

  private RecoveryPlan(Map<String, SeqRanges> holdings, SeqRanges missing, SeqRanges stale, List<Slice> pending,
      Set<String> dropped, SeqRanges unrecoverable) {
    this.holdings = holdings;
    this.missing = missing;
    this.stale = stale;
    this.pending = pending;
    this.dropped = dropped;
    this.unrecoverable = unrecoverable;
  }

  /**
   * Plans the recovery of a replica holding {@code local} from siblings holding {@code siblings}
   * (by node id, in the order they answered).
   */
  public static RecoveryPlan of(SeqRanges local, Map<String, SeqRanges> siblings, long sliceSeqs) {
    return of(local, SeqEpochs.EMPTY, siblings, Map.of(), sliceSeqs);
  }

  /**
   * Plans the recovery as above, also fetching the seqs this replica holds under an older epoch
   * ({@code localEpochs}) than a sibling ({@code siblingEpochs}, by node id; a sibling not listed
   * knows no epochs).
   */
  public static RecoveryPlan of(SeqRanges local, SeqEpochs localEpochs, Map<String, SeqRanges> siblings,
      Map<String, SeqEpochs> siblingEpochs, long sliceSeqs) {
    return of(local, localEpochs, siblings, siblingEpochs, sliceSeqs, 0);
  }

  /**
   * As above, the first slice preferring the holder at {@code firstTurn} (modulo their number): a
   * node's recoveries each start at another sibling (a gap of one slice is served by one sibling
   * only, and every recovery starting at the same one left the others idle).
   */
  public static RecoveryPlan of(SeqRanges local, SeqEpochs localEpochs, Map<String, SeqRanges> siblings,
      Map<String, SeqEpochs> siblingEpochs, long sliceSeqs, int firstTurn) {
    if (sliceSeqs < 1) {
      throw new IllegalArgumentException("slice size must be at least 1, was " + sliceSeqs);
    }
    SeqRanges union = SeqRanges.EMPTY;
    SeqEpochs newest = SeqEpochs.EMPTY;
    for (Map.Entry<String, SeqRanges> e : siblings.entrySet()) {
      union = union.union(e.getValue());
      newest = newest.merge(siblingEpochs.getOrDefault(e.getKey(), SeqEpochs.EMPTY));
    }
    SeqRanges stale = newest.newerThan(localEpochs).intersect(local).intersect(union);
    Map<String, SeqRanges> serves = new LinkedHashMap<>();
    for (Map.Entry<String, SeqRanges> e : siblings.entrySet()) {
      SeqRanges olderThanNewest = newest.newerThan(siblingEpochs.getOrDefault(e.getKey(), SeqEpochs.EMPTY));
      SeqRanges held = e.getValue();
      serves.put(e.getKey(), held.minus(local).union(stale.intersect(held).minus(olderThanNewest)));
    }
    Map<String, SeqRanges> holdings = Collections.unmodifiableMap(serves);
    SeqRanges missing = union.minus(local).union(stale);
    // Only up to what the siblings hold: seqs above that which this replica lacks are still on
    // their way to every replica (the live path brings them), not lost.
    long highest = union.highest();
    SeqRanges nobody = highest == 0 ? SeqRanges.EMPTY : SeqRanges.of(new SeqRange(1, highest)).minus(local).minus(union);
    RecoveryPlan empty = new RecoveryPlan(holdings, missing, stale, List.of(), Set.of(), nobody);
    List<Slice> slices = new ArrayList<>();
    int turn = Math.max(0, firstTurn);
    for (SeqRange r : missing.ranges()) {
      for (long from = r.from(); from <= r.to(); from += sliceSeqs) {
        SeqRange slice = new SeqRange(from, Math.min(r.to(), from + sliceSeqs - 1));
        List<String> whole = empty.holders(slice);
        if (whole.isEmpty()) {
          slices.addAll(empty.cutAlongHoldings(slice));
        } else {
          slices.add(new Slice(slice, rotate(whole, turn++)));
        }
      }
    }
    return new RecoveryPlan(holdings, missing, stale, List.copyOf(slices), Set.of(), nobody);
  }

  /** What this replica fetches: what it lacks that some sibling holds, and its {@link #stale()} seqs. */
  public SeqRanges missing() {
    return missing;
  }

  /** Seqs this replica holds that a sibling holds under a newer epoch: fetched to replace them. */
  public SeqRanges stale() {
    return stale;
  }

  /** Seqs this replica lacks that no usable sibling holds. */
  public SeqRanges unrecoverable() {
    return unrecoverable;
  }

  /** Slices not yet handed out. */
  public List<Slice> pending() {
    return pending;
  }

  public boolean hasPending() {
    return !pending.isEmpty();
  }

  /** The siblings not dropped that hold all of {@code range}, in the order they answered. */
  public List<String> holders(SeqRange range) {
    List<String> out = new ArrayList<>();
    holdings.forEach((node, held) -> {
      if (!dropped.contains(node) && held.clip(range.from(), range.to()).count() == range.size()) {
        out.add(node);
      }
    });
    return out;
  }

  /**
   * Hands out the next slice with a source not dropped. A slice whose sources were all dropped is
   * cut along what the remaining siblings hold; what none of them holds becomes unrecoverable.
   */
  public Next take() {
    RecoveryPlan plan = this;
    while (plan.hasPending()) {
      Slice head = plan.pending.get(0);
      List<Slice> rest = plan.pending.subList(1, plan.pending.size());
      List<String> live = head.sources().stream().filter(s -> !dropped.contains(s)).toList();
      if (!live.isEmpty()) {
        return new Next(Optional.of(new Assignment(head.range(), live)),
            new RecoveryPlan(holdings, missing, stale, List.copyOf(rest), dropped, plan.unrecoverable));
      }
      plan = plan.withPending(rest).requeue(head.range(), List.of());
    }
    return new Next(Optional.empty(), plan);
  }

  /**
   * Stops using the source of {@code assignment} and queues what it had not yet delivered, seqs
   * {@code nextFrom} to the end, first, for the assignment's other holders; queued slices that
   * preferred the dropped source go to their other holders when taken.
   */
  public RecoveryPlan drop(Assignment assignment, long nextFrom) {
    Set<String> nowDropped = new HashSet<>(dropped);
    nowDropped.add(assignment.source());
    RecoveryPlan without = new RecoveryPlan(holdings, missing, stale, pending, Set.copyOf(nowDropped), unrecoverable);
    return without.requeue(new SeqRange(nextFrom, assignment.range().to()), assignment.sources());
  }

  /**
   * Queues {@code range} first: for those of {@code preferred} still usable if any, else cut along
   * what the remaining siblings hold; what nobody holds becomes unrecoverable.
   */
  private RecoveryPlan requeue(SeqRange range, List<String> preferred) {
    List<String> live = preferred.stream().filter(s -> !dropped.contains(s)).toList();
    List<Slice> head = live.isEmpty() ? cutAlongHoldings(range) : List.of(new Slice(range, live));
    SeqRanges covered = SeqRanges.EMPTY;
    for (Slice s : head) {
      covered = covered.add(s.range());
    }
    List<Slice> queue = new ArrayList<>(head);
    queue.addAll(pending);
    return new RecoveryPlan(holdings, missing, stale, List.copyOf(queue), dropped,
        unrecoverable.union(SeqRanges.of(range).minus(covered)));
  }

  /**
   * The parts of {@code range} held by each usable sibling, in seq order, each with all usable
   * holders of it; what no usable sibling holds is left out.
   */
  private List<Slice> cutAlongHoldings(SeqRange range) {
    List<Slice> out = new ArrayList<>();
    SeqRanges left = SeqRanges.of(range);
    for (Map.Entry<String, SeqRanges> e : holdings.entrySet()) {
      if (dropped.contains(e.getKey())) {
        continue;
      }
      SeqRanges part = left.intersect(e.getValue());
      for (SeqRange p : part.ranges()) {
        out.add(new Slice(p, holders(p)));
      }
      left = left.minus(part);
    }
    out.sort((a, b) -> a.range().compareTo(b.range()));
    return out;
  }

  private RecoveryPlan withPending(List<Slice> slices) {
    return new RecoveryPlan(holdings, missing, stale, List.copyOf(slices), dropped, unrecoverable);
  }

  private static List<String> rotate(List<String> list, int by) {
    List<String> out = new ArrayList<>(list);
    Collections.rotate(out, -(by % list.size()));
    return out;
  }

  @Override
  public String toString() {
    return "RecoveryPlan[missing=" + missing + ", stale=" + stale + ", pending=" + pending + ", dropped=" + dropped
        + ", unrecoverable=" + unrecoverable + "]";
  }
}

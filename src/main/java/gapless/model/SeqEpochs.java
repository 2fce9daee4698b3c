package gapless.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * Which owner epoch wrote each seq a replica holds, as sorted, disjoint runs of seqs with the same
 * epoch. An owner writes its seqs in order, so a replica's whole history is a handful of runs (about
 * one per change of owner). A seq not listed has epoch 0: written before epochs existed, or not held.
 *
 * <p>Two contents for one seq can only come from two epochs (an owner assigns each seq once), so
 * the newer epoch's content is the collector's history; that is what {@link #newerThan} finds.
 */
public final class SeqEpochs {

  /** Seqs {@code from..to} were written under {@code epoch}. */
  public record Run(long from, long to, long epoch) {
    public Run {
      if (from < 1 || to < from || epoch < 1) {
        throw new IllegalArgumentException("bad epoch run [" + from + ", " + to + "] epoch " + epoch);
      }
    }
  }

  public static final SeqEpochs EMPTY = new SeqEpochs(List.of());

  private final List<Run> runs;

  @JsonCreator
  public SeqEpochs(@JsonProperty("runs") List<Run> runs) {
    this.runs = normalize(runs == null ? List.of() : runs);
  }

  @JsonProperty("runs")
  public List<Run> runs() {
    return runs;
  }

  @JsonIgnore
  public boolean isEmpty() {
    return runs.isEmpty();
  }

  /** The epoch that wrote {@code seq}; 0 when none is recorded. */
  public long epochOf(long seq) {
    int lo = 0;
    int hi = runs.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Run r = runs.get(mid);
      if (seq < r.from()) {
        hi = mid - 1;
      } else if (seq > r.to()) {
        lo = mid + 1;
      } else {
        return r.epoch();
      }
    }
    return 0;
  }

  /** The same, with {@code seq} written under {@code epoch} (0 forgets it). */
  public SeqEpochs with(long seq, long epoch) {
    if (epochOf(seq) == epoch) {
      return this;
    }
    if (!runs.isEmpty() && epoch > 0) {
      Run last = runs.get(runs.size() - 1);
      // The common case: the owner's next seq extends the last run.
      if (seq == last.to() + 1 && epoch == last.epoch()) {
        List<Run> copy = new ArrayList<>(runs);
        copy.set(copy.size() - 1, new Run(last.from(), seq, epoch));
        return new SeqEpochs(copy, true);
      }
    }
    List<Run> out = new ArrayList<>(runs.size() + 2);
    for (Run r : runs) {
      if (seq < r.from() || seq > r.to()) {
        out.add(r);
        continue;
      }
      if (r.from() < seq) {
        out.add(new Run(r.from(), seq - 1, r.epoch()));
      }
      if (seq < r.to()) {
        out.add(new Run(seq + 1, r.to(), r.epoch()));
      }
    }
    if (epoch > 0) {
      out.add(new Run(seq, seq, epoch));
    }
    return new SeqEpochs(out);
  }

  /** Only the seqs in {@code [from, to]}. */
  public SeqEpochs clip(long from, long to) {
    List<Run> out = new ArrayList<>();
    for (Run r : runs) {
      long lo = Math.max(from, r.from());
      long hi = Math.min(to, r.to());
      if (lo <= hi) {
        out.add(new Run(lo, hi, r.epoch()));
      }
    }
    return new SeqEpochs(out, true);
  }

  /** The seqs whose epoch here is higher than in {@code other}: where {@code other} holds stale content. */
  public SeqRanges newerThan(SeqEpochs other) {
    List<SeqRange> out = new ArrayList<>();
    sweep(this, other, (from, to, mine, theirs) -> {
      if (mine > theirs) {
        out.add(new SeqRange(from, to));
      }
    });
    return new SeqRanges(out);
  }

  /** Per seq, the higher of the two epochs: what several replicas' answers say together. */
  public SeqEpochs merge(SeqEpochs other) {
    List<Run> out = new ArrayList<>();
    sweep(this, other, (from, to, mine, theirs) -> {
      long epoch = Math.max(mine, theirs);
      if (epoch > 0) {
        out.add(new Run(from, to, epoch));
      }
    });
    return new SeqEpochs(out);
  }

  /** The highest epoch recorded; 0 when none. */
  @JsonIgnore
  public long highestEpoch() {
    long max = 0;
    for (Run r : runs) {
      max = Math.max(max, r.epoch());
    }
    return max;
  }

  private interface Segment {
    void accept(long from, long to, long epochA, long epochB);
  }

  /** Visits every stretch of seqs where either side has a run, with both sides' epochs (0 for none). */
  private static void sweep(SeqEpochs a, SeqEpochs b, Segment segment) {
    TreeSet<Long> cuts = new TreeSet<>();
    for (SeqEpochs side : List.of(a, b)) {
      for (Run r : side.runs) {
        cuts.add(r.from());
        // A run up to the last seq has no cut after it (to + 1 would wrap to the lowest long).
        if (r.to() < Long.MAX_VALUE) {
          cuts.add(r.to() + 1);
        }
      }
    }
    if (cuts.isEmpty()) {
      return;
    }
    long from = cuts.first();
    for (Long next = cuts.higher(from); next != null; from = next, next = cuts.higher(next)) {
      visit(a, b, from, next - 1, segment);
    }
    visit(a, b, from, Long.MAX_VALUE, segment);
  }

  private static void visit(SeqEpochs a, SeqEpochs b, long from, long to, Segment segment) {
    long ea = a.epochOf(from);
    long eb = b.epochOf(from);
    if (ea > 0 || eb > 0) {
      segment.accept(from, to, ea, eb);
    }
  }

  private SeqEpochs(List<Run> normalized, boolean trusted) {
    this.runs = Collections.unmodifiableList(normalized);
  }

  private static List<Run> normalize(List<Run> input) {
    if (input.isEmpty()) {
      return List.of();
    }
    List<Run> sorted = new ArrayList<>(input);
    sorted.sort((a, b) -> Long.compare(a.from(), b.from()));
    List<Run> out = new ArrayList<>();
    Run cur = sorted.get(0);
    for (int i = 1; i < sorted.size(); i++) {
      Run next = sorted.get(i);
      if (next.from() <= cur.to()) {
        throw new IllegalArgumentException("overlapping epoch runs " + cur + " and " + next);
      }
      if (next.from() == cur.to() + 1 && next.epoch() == cur.epoch()) {
        cur = new Run(cur.from(), next.to(), cur.epoch());
      } else {
        out.add(cur);
        cur = next;
      }
    }
    out.add(cur);
    return Collections.unmodifiableList(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SeqEpochs other && runs.equals(other.runs);
  }

  @Override
  public int hashCode() {
    return runs.hashCode();
  }

  @Override
  public String toString() {
    return runs.toString();
  }
}

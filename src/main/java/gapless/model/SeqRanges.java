package gapless.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable set of sequence numbers kept as sorted, disjoint, non-adjacent ranges. A replica's
 * holdings stay a handful of ranges however long its history, so this is what replicas keep in
 * state, snapshot, and exchange during recovery; never one entry per batch.
 */
public final class SeqRanges {

  public static final SeqRanges EMPTY = new SeqRanges(List.of());

  private final List<SeqRange> ranges;

  @JsonCreator
  public SeqRanges(@JsonProperty("ranges") List<SeqRange> ranges) {
    this.ranges = normalize(ranges);
  }

  public static SeqRanges of(SeqRange... ranges) {
    return new SeqRanges(List.of(ranges));
  }

  @JsonProperty("ranges")
  public List<SeqRange> ranges() {
    return ranges;
  }

  @JsonIgnore
  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  public boolean contains(long seq) {
    int lo = 0;
    int hi = ranges.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      SeqRange r = ranges.get(mid);
      if (seq < r.from()) {
        hi = mid - 1;
      } else if (seq > r.to()) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  public SeqRanges add(long seq) {
    return add(SeqRange.of(seq));
  }

  public SeqRanges add(SeqRange range) {
    if (!ranges.isEmpty()) {
      SeqRange last = ranges.get(ranges.size() - 1);
      // The common case: the next seq in order extends the last range in place.
      if (range.from() >= last.from() && range.from() <= last.to() + 1) {
        if (range.to() <= last.to()) {
          return this;
        }
        List<SeqRange> copy = new ArrayList<>(ranges);
        copy.set(copy.size() - 1, new SeqRange(last.from(), range.to()));
        return new SeqRanges(copy, true);
      }
    }
    List<SeqRange> copy = new ArrayList<>(ranges);
    copy.add(range);
    return new SeqRanges(copy);
  }

  public SeqRanges union(SeqRanges other) {
    List<SeqRange> all = new ArrayList<>(ranges);
    all.addAll(other.ranges);
    return new SeqRanges(all);
  }

  /** The seqs in this set that are not in {@code other}. */
  public SeqRanges minus(SeqRanges other) {
    List<SeqRange> out = new ArrayList<>();
    int j = 0;
    for (SeqRange r : ranges) {
      long from = r.from();
      while (j < other.ranges.size() && other.ranges.get(j).to() < from) {
        j++;
      }
      int k = j;
      while (from <= r.to() && k < other.ranges.size() && other.ranges.get(k).from() <= r.to()) {
        SeqRange cut = other.ranges.get(k);
        if (cut.from() > from) {
          out.add(new SeqRange(from, cut.from() - 1));
        }
        from = Math.max(from, cut.to() + 1);
        k++;
      }
      if (from <= r.to()) {
        out.add(new SeqRange(from, r.to()));
      }
    }
    return new SeqRanges(out, true);
  }

  /** The seqs in both this set and {@code other}. */
  public SeqRanges intersect(SeqRanges other) {
    return minus(minus(other));
  }

  /** Only the seqs in {@code [from, to]}. */
  public SeqRanges clip(long from, long to) {
    List<SeqRange> out = new ArrayList<>();
    for (SeqRange r : ranges) {
      long lo = Math.max(from, r.from());
      long hi = Math.min(to, r.to());
      if (lo <= hi) {
        out.add(new SeqRange(lo, hi));
      }
    }
    return new SeqRanges(out, true);
  }

  /** Highest seq n such that every seq in 1..n is held; 0 when seq 1 is missing. */
  @JsonIgnore
  public long contiguous() {
    if (ranges.isEmpty() || ranges.get(0).from() != 1) {
      return 0;
    }
    return ranges.get(0).to();
  }

  /** Highest seq held; 0 when empty. */
  @JsonIgnore
  public long highest() {
    return ranges.isEmpty() ? 0 : ranges.get(ranges.size() - 1).to();
  }

  /** The holes in 1..highest(). */
  @JsonIgnore
  public SeqRanges missing() {
    long high = highest();
    if (high == 0) {
      return EMPTY;
    }
    return new SeqRanges(List.of(new SeqRange(1, high))).minus(this);
  }

  /** Number of seqs held. */
  public long count() {
    long n = 0;
    for (SeqRange r : ranges) {
      n += r.size();
    }
    return n;
  }

  private SeqRanges(List<SeqRange> normalized, boolean trusted) {
    this.ranges = Collections.unmodifiableList(normalized);
  }

  private static List<SeqRange> normalize(List<SeqRange> input) {
    if (input == null || input.isEmpty()) {
      return List.of();
    }
    List<SeqRange> sorted = new ArrayList<>(input);
    Collections.sort(sorted);
    List<SeqRange> out = new ArrayList<>();
    SeqRange cur = sorted.get(0);
    for (int i = 1; i < sorted.size(); i++) {
      SeqRange next = sorted.get(i);
      if (next.from() <= cur.to() + 1) {
        cur = new SeqRange(cur.from(), Math.max(cur.to(), next.to()));
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
    return o instanceof SeqRanges other && ranges.equals(other.ranges);
  }

  @Override
  public int hashCode() {
    return ranges.hashCode();
  }

  @Override
  public String toString() {
    return ranges.toString();
  }
}

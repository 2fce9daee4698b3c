package gapless.model;

/** An inclusive range of batch sequence numbers, {@code from <= to}. */
public record SeqRange(long from, long to) implements Comparable<SeqRange> {

  public SeqRange {
    if (from < 1 || to < from) {
      throw new IllegalArgumentException("bad seq range [" + from + ", " + to + "]");
    }
  }

  public static SeqRange of(long seq) {
    return new SeqRange(seq, seq);
  }

  public long size() {
    return to - from + 1;
  }

  public boolean contains(long seq) {
    return seq >= from && seq <= to;
  }

  @Override
  public int compareTo(SeqRange o) {
    return Long.compare(from, o.from);
  }

  @Override
  public String toString() {
    return from == to ? Long.toString(from) : from + ".." + to;
  }
}

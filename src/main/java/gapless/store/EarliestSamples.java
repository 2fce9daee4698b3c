package gapless.store;

import gapless.model.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The earliest samples of one time bucket of a tag, at most {@code capacity} of them, whatever
 * the number offered: a query keeps only what its limit can use, so a 1 kHz tag-hour asked with
 * {@code limit=1} holds one sample, not 3.6 million. Blocks of a bucket come in seq order, not
 * time order, so every sample is looked at; equal times keep the order they were offered in (batch
 * seq order). Plain class, one query at a time.
 */
final class EarliestSamples {

  private record Entry(long ts, long order, double value, int quality) {}

  private static final Comparator<Entry> EARLIEST_FIRST = Comparator.comparingLong(Entry::ts).thenComparingLong(Entry::order);

  private final PriorityQueue<Entry> latestFirst = new PriorityQueue<>(EARLIEST_FIRST.reversed());
  private int capacity;
  private long offered;

  /** Empty, keeping at most {@code capacity} from now on. */
  void reset(int capacity) {
    latestFirst.clear();
    this.capacity = Math.max(0, capacity);
  }

  void offer(long ts, double value, int quality) {
    long order = offered++;
    if (latestFirst.size() < capacity) {
      latestFirst.add(new Entry(ts, order, value, quality));
    } else if (capacity > 0 && ts < latestFirst.peek().ts()) {
      // An equal ts offered later is later in seq order: it does not replace the kept one.
      latestFirst.poll();
      latestFirst.add(new Entry(ts, order, value, quality));
    }
  }

  /** Appends what is kept, earliest first, as samples of {@code tag}, and empties. */
  void drainInto(String tag, List<Sample> out) {
    List<Entry> kept = new ArrayList<>(latestFirst);
    kept.sort(EARLIEST_FIRST);
    for (Entry e : kept) {
      out.add(new Sample(tag, e.ts(), e.value(), e.quality()));
    }
    latestFirst.clear();
  }
}

package gapless.store;

import gapless.model.Sample;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The earliest samples of one time bucket of a tag, at most {@code capacity} of them, whatever
 * the number offered: a query keeps only what its limit can use, so a 1 kHz tag-hour asked with
 * {@code limit=1} holds one sample, not 3.6 million. Blocks of a bucket come in seq order, not
 * time order, so every sample is looked at; equal times keep the order they were offered in (batch
 * seq order). Plain class, one query at a time.
 *
 * <p>Samples are kept in primitive arrays in the order offered. In the usual case (a collector
 * sends its batches in time order) they arrive sorted and are handed on as they are. Otherwise
 * they are sorted on the way out, and whenever twice the capacity has piled up, the earliest
 * {@code capacity} are kept and the rest dropped, so memory stays bounded.
 */
final class EarliestSamples {

  private static final int INITIAL = 256;

  private long[] times = new long[INITIAL];
  private double[] values = new double[INITIAL];
  private int[] qualities = new int[INITIAL];
  private int size;
  private int capacity;
  /** True while every sample offered since the last sort came at or after the one before it. */
  private boolean sorted = true;

  /** Empty, keeping at most {@code capacity} from now on. */
  void reset(int capacity) {
    this.capacity = Math.max(0, capacity);
    size = 0;
    sorted = true;
  }

  void offer(long ts, double value, int quality) {
    if (capacity == 0) {
      return;
    }
    if (sorted && size == capacity) {
      if (ts >= times[size - 1]) {
        // Later than every one kept (or equal, and offered later): the limit cannot use it.
        return;
      }
    }
    if (size == times.length) {
      if (size - capacity >= capacity) {
        keepEarliest();
      } else {
        grow();
      }
    }
    if (size > 0 && ts < times[size - 1]) {
      sorted = false;
    }
    times[size] = ts;
    values[size] = value;
    qualities[size] = quality;
    size++;
  }

  /** Appends what is kept, earliest first, as samples of {@code tag}, and empties. */
  void drainInto(String tag, List<Sample> out) {
    keepEarliest();
    for (int i = 0; i < size; i++) {
      out.add(new Sample(tag, times[i], values[i], qualities[i]));
    }
    reset(capacity);
  }

  /**
   * Sorts by time, then by the order offered, and keeps the first {@code capacity}. The offer
   * order of two samples is their order in the arrays: what an earlier call kept precedes
   * everything offered after it.
   */
  private void keepEarliest() {
    if (!sorted) {
      int[] order = orderByTime();
      long[] t = new long[times.length];
      double[] v = new double[values.length];
      int[] q = new int[qualities.length];
      for (int i = 0; i < size; i++) {
        t[i] = times[order[i]];
        v[i] = values[order[i]];
        q[i] = qualities[order[i]];
      }
      times = t;
      values = v;
      qualities = q;
      sorted = true;
    }
    size = Math.min(size, capacity);
  }

  /**
   * The positions in time order, equal times by position. Within the span of 2^31 ms (24 days, a
   * bucket is far less) each is packed with its position into one long and sorted as primitives.
   */
  private int[] orderByTime() {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < size; i++) {
      min = Math.min(min, times[i]);
      max = Math.max(max, times[i]);
    }
    int[] order = new int[size];
    if (max - min < Integer.MAX_VALUE) {
      long[] packed = new long[size];
      for (int i = 0; i < size; i++) {
        packed[i] = (times[i] - min) << 32 | i;
      }
      Arrays.sort(packed);
      for (int i = 0; i < size; i++) {
        order[i] = (int) packed[i];
      }
      return order;
    }
    Integer[] boxed = IntStream.range(0, size).boxed().toArray(Integer[]::new);
    Arrays.sort(boxed, Comparator.<Integer>comparingLong(i -> times[i]).thenComparingInt(i -> i));
    for (int i = 0; i < size; i++) {
      order[i] = boxed[i];
    }
    return order;
  }

  private void grow() {
    int n = times.length * 2;
    times = Arrays.copyOf(times, n);
    values = Arrays.copyOf(values, n);
    qualities = Arrays.copyOf(qualities, n);
  }
}

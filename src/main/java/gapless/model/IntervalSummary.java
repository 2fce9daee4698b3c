package gapless.model;

/**
 * One interval {@code [from, to)} of one tag's samples, summed up so that every {@link Aggregate}
 * can be read from it: a replica sums an interval once, the query picks what it asked for. First
 * and last are by time (equal times: by batch seq); the last sample's quality is kept, so the
 * interval also answers "the last value before".
 */
public record IntervalSummary(long from, long to, long count, double sum, double min, double max,
    long firstTs, double first, long lastTs, double last, int lastQuality) {

  public double value(Aggregate aggregate) {
    return switch (aggregate) {
      case AVG -> sum / count;
      case MIN -> min;
      case MAX -> max;
      case FIRST -> first;
      case LAST -> last;
      case COUNT -> count;
    };
  }
}

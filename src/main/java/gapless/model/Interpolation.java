package gapless.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Values of one tag at evenly spaced times, interpolated linearly between the samples on either
 * side, as historians' interpolated reads give them. A time with a sample takes that sample's
 * value (the last one at that time). No value is invented where the data does not reach: before
 * the first sample, after the last, or across a stopped interval (the collector recorded nothing
 * on purpose, so a line drawn through it would be made up).
 */
public final class Interpolation {

  /** The value at {@code ts}. */
  public record Point(long ts, double value) {}

  private Interpolation() {}

  /**
   * @param samples one tag's samples in time order
   * @param stops   the stopped intervals of the range
   */
  public static List<Point> at(List<Sample> samples, List<StopInterval> stops, long from, long to, long step) {
    if (step < 1) {
      throw new IllegalArgumentException("step must be at least 1 ms: " + step);
    }
    List<Point> out = new ArrayList<>();
    int next = 0; // the first sample after the time being valued
    for (long t = from; t <= to && t >= from; t += step) {
      while (next < samples.size() && samples.get(next).ts() <= t) {
        next++;
      }
      if (next == 0) {
        continue;
      }
      Sample before = samples.get(next - 1);
      if (before.ts() == t) {
        out.add(new Point(t, before.value()));
        continue;
      }
      if (next == samples.size()) {
        break;
      }
      Sample after = samples.get(next);
      if (stops.stream().noneMatch(s -> s.overlaps(before.ts(), after.ts()))) {
        double share = (double) (t - before.ts()) / (after.ts() - before.ts());
        out.add(new Point(t, before.value() + (after.value() - before.value()) * share));
      }
    }
    return out;
  }
}

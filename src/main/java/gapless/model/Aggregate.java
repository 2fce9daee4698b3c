package gapless.model;

import java.util.Arrays;
import java.util.Locale;

/** What a query reads from each interval of a tag's samples ({@link IntervalSummary#value}). */
public enum Aggregate {
  AVG, MIN, MAX, FIRST, LAST, COUNT;

  /** {@code avg}, {@code min}, ... in any case; an IllegalArgumentException naming the choices otherwise. */
  public static Aggregate parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'agg' must be one of " + Arrays.stream(values()).map(Aggregate::label).toList()
          + ", got '" + s + "'");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}

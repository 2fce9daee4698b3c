package gapless.model;

import java.util.regex.Pattern;

/** The shapes of identifiers the historian accepts. */
public final class Validation {

  public static final Pattern COLLECTOR_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  public static final Pattern TAG = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");
  /** Earliest and latest sample time accepted: years 1970 .. 2999. */
  public static final long MIN_TS = 0L;
  public static final long MAX_TS = 32503680000000L;

  private Validation() {}

  public static boolean isCollectorId(String s) {
    return s != null && COLLECTOR_ID.matcher(s).matches();
  }

  public static boolean isTag(String s) {
    return s != null && TAG.matcher(s).matches();
  }
}

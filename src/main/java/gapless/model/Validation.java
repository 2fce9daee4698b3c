package gapless.model;

import java.util.regex.Pattern;

/**
 * The shapes of identifiers the historian accepts. The checks are plain character loops: a tag is
 * checked for every sample ingested, and a regex there cost the gateway over half its CPU. The
 * patterns stay as the documentation of the shapes (and for error messages); a test holds the two
 * in agreement.
 */
public final class Validation {

  public static final Pattern COLLECTOR_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  public static final Pattern TAG = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");
  /** Earliest and latest sample time accepted: years 1970 .. 2999. */
  public static final long MIN_TS = 0L;
  public static final long MAX_TS = 32503680000000L;

  private Validation() {}

  public static boolean isCollectorId(String s) {
    return s != null && s.length() >= 1 && s.length() <= 64 && allMatch(s, false);
  }

  public static boolean isTag(String s) {
    return s != null && s.length() >= 1 && s.length() <= 128 && allMatch(s, true);
  }

  private static boolean allMatch(String s, boolean tag) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-' || (tag && (c == ':' || c == '/'));
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}

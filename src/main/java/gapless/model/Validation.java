package gapless.model;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * The shapes of identifiers the historian accepts. The checks are plain character loops: a tag is
 * checked for every sample ingested, and a regex there cost the gateway over half its CPU. The
 * collector id pattern stays as the documentation of its shape (and for error messages); a test
 * holds the two in agreement.
 *
 * <p>A tag may be any printable Unicode, as plant historians allow ({@code 温度}, {@code Reactor 1
 * Temp}): in NFC, so one name has one encoding (and one key in the store); no control characters
 * (nor line or paragraph separators, nor unassigned code points), so a tag prints on one line and
 * never holds the store keys' 0x00 separator; at most {@value #TAG_MAX_BYTES} bytes of UTF-8.
 * Collector ids stay restricted: they name files, actors and URL path segments.
 */
public final class Validation {

  public static final Pattern COLLECTOR_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  public static final int TAG_MAX_BYTES = 256;
  /** What a tag must be, for error messages. */
  public static final String TAG_RULE = "1 to " + TAG_MAX_BYTES + " bytes of UTF-8, printable Unicode in NFC, no control characters";
  /** Earliest and latest sample time accepted: years 1970 .. 2999. */
  public static final long MIN_TS = 0L;
  public static final long MAX_TS = 32503680000000L;

  private Validation() {}

  public static boolean isCollectorId(String s) {
    return s != null && s.length() >= 1 && s.length() <= 64 && s.chars().allMatch(c -> isCollectorIdChar((char) c));
  }

  private static boolean isCollectorIdChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  }

  public static boolean isTag(String s) {
    if (s == null || s.isEmpty() || s.length() > TAG_MAX_BYTES) {
      return false;
    }
    // Most tags are ASCII: checked char by char, and ASCII is always NFC.
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return isUnicodeTag(s);
      }
      if (c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUnicodeTag(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      switch (Character.getType(cp)) {
        // SURROGATE: one without its pair (a pair reads as one supplementary code point).
        case Character.CONTROL, Character.SURROGATE, Character.UNASSIGNED, Character.LINE_SEPARATOR,
            Character.PARAGRAPH_SEPARATOR -> {
          return false;
        }
        default -> i += Character.charCount(cp);
      }
    }
    return s.getBytes(StandardCharsets.UTF_8).length <= TAG_MAX_BYTES && Normalizer.isNormalized(s, Normalizer.Form.NFC);
  }
}

package gapless.collector;

import gapless.collector.IngestParser.InvalidInput;
import gapless.model.Sample;
import gapless.model.Validation;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * InfluxDB line protocol, as Telegraf, the InfluxDB client libraries and Micrometer write it:
 * {@code measurement[,tag=value...] field=value[,field=value...] [timestamp]}, one point a line
 * ({@code #} comments and blank lines skipped). Each field of a point is one Gapless sample:
 * its tag name is the measurement, the point's tags sorted by key, and the field key:
 * {@code cpu,host=a,region=eu.usage_idle}, unescaped; it must be a valid Gapless tag. Floats,
 * integers ({@code 1i}, {@code 1u}) and booleans (1 or 0) are stored; string fields are refused.
 * Times are converted to epoch ms (finer digits dropped); a point without one takes {@code now}.
 * The first bad line refuses the whole request, by its number.
 */
public final class LineProtocol {

  /** The {@code precision} of the timestamps: nanoseconds (the default), microseconds, milliseconds, seconds. */
  public enum Precision {
    NS(1_000_000, 0), US(1_000, 0), MS(1, 0), S(0, 1_000);

    private final long divide;
    private final long multiply;

    Precision(long divide, long multiply) {
      this.divide = divide;
      this.multiply = multiply;
    }

    long toMillis(long t) {
      return multiply == 0 ? Math.floorDiv(t, divide) : Math.multiplyExact(t, multiply);
    }

    /** v2 names ({@code ns}, {@code us}, {@code ms}, {@code s}) and v1's ({@code n}, {@code u}); null is nanoseconds. */
    public static Precision parse(String s) {
      if (s == null) {
        return NS;
      }
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "ns", "n" -> NS;
        case "us", "u" -> US;
        case "ms" -> MS;
        case "s" -> S;
        default -> throw new InvalidInput("precision must be ns, us, ms or s, got '" + s + "'");
      };
    }
  }

  /** The samples of a request, and whether every point carried its own time (so the same body always means the same samples). */
  public record Points(List<Sample> samples, boolean allTimed) {}

  private static final int QUALITY_GOOD = 192;

  private LineProtocol() {}

  public static Points parse(byte[] body, Precision precision, long nowMs, int maxSamples) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInput("the body is not UTF-8 text");
    }
    List<Sample> samples = new ArrayList<>();
    boolean allTimed = true;
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].endsWith("\r") ? lines[n].substring(0, lines[n].length() - 1) : lines[n];
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      try {
        allTimed &= new LineReader(line).point(precision, nowMs, samples);
      } catch (InvalidInput e) {
        throw new InvalidInput("line " + (n + 1) + ": " + e.getMessage());
      }
      if (samples.size() > maxSamples) {
        throw new InvalidInput("more than " + maxSamples + " fields in one request (gapless.ingest.max-samples-per-batch);"
            + " send fewer lines per request");
      }
    }
    if (samples.isEmpty()) {
      throw new InvalidInput("no points: the body holds no line of line protocol");
    }
    return new Points(samples, allTimed);
  }

  /** One line, read left to right: the unescaped text of each element, and where the reading is. */
  private static final class LineReader {
    private final String line;
    private int at;

    LineReader(String line) {
      this.line = line;
    }

    /** Adds the point's samples; returns whether it carried a time. */
    boolean point(Precision precision, long nowMs, List<Sample> out) {
      String measurement = until(new char[] {',', ' '}, "measurement");
      Map<String, String> tags = new TreeMap<>();
      while (peek() == ',') {
        at++;
        String key = until(new char[] {'='}, "tag key");
        expect('=');
        String value = until(new char[] {',', ' '}, "tag value");
        tags.put(key, value);
      }
      expect(' ');
      StringBuilder series = new StringBuilder(measurement);
      tags.forEach((k, v) -> series.append(',').append(k).append('=').append(v));
      List<String> names = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      do {
        if (peek() == ',') {
          at++;
        }
        String key = until(new char[] {'='}, "field key");
        expect('=');
        names.add(key);
        values.add(fieldValue(key));
      } while (peek() == ',');
      boolean timed = false;
      long ts = nowMs;
      if (peek() == ' ') {
        at++;
        String t = line.substring(at).strip();
        if (!t.isEmpty()) {
          try {
            ts = precision.toMillis(Long.parseLong(t));
          } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidInput("timestamp must be an integer, got '" + t + "'");
          }
          timed = true;
        }
        at = line.length();
      }
      if (at < line.length()) {
        throw new InvalidInput("unexpected '" + line.substring(at) + "' after the fields");
      }
      if (ts < Validation.MIN_TS || ts > Validation.MAX_TS) {
        throw new InvalidInput("timestamp " + ts + " ms is outside the years 1970..2999 (check the precision)");
      }
      for (int i = 0; i < names.size(); i++) {
        String tag = series + "." + names.get(i);
        if (!Validation.isTag(tag)) {
          throw new InvalidInput("the Gapless tag '" + tag + "' must be " + Validation.TAG_RULE);
        }
        out.add(new Sample(tag, ts, values.get(i), QUALITY_GOOD));
      }
      return timed;
    }

    private double fieldValue(String key) {
      if (peek() == '"') {
        throw new InvalidInput("field '" + key + "' is a string; only numbers and booleans can be stored");
      }
      int start = at;
      while (at < line.length() && line.charAt(at) != ',' && line.charAt(at) != ' ') {
        at++;
      }
      String v = line.substring(start, at);
      switch (v) {
        case "t", "T", "true", "True", "TRUE" -> {
          return 1;
        }
        case "f", "F", "false", "False", "FALSE" -> {
          return 0;
        }
        default -> { }
      }
      try {
        boolean integer = v.endsWith("i") || v.endsWith("u");
        // Java's parser also takes "NaN", "Infinity" and suffixes like "1d": none is line protocol.
        if (v.isEmpty() || !integer && !Character.isDigit(v.charAt(v.length() - 1)) && v.charAt(v.length() - 1) != '.') {
          throw new NumberFormatException(v);
        }
        return integer ? Long.parseLong(v.substring(0, v.length() - 1)) : Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new InvalidInput("field '" + key + "' must be a number or a boolean, got '" + v + "'");
      }
    }

    /** The unescaped text up to the first unescaped stop char (or the end); not empty. */
    private String until(char[] stops, String what) {
      StringBuilder out = new StringBuilder();
      while (at < line.length()) {
        char c = line.charAt(at);
        if (c == '\\' && at + 1 < line.length()) {
          out.append(line.charAt(at + 1));
          at += 2;
          continue;
        }
        if (new String(stops).indexOf(c) >= 0) {
          break;
        }
        out.append(c);
        at++;
      }
      if (out.length() == 0) {
        throw new InvalidInput("missing " + what + (at < line.length() ? " at column " + (at + 1) : " at the end of the line"));
      }
      return out.toString();
    }

    private char peek() {
      return at < line.length() ? line.charAt(at) : 0;
    }

    private void expect(char c) {
      if (peek() != c) {
        throw new InvalidInput("expected '" + (c == ' ' ? "a space" : String.valueOf(c)) + "' at column " + (at + 1)
            + (at < line.length() ? ", got '" + line.charAt(at) + "'" : ", got the end of the line"));
      }
      at++;
    }
  }
}

package gapless.collector;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import gapless.collector.IngestParser.InvalidInput;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The part of reading a request body that does not depend on what the body holds: one JSON object
 * on Jackson's streaming parser, nothing after it, and one-line, client-safe messages about tokens
 * and malformed JSON. {@link IngestParser} reads the fields.
 */
final class JsonBody {

  /** Reads the fields of the body object; the parser is on its START_OBJECT and must end on its END_OBJECT. */
  @FunctionalInterface
  interface Fields<T> {
    T read(JsonParser p) throws IOException;
  }

  private static final int MAX_ECHO_CHARS = 80;

  /** Shared, thread-safe; strict JSON (no NaN/Infinity, no comments, no trailing commas). */
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .build();

  private static final Pattern NON_STANDARD = Pattern.compile("^Non-standard token '([^']{1,40})'.*", Pattern.DOTALL);

  /** Jackson messages mention its features and sources; keep what the client needs, on one line. */
  private static final Pattern FEATURE_HINT = Pattern.compile("[:;,]?\\s*(?:enable|from|use) `[^`]*`(?: to allow)?");
  private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;\\]]*; ");

  private JsonBody() {}

  /**
   * Reads {@code body} as one JSON object whose fields {@code fields} reads.
   *
   * @throws InvalidInput if the body is empty, not an object, malformed, has content after the
   *     object, or {@code fields} rejects it
   */
  static <T> T read(byte[] body, Fields<T> fields) {
    if (body == null || body.length == 0) {
      throw new InvalidInput("request body is empty");
    }
    JsonParser p = open(body);
    try (p) {
      startBody(p);
      T result = fields.read(p);
      endBody(p);
      return result;
    } catch (JsonProcessingException e) {
      throw malformed(e, p);
    } catch (IOException e) {
      // Cannot happen reading a byte[]; keep the message free of class names anyway.
      throw new InvalidInput("malformed JSON: cannot read request body");
    }
  }

  /** Reads the first token, which must open an object. */
  private static void startBody(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new InvalidInput("request body is empty");
    }
    if (t != JsonToken.START_OBJECT) {
      throw new InvalidInput("request body must be a JSON object, got " + describe(t, p));
    }
  }

  /** After the body's END_OBJECT: only whitespace may follow. */
  private static void endBody(JsonParser p) throws IOException {
    if (p.nextToken() != null) {
      JsonLocation loc = p.currentTokenLocation();
      throw new InvalidInput("malformed JSON: unexpected content after the JSON object " + at(loc));
    }
  }

  /** A short, one-line description of the current token for messages. */
  static String describe(JsonToken t, JsonParser p) throws IOException {
    if (t == null) {
      return "end of input";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string " + quote(p.getText());
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> echo(p.getText());
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      case VALUE_NULL -> "null";
      default -> t.asString() == null ? t.name() : t.asString();
    };
  }

  /** The token text if Jackson rejected a non-standard number token (NaN, Infinity, ...), else null. */
  static String nonStandardToken(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m == null) return null;
    var matcher = NON_STANDARD.matcher(m);
    return matcher.matches() ? matcher.group(1) : null;
  }

  private static JsonParser open(byte[] body) {
    try {
      return JSON.createParser(body);
    } catch (IOException e) {
      throw new InvalidInput("malformed JSON: cannot read request body");
    }
  }

  private static InvalidInput malformed(JsonProcessingException e, JsonParser p) {
    String m = e.getOriginalMessage();
    if (m == null || m.isBlank()) {
      m = "cannot parse";
    }
    m = FEATURE_HINT.matcher(m).replaceAll("");
    m = SOURCE.matcher(m).replaceAll("[");
    m = oneLine(m).strip();
    if (m.length() > 300) {
      m = m.substring(0, 300) + "...";
    }
    // Constraint violations (number too long, ...) carry no location; the parser knows it.
    JsonLocation loc = e.getLocation() != null ? e.getLocation() : p.currentLocation();
    return new InvalidInput(("malformed JSON: " + m + " " + at(loc)).strip());
  }

  private static String at(JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 0) {
      return "";
    }
    return "at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  /** Double-quoted, truncated, control characters replaced: safe to echo on one line. */
  static String quote(String s) {
    return "\"" + echo(s) + "\"";
  }

  /** Truncated, control characters replaced: safe to echo on one line. */
  static String echo(String s) {
    String cut = s.length() > MAX_ECHO_CHARS ? s.substring(0, MAX_ECHO_CHARS) : s;
    return oneLine(cut) + (cut.length() < s.length() ? "..." : "");
  }

  private static String oneLine(String s) {
    StringBuilder b = null;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        if (b == null) {
          b = new StringBuilder(s.length()).append(s, 0, k);
        }
        b.append(c == '\n' || c == '\r' || c == '\t' ? ' ' : '?');
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }
}

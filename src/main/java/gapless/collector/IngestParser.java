package gapless.collector;

import static gapless.collector.JsonBody.describe;
import static gapless.collector.JsonBody.echo;
import static gapless.collector.JsonBody.quote;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import gapless.model.CollectorStatus;
import gapless.model.Sample;
import gapless.model.SampleColumns;
import gapless.model.Validation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses and validates collector request bodies with Jackson's streaming parser (no tree, no
 * data binding): this is the ingest hot path.
 *
 * <p>Every rejection is an {@link InvalidInput} whose message is one line, meant for the client:
 * it names the offending entry and field ({@code samples[3].quality ...}) and what was expected.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class IngestParser {

  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[!#-~]{1,128}");

  /** Thrown with a one-line, client-facing message saying what is wrong and where. */
  public static final class InvalidInput extends RuntimeException {
    public InvalidInput(String message) {
      // No stack trace: these are answers to bad requests, not program errors, and are cheap this way.
      super(message, null, false, false);
    }
  }

  /** Longest {@code reason} accepted in a status report, in chars. */
  public static final int MAX_REASON_CHARS = 512;

  private static final int F_TAG = 1;
  private static final int F_TS = 2;
  private static final int F_VALUE = 4;
  private static final int F_QUALITY = 8;
  private static final int F_ALL = F_TAG | F_TS | F_VALUE | F_QUALITY;

  private final int maxSamplesPerBatch;

  public IngestParser(int maxSamplesPerBatch) {
    if (maxSamplesPerBatch < 1) {
      throw new IllegalArgumentException("maxSamplesPerBatch must be >= 1, got " + maxSamplesPerBatch);
    }
    this.maxSamplesPerBatch = maxSamplesPerBatch;
  }

  // ---------------------------------------------------------------------------------------------
  // Samples

  /**
   * Parses {@code {"samples":[{"tag":..,"ts":..,"value":..,"quality":..}, ...]}}.
   *
   * @return the samples in request order, never empty
   * @throws InvalidInput if the body is not exactly that shape with valid values
   */
  public List<Sample> parseSamples(byte[] body) {
    return JsonBody.read(body, p -> {
      List<Sample> samples = null;
      String name;
      while ((name = p.nextFieldName()) != null) {
        if (!name.equals("samples")) {
          throw new InvalidInput("unknown field " + quote(name) + " in request body; the only field is \"samples\"");
        }
        if (samples != null) {
          throw new InvalidInput("duplicate field \"samples\" in request body");
        }
        samples = readSamples(p);
      }
      if (samples == null) {
        throw new InvalidInput("missing field \"samples\" in request body");
      }
      return samples;
    });
  }

  /**
   * Reads a binary body ({@link SampleColumns}, {@value SampleColumns#MEDIA_TYPE}) under the same
   * rules as JSON.
   *
   * @return the samples in body order, never empty
   * @throws InvalidInput saying what is wrong and where
   */
  public List<Sample> parseBinarySamples(byte[] body) {
    try {
      return SampleColumns.decode(body, maxSamplesPerBatch);
    } catch (IllegalArgumentException e) {
      throw new InvalidInput(e.getMessage());
    }
  }

  private List<Sample> readSamples(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_ARRAY) {
      throw new InvalidInput("samples must be an array, got " + describe(t, p));
    }
    List<Sample> out = new ArrayList<>(Math.min(maxSamplesPerBatch, 256));
    int i = 0;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (i == maxSamplesPerBatch) {
        throw new InvalidInput("samples has more than " + maxSamplesPerBatch + " entries, the most accepted in one request");
      }
      if (t != JsonToken.START_OBJECT) {
        throw new InvalidInput("samples[" + i + "] must be an object, got " + describe(t, p));
      }
      out.add(readSample(p, i));
      i++;
    }
    if (i == 0) {
      throw new InvalidInput("samples must not be empty");
    }
    return out;
  }

  /** Reads one sample object; the parser is on its START_OBJECT. */
  private static Sample readSample(JsonParser p, int i) throws IOException {
    int seen = 0;
    String tag = null;
    long ts = 0;
    double value = 0;
    int quality = 0;
    String name;
    while ((name = nextFieldName(p, i)) != null) {
      switch (name) {
        case "tag" -> {
          seen = markSeen(seen, F_TAG, i, name);
          tag = readTag(p, i);
        }
        case "ts" -> {
          seen = markSeen(seen, F_TS, i, name);
          ts = readTs(p, i);
        }
        case "value" -> {
          seen = markSeen(seen, F_VALUE, i, name);
          value = readValue(p, i);
        }
        case "quality" -> {
          seen = markSeen(seen, F_QUALITY, i, name);
          quality = readQuality(p, i);
        }
        default -> throw new InvalidInput(
            "samples[" + i + "] has unknown field " + quote(name) + "; the fields are tag, ts, value, quality");
      }
    }
    // nextFieldName() returned null inside an object: the parser is on END_OBJECT.
    if (seen != F_ALL) {
      String missing = (seen & F_TAG) == 0 ? "tag" : (seen & F_TS) == 0 ? "ts" : (seen & F_VALUE) == 0 ? "value" : "quality";
      throw new InvalidInput("samples[" + i + "] is missing field \"" + missing + "\"");
    }
    return new Sample(tag, ts, value, quality);
  }

  private static String readTag(JsonParser p, int i) throws IOException {
    JsonToken t = nextValue(p, i, "tag", "a string");
    if (t != JsonToken.VALUE_STRING) {
      throw new InvalidInput("samples[" + i + "].tag must be a string, got " + describe(t, p));
    }
    String tag = p.getText();
    if (!Validation.isTag(tag)) {
      throw new InvalidInput("samples[" + i + "].tag must be " + Validation.TAG_RULE + ", got " + quote(tag));
    }
    return tag;
  }

  private static long readTs(JsonParser p, int i) throws IOException {
    JsonToken t = nextValue(p, i, "ts", "an integer (epoch milliseconds)");
    if (t == JsonToken.VALUE_NUMBER_INT) {
      JsonParser.NumberType nt = p.getNumberType();
      if (nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG) {
        long ts = p.getLongValue();
        if (ts >= Validation.MIN_TS && ts <= Validation.MAX_TS) {
          return ts;
        }
      }
      throw new InvalidInput("samples[" + i + "].ts must be between " + Validation.MIN_TS + " and " + Validation.MAX_TS
          + " (epoch milliseconds), got " + describe(t, p));
    }
    throw new InvalidInput("samples[" + i + "].ts must be an integer (epoch milliseconds), got " + describe(t, p));
  }

  private static double readValue(JsonParser p, int i) throws IOException {
    JsonToken t = nextValue(p, i, "value", "a finite number");
    if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
      throw new InvalidInput("samples[" + i + "].value must be a number, got " + describe(t, p));
    }
    double v = p.getDoubleValue();
    if (!Double.isFinite(v)) {
      throw new InvalidInput("samples[" + i + "].value must be a finite number, got " + describe(t, p)
          + " which is out of range");
    }
    return v;
  }

  private static int readQuality(JsonParser p, int i) throws IOException {
    JsonToken t = nextValue(p, i, "quality", "an integer 0..255");
    if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
      int q = p.getIntValue();
      if (q >= 0 && q <= 255) {
        return q;
      }
    }
    throw new InvalidInput("samples[" + i + "].quality must be an integer 0..255, got " + describe(t, p));
  }

  /** Reads the value token of a sample field. */
  private static JsonToken nextValue(JsonParser p, int i, String field, String expected) throws IOException {
    try {
      return p.nextToken();
    } catch (JsonProcessingException e) {
      throw nonStandardOr(e, i, field, expected);
    }
  }

  /**
   * Reads the next field name of sample i. Jackson's byte parser reads the value that follows a
   * field name eagerly, so a non-standard NaN/Infinity value is rejected here; it gets a message
   * naming the field instead of a generic parse error.
   */
  private static String nextFieldName(JsonParser p, int i) throws IOException {
    try {
      return p.nextFieldName();
    } catch (JsonProcessingException e) {
      String field = p.getParsingContext().getCurrentName();
      String expected = field == null ? null : switch (field) {
        case "tag" -> "a string";
        case "ts" -> "an integer (epoch milliseconds)";
        case "value" -> "a finite number";
        case "quality" -> "an integer 0..255";
        default -> null;
      };
      if (expected == null) throw e;
      throw nonStandardOr(e, i, field, expected);
    }
  }

  private static IOException nonStandardOr(JsonProcessingException e, int i, String field, String expected) {
    String token = JsonBody.nonStandardToken(e);
    if (token != null) {
      throw new InvalidInput("samples[" + i + "]." + field + " must be " + expected + ", got " + token
          + " (not a JSON number)");
    }
    return e;
  }

  /** {@code seen} with {@code bit} added; a field sample i already had is an error. */
  private static int markSeen(int seen, int bit, int i, String field) {
    if ((seen & bit) != 0) {
      throw new InvalidInput("samples[" + i + "] has duplicate field \"" + field + "\"");
    }
    return seen | bit;
  }

  // ---------------------------------------------------------------------------------------------
  // Status

  /**
   * Parses {@code {"status":"STOPPED"|"RUNNING","reason":"..."}}; {@code reason} is optional (absent
   * or null gives an empty reason).
   */
  public StatusRequest parseStatus(byte[] body) {
    return JsonBody.read(body, p -> {
      CollectorStatus status = null;
      String reason = null;
      boolean seenReason = false;
      String name;
      while ((name = p.nextFieldName()) != null) {
        switch (name) {
          case "status" -> {
            if (status != null) throw new InvalidInput("duplicate field \"status\" in request body");
            status = readStatus(p);
          }
          case "reason" -> {
            if (seenReason) throw new InvalidInput("duplicate field \"reason\" in request body");
            seenReason = true;
            reason = readReason(p);
          }
          default -> throw new InvalidInput(
              "unknown field " + quote(name) + " in request body; the fields are status, reason");
        }
      }
      if (status == null) {
        throw new InvalidInput("missing field \"status\" in request body");
      }
      return new StatusRequest(status, reason == null ? "" : reason);
    });
  }

  private static CollectorStatus readStatus(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText();
      if (s.equals("RUNNING")) return CollectorStatus.RUNNING;
      if (s.equals("STOPPED")) return CollectorStatus.STOPPED;
    }
    throw new InvalidInput("status must be \"RUNNING\" or \"STOPPED\", got " + describe(t, p));
  }

  private static String readReason(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw new InvalidInput("reason must be a string, got " + describe(t, p));
    }
    String r = p.getText();
    if (r.length() > MAX_REASON_CHARS) {
      throw new InvalidInput("reason must be at most " + MAX_REASON_CHARS + " characters, got " + r.length());
    }
    return r;
  }

  // ---------------------------------------------------------------------------------------------
  // Collector id

  /** Checks a collector id taken from the request path. */
  public static void checkCollectorId(String id) {
    if (!Validation.isCollectorId(id)) {
      throw new InvalidInput("collector id must match " + Validation.COLLECTOR_ID.pattern() + ", got '"
          + (id == null ? "" : echo(id)) + "'");
    }
  }

  /**
   * The key of an {@code Idempotency-Key} header (empty when there is none): 1 to 128 visible
   * ASCII characters, bare or as a structured-field string in double quotes (as the IETF draft
   * writes it).
   */
  public static String idempotencyKey(Optional<String> header) {
    if (header.isEmpty()) {
      return "";
    }
    String v = header.get().trim();
    String key = v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
      throw new InvalidInput("Idempotency-Key must be 1 to 128 visible ASCII characters without spaces or quotes, got '"
          + echo(v) + "'");
    }
    return key;
  }
}

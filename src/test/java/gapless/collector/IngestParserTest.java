package gapless.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.collector.IngestParser.InvalidInput;
import gapless.model.CollectorStatus;
import gapless.model.Sample;
import gapless.model.Validation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IngestParserTest {

  private final IngestParser parser = new IngestParser(5);

  private static final String GOOD = "{\"tag\":\"FIC101.PV\",\"ts\":1732400000000,\"value\":12.5,\"quality\":192}";

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String batch(String... entries) {
    return "{\"samples\":[" + String.join(",", entries) + "]}";
  }

  /** A sample entry with raw JSON for each field. */
  private static String entry(String tag, String ts, String value, String quality) {
    return "{\"tag\":" + tag + ",\"ts\":" + ts + ",\"value\":" + value + ",\"quality\":" + quality + "}";
  }

  private List<Sample> parse(String json) {
    return parser.parseSamples(bytes(json));
  }

  /** Parses a body that must be rejected; checks the message is a clean single line. */
  private String error(String json) {
    return error(() -> parse(json));
  }

  private static String error(Runnable r) {
    InvalidInput e = assertThrows(InvalidInput.class, r::run);
    String m = e.getMessage();
    assertFalse(m.isBlank(), "empty message");
    assertFalse(m.contains("\n") || m.contains("\r"), "multi-line message: " + m);
    assertFalse(m.contains("Exception") || m.contains("com.fasterxml") || m.contains("jackson")
        || m.contains("JsonReadFeature") || m.contains("Source:") || m.contains("`"), "leaks internals: " + m);
    return m;
  }

  private static void assertMessage(String expected, String actual) {
    assertEquals(expected, actual);
  }

  private static void assertContains(String actual, String... parts) {
    for (String p : parts) {
      assertTrue(actual.contains(p), "expected '" + p + "' in: " + actual);
    }
  }

  // -------------------------------------------------------------------------------------------
  @Nested
  class Valid {

    @Test
    void parsesTheDocumentedExample() {
      List<Sample> s = parse(batch(GOOD, entry("\"TI200.PV\"", "1732400001000", "-3", "0")));
      assertEquals(List.of(new Sample("FIC101.PV", 1732400000000L, 12.5, 192), new Sample("TI200.PV", 1732400001000L, -3.0, 0)), s);
    }

    @Test
    void keepsRequestOrderAndAllowsRepeatedTags() {
      List<Sample> s = parse(batch(entry("\"a\"", "3", "1", "1"), entry("\"a\"", "1", "2", "1"), entry("\"a\"", "3", "3", "1")));
      assertEquals(List.of(3L, 1L, 3L), s.stream().map(Sample::ts).toList());
      assertEquals(List.of(1.0, 2.0, 3.0), s.stream().map(Sample::value).toList());
    }

    @Test
    void fieldsInAnyOrderAndWhitespaceAround() {
      String json = " \n{ \"samples\" : [ {\"quality\":192, \"value\":1.5, \"ts\":5, \"tag\":\"x\"} ] }\r\n\t ";
      assertEquals(List.of(new Sample("x", 5, 1.5, 192)), parse(json));
    }

    @Test
    void qualityBounds() {
      assertEquals(0, parse(batch(entry("\"a\"", "1", "1", "0"))).get(0).quality());
      assertEquals(255, parse(batch(entry("\"a\"", "1", "1", "255"))).get(0).quality());
    }

    @Test
    void tsBounds() {
      assertEquals(0L, parse(batch(entry("\"a\"", "0", "1", "1"))).get(0).ts());
      assertEquals(0L, parse(batch(entry("\"a\"", "-0", "1", "1"))).get(0).ts());
      assertEquals(Validation.MIN_TS, parse(batch(entry("\"a\"", Long.toString(Validation.MIN_TS), "1", "1"))).get(0).ts());
      assertEquals(Validation.MAX_TS, parse(batch(entry("\"a\"", Long.toString(Validation.MAX_TS), "1", "1"))).get(0).ts());
    }

    @Test
    void values() {
      assertEquals(12.0, parse(batch(entry("\"a\"", "1", "12", "1"))).get(0).value());
      assertEquals(-7.0, parse(batch(entry("\"a\"", "1", "-7", "1"))).get(0).value());
      assertEquals(1e308, parse(batch(entry("\"a\"", "1", "1e308", "1"))).get(0).value());
      assertEquals(-1.7976931348623157E308, parse(batch(entry("\"a\"", "1", "-1.7976931348623157E308", "1"))).get(0).value());
      assertEquals(4.9e-324, parse(batch(entry("\"a\"", "1", "4.9e-324", "1"))).get(0).value());
      assertEquals(0.1, parse(batch(entry("\"a\"", "1", "0.1", "1"))).get(0).value());
      assertEquals(1.5e-3, parse(batch(entry("\"a\"", "1", "1.5E-3", "1"))).get(0).value());
      // An integer bigger than a long is still a finite double.
      assertEquals(1e20, parse(batch(entry("\"a\"", "1", "100000000000000000000", "1"))).get(0).value());
      double negZero = parse(batch(entry("\"a\"", "1", "-0.0", "1"))).get(0).value();
      assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(negZero), "-0.0 keeps its sign");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "A:B/C-D.E_F", "plant1:area-2/FIC_101.PV", "0", "...", "-", "/:", "FIC 101", "temp°C", "a,b",
        "Ünit", "温度", "反应器 2/压力"})
    void tagsWithAllAllowedCharacters(String tag) {
      assertEquals(tag, parse(batch(entry("\"" + tag + "\"", "1", "1", "1"))).get(0).tag());
    }

    @Test
    void longestTag() {
      String tag = "T".repeat(256);
      assertEquals(tag, parse(batch(entry("\"" + tag + "\"", "1", "1", "1"))).get(0).tag());
    }

    @Test
    void exactlyTheLimit() {
      String[] five = new String[5];
      java.util.Arrays.fill(five, GOOD);
      assertEquals(5, parse(batch(five)).size());
    }

    @Test
    void parserIsReusable() {
      assertEquals(1, parse(batch(GOOD)).size());
      error(batch("1"));
      assertEquals(2, parse(batch(GOOD, GOOD)).size());
    }
  }

  // -------------------------------------------------------------------------------------------
  @Nested
  class Body {

    @Test
    void emptyBody() {
      assertMessage("request body is empty", error(""));
      assertMessage("request body is empty", error(() -> parser.parseSamples(new byte[0])));
      assertMessage("request body is empty", error(" \n\t "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[" + GOOD + "]", "\"samples\"", "12", "null", "true"})
    void bodyMustBeAnObject(String json) {
      assertContains(error(json), "request body must be a JSON object, got ");
    }

    @Test
    void bodyNotAnObjectSaysWhatItIs() {
      assertMessage("request body must be a JSON object, got an array", error("[]"));
      assertMessage("request body must be a JSON object, got null", error("null"));
    }

    @Test
    void missingSamples() {
      assertMessage("missing field \"samples\" in request body", error("{}"));
    }

    @Test
    void unknownTopLevelFieldIsNamed() {
      assertMessage("unknown field \"collector\" in request body; the only field is \"samples\"",
          error("{\"collector\":\"c1\",\"samples\":[" + GOOD + "]}"));
      assertContains(error("{\"samples\":[" + GOOD + "],\"extra\":1}"), "unknown field \"extra\"");
      assertContains(error("{\"Samples\":[]}"), "unknown field \"Samples\"");
    }

    @Test
    void duplicateSamples() {
      assertMessage("duplicate field \"samples\" in request body", error("{\"samples\":[" + GOOD + "],\"samples\":[" + GOOD + "]}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "null", "\"x\"", "1", "true"})
    void samplesMustBeAnArray(String v) {
      assertContains(error("{\"samples\":" + v + "}"), "samples must be an array, got ");
    }

    @Test
    void samplesNotArraySaysWhatItIs() {
      assertMessage("samples must be an array, got an object", error("{\"samples\":{}}"));
      assertMessage("samples must be an array, got a string \"x\"", error("{\"samples\":\"x\"}"));
    }

    @Test
    void samplesMustNotBeEmpty() {
      assertMessage("samples must not be empty", error("{\"samples\":[]}"));
    }

    @Test
    void tooManySamplesGivesTheLimit() {
      String[] six = new String[6];
      java.util.Arrays.fill(six, GOOD);
      assertMessage("samples has more than 5 entries, the most accepted in one request", error(batch(six)));
      // Rejected on reaching the limit, before reading the rest (which is malformed here).
      assertContains(error("{\"samples\":[" + String.join(",", java.util.Collections.nCopies(6, GOOD)) + ",{{{"),
          "more than 5 entries");
    }

    @Test
    void limitComesFromConstructor() {
      IngestParser one = new IngestParser(1);
      assertEquals(1, one.parseSamples(bytes(batch(GOOD))).size());
      assertContains(error(() -> one.parseSamples(bytes(batch(GOOD, GOOD)))), "more than 1 entries");
      assertThrows(IllegalArgumentException.class, () -> new IngestParser(0));
    }
  }

  // -------------------------------------------------------------------------------------------
  @Nested
  class Malformed {

    @ParameterizedTest
    @ValueSource(strings = {
        "{",
        "{\"samples\":[",
        "{\"samples\":[{\"tag\":\"a\",\"ts\":1",
        "{\"samples\":[{\"tag\":\"a",
        "{\"samples\":[" + GOOD + "]",
        "{\"samples\":[" + GOOD + "]} x",
        "{\"samples\":[" + GOOD + "]}}",
        "{\"samples\":[" + GOOD + ",]}",
        "{\"samples\":[" + GOOD + "] // comment\n}",
        "{'samples':[]}",
        "{samples:[]}",
        "{\"samples\":[{\"tag\":\"a\",\"ts\":01,\"value\":1,\"quality\":1}]}",
        "{\"samples\":[{\"tag\":\"a\",\"ts\":1,\"value\":+1,\"quality\":1}]}",
        "{\"samples\":[{\"tag\":\"a\",\"ts\":1,\"value\":.5,\"quality\":1}]}",
        "{\"samples\":[{\"tag\":\"a\nb\",\"ts\":1,\"value\":1,\"quality\":1}]}",
    })
    void malformedJsonHasLocation(String json) {
      String m = error(json);
      assertTrue(m.startsWith("malformed JSON: "), m);
      assertTrue(m.matches(".* at line \\d+, column \\d+"), "no location: " + m);
    }

    @Test
    void locationPointsAtTheProblem() {
      assertContains(error("{\"samples\":[\n" + GOOD + "\n] x"), "at line 3, column 3");
    }

    @Test
    void trailingValueAfterTheObject() {
      String m = error("{\"samples\":[" + GOOD + "]} {}");
      assertTrue(m.startsWith("malformed JSON: unexpected content after the JSON object at line 1, column "), m);
    }

    @Test
    void hugeNumberIsRejectedCleanly() {
      String m = error(batch(entry("\"a\"", "1", "9".repeat(2000), "1")));
      assertTrue(m.startsWith("malformed JSON: "), m);
      assertContains(m, "at line 1, column");
    }

    @Test
    void invalidUtf8() {
      byte[] body = bytes(batch(entry("\"a\"", "1", "1", "1")));
      body[body.length - 1] = (byte) 0xff;
      assertTrue(error(() -> parser.parseSamples(body)).startsWith("malformed JSON: "));
    }
  }

  // -------------------------------------------------------------------------------------------
  @Nested
  class Entries {

    @ParameterizedTest
    @ValueSource(strings = {"1", "\"x\"", "[]", "null", "true"})
    void entryMustBeAnObject(String v) {
      assertContains(error(batch(GOOD, v)), "samples[1] must be an object, got ");
    }

    @Test
    void entryNotObjectSaysWhatItIs() {
      assertMessage("samples[2] must be an object, got an array", error(batch(GOOD, GOOD, "[]")));
      assertMessage("samples[0] must be an object, got null", error(batch("null")));
    }

    @Test
    void missingFieldIsNamed() {
      assertMessage("samples[0] is missing field \"tag\"", error(batch("{\"ts\":1,\"value\":1,\"quality\":1}")));
      assertMessage("samples[1] is missing field \"ts\"", error(batch(GOOD, "{\"tag\":\"a\",\"value\":1,\"quality\":1}")));
      assertMessage("samples[2] is missing field \"value\"", error(batch(GOOD, GOOD, "{\"tag\":\"a\",\"ts\":1,\"quality\":1}")));
      assertMessage("samples[3] is missing field \"quality\"", error(batch(GOOD, GOOD, GOOD, "{\"tag\":\"a\",\"ts\":1,\"value\":1}")));
      assertMessage("samples[0] is missing field \"tag\"", error(batch("{}")));
    }

    @Test
    void unknownFieldIsNamed() {
      assertMessage("samples[1] has unknown field \"unit\"; the fields are tag, ts, value, quality",
          error(batch(GOOD, "{\"tag\":\"a\",\"ts\":1,\"value\":1,\"quality\":1,\"unit\":\"m3/h\"}")));
      assertContains(error(batch("{\"Tag\":\"a\",\"ts\":1,\"value\":1,\"quality\":1}")), "samples[0] has unknown field \"Tag\"");
    }

    @Test
    void unknownFieldNameIsTruncatedAndOneLine() {
      String longName = "x".repeat(500);
      String m = error(batch("{\"" + longName + "\":1}"));
      assertTrue(m.length() < 200, m);
      assertContains(m, "samples[0] has unknown field \"" + "x".repeat(80) + "...\"");
      assertContains(error(batch("{\"a\\nb\":1}")), "unknown field \"a b\"");
    }

    @Test
    void duplicateFieldIsRejected() {
      assertMessage("samples[0] has duplicate field \"tag\"",
          error(batch("{\"tag\":\"a\",\"ts\":1,\"value\":1,\"quality\":1,\"tag\":\"b\"}")));
      assertMessage("samples[1] has duplicate field \"ts\"", error(batch(GOOD, "{\"ts\":1,\"ts\":1}")));
      assertMessage("samples[0] has duplicate field \"value\"", error(batch("{\"value\":1,\"value\":1}")));
      assertMessage("samples[0] has duplicate field \"quality\"", error(batch("{\"quality\":1,\"tag\":\"a\",\"quality\":1}")));
    }
  }

  // -------------------------------------------------------------------------------------------
  @Nested
  class Tag {

    @Test
    void tagMustBeAString() {
      assertMessage("samples[0].tag must be a string, got 12", error(batch(entry("12", "1", "1", "1"))));
      assertMessage("samples[1].tag must be a string, got null", error(batch(GOOD, entry("null", "1", "1", "1"))));
      assertMessage("samples[0].tag must be a string, got an array", error(batch(entry("[\"a\"]", "1", "1", "1"))));
      assertMessage("samples[0].tag must be a string, got an object", error(batch(entry("{}", "1", "1", "1"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a\\tb", "a\\nb", "a\\u0000b", "U\\u0308nit"})
    void tagMustBePrintableNfcUnicode(String rawTag) {
      String m = error(batch(GOOD, entry("\"" + rawTag + "\"", "1", "1", "1")));
      assertTrue(m.startsWith("samples[1].tag must be 1 to 256 bytes of UTF-8, printable Unicode in NFC, no control characters, got \""), m);
    }

    @Test
    void tagMessageEchoesTheTag() {
      assertMessage("samples[0].tag must be 1 to 256 bytes of UTF-8, printable Unicode in NFC, no control characters, got \"\"", error(batch(entry("\"\"", "1", "1", "1"))));
    }

    @Test
    void tagTooLongIsRejectedAndEchoTruncated() {
      String m = error(batch(entry("\"" + "T".repeat(257) + "\"", "1", "1", "1")));
      assertMessage("samples[0].tag must be 1 to 256 bytes of UTF-8, printable Unicode in NFC, no control characters, got \"" + "T".repeat(80) + "...\"", m);
    }

    @Test
    void escapedControlCharactersStayOnOneLine() {
      String m = error(batch(entry("\"a\\nb\\r\\u0000c\"", "1", "1", "1")));
      assertContains(m, "samples[0].tag must be", "got \"a b ?c\"");
    }
  }

  // -------------------------------------------------------------------------------------------
  @Nested
  class Ts {

    @Test
    void tsMustBeIntegral() {
      assertMessage("samples[0].ts must be an integer (epoch milliseconds), got 1.5", error(batch(entry("\"a\"", "1.5", "1", "1"))));
      assertMessage("samples[0].ts must be an integer (epoch milliseconds), got 1732400000000.0",
          error(batch(entry("\"a\"", "1732400000000.0", "1", "1"))));
      assertMessage("samples[0].ts must be an integer (epoch milliseconds), got 1.7324E12",
          error(batch(entry("\"a\"", "1.7324E12", "1", "1"))));
    }

    @Test
    void tsMustNotBeAString() {
      assertMessage("samples[2].ts must be an integer (epoch milliseconds), got a string \"1732400000000\"",
          error(batch(GOOD, GOOD, entry("\"a\"", "\"1732400000000\"", "1", "1"))));
      assertMessage("samples[0].ts must be an integer (epoch milliseconds), got null", error(batch(entry("\"a\"", "null", "1", "1"))));
      assertMessage("samples[0].ts must be an integer (epoch milliseconds), got true", error(batch(entry("\"a\"", "true", "1", "1"))));
    }

    @Test
    void tsOutOfRange() {
      String range = "must be between 0 and 32503680000000 (epoch milliseconds), got ";
      assertMessage("samples[0].ts " + range + "-1", error(batch(entry("\"a\"", "-1", "1", "1"))));
      assertMessage("samples[0].ts " + range + "32503680000001", error(batch(entry("\"a\"", "32503680000001", "1", "1"))));
      assertMessage("samples[0].ts " + range + "9223372036854775808", error(batch(entry("\"a\"", "9223372036854775808", "1", "1"))));
      assertMessage("samples[0].ts " + range + "-9223372036854775809", error(batch(entry("\"a\"", "-9223372036854775809", "1", "1"))));
      assertContains(error(batch(entry("\"a\"", "1" + "0".repeat(100), "1", "1"))), "samples[0].ts " + range + "1000");
    }

    @Test
    void nonStandardTokens() {
      assertMessage("samples[0].ts must be an integer (epoch milliseconds), got NaN (not a JSON number)",
          error(batch(entry("\"a\"", "NaN", "1", "1"))));
    }
  }

  // -------------------------------------------------------------------------------------------
  @Nested
  class Value {

    @Test
    void valueMustBeANumber() {
      assertMessage("samples[0].value must be a number, got a string \"12.5\"", error(batch(entry("\"a\"", "1", "\"12.5\"", "1"))));
      assertMessage("samples[1].value must be a number, got null", error(batch(GOOD, entry("\"a\"", "1", "null", "1"))));
      assertMessage("samples[0].value must be a number, got false", error(batch(entry("\"a\"", "1", "false", "1"))));
      assertMessage("samples[0].value must be a number, got an array", error(batch(entry("\"a\"", "1", "[1]", "1"))));
      assertMessage("samples[0].value must be a number, got an object", error(batch(entry("\"a\"", "1", "{}", "1"))));
    }

    @Test
    void valueMustBeFinite() {
      assertMessage("samples[0].value must be a finite number, got 1e999 which is out of range",
          error(batch(entry("\"a\"", "1", "1e999", "1"))));
      assertMessage("samples[1].value must be a finite number, got -1e999 which is out of range",
          error(batch(GOOD, entry("\"a\"", "1", "-1e999", "1"))));
      assertContains(error(batch(entry("\"a\"", "1", "1.8e308", "1"))), "samples[0].value must be a finite number");
      // An integer literal too big for a double.
      assertContains(error(batch(entry("\"a\"", "1", "9".repeat(400), "1"))), "samples[0].value must be a finite number, got 999");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "+Infinity"})
    void nonStandardNumberTokensGetACleanMessage(String token) {
      assertMessage("samples[3].value must be a finite number, got " + token + " (not a JSON number)",
          error(batch(GOOD, GOOD, GOOD, entry("\"a\"", "1", token, "1"))));
    }

    @Test
    void nonStandardTokenAsFirstField() {
      assertMessage("samples[0].value must be a finite number, got NaN (not a JSON number)",
          error(batch("{\"value\":NaN,\"tag\":\"a\",\"ts\":1,\"quality\":1}")));
    }
  }

  // -------------------------------------------------------------------------------------------
  @Nested
  class Quality {

    @Test
    void qualityOutOfRange() {
      assertMessage("samples[3].quality must be an integer 0..255, got 300", error(batch(GOOD, GOOD, GOOD, entry("\"a\"", "1", "1", "300"))));
      assertMessage("samples[0].quality must be an integer 0..255, got 256", error(batch(entry("\"a\"", "1", "1", "256"))));
      assertMessage("samples[0].quality must be an integer 0..255, got -1", error(batch(entry("\"a\"", "1", "1", "-1"))));
      assertMessage("samples[0].quality must be an integer 0..255, got 4294967488", error(batch(entry("\"a\"", "1", "1", "4294967488"))));
    }

    @Test
    void qualityMustBeIntegral() {
      assertMessage("samples[0].quality must be an integer 0..255, got 192.0", error(batch(entry("\"a\"", "1", "1", "192.0"))));
      assertMessage("samples[0].quality must be an integer 0..255, got 1e2", error(batch(entry("\"a\"", "1", "1", "1e2"))));
      assertMessage("samples[0].quality must be an integer 0..255, got a string \"192\"", error(batch(entry("\"a\"", "1", "1", "\"192\""))));
      assertMessage("samples[0].quality must be an integer 0..255, got null", error(batch(entry("\"a\"", "1", "1", "null"))));
      assertMessage("samples[0].quality must be an integer 0..255, got Infinity (not a JSON number)",
          error(batch(entry("\"a\"", "1", "1", "Infinity"))));
    }
  }

  // -------------------------------------------------------------------------------------------
  @Nested
  class Status {

    private StatusRequest status(String json) {
      return parser.parseStatus(bytes(json));
    }

    private String statusError(String json) {
      return error(() -> status(json));
    }

    @Test
    void valid() {
      assertEquals(new StatusRequest(CollectorStatus.STOPPED, "maintenance"), status("{\"status\":\"STOPPED\",\"reason\":\"maintenance\"}"));
      assertEquals(new StatusRequest(CollectorStatus.RUNNING, ""), status("{\"status\":\"RUNNING\"}"));
      assertEquals(new StatusRequest(CollectorStatus.RUNNING, ""), status("{\"reason\":null,\"status\":\"RUNNING\"}"));
      assertEquals(new StatusRequest(CollectorStatus.STOPPED, "ünïcødé ok\nin reasons"),
          status("{\"reason\":\"ünïcødé ok\\nin reasons\",\"status\":\"STOPPED\"}"));
      String max = "r".repeat(IngestParser.MAX_REASON_CHARS);
      assertEquals(max, status("{\"status\":\"STOPPED\",\"reason\":\"" + max + "\"}").reason());
    }

    @Test
    void emptyAndNonObject() {
      assertMessage("request body is empty", statusError(""));
      assertMessage("request body must be a JSON object, got a string \"STOPPED\"", statusError("\"STOPPED\""));
    }

    @Test
    void statusRequired() {
      assertMessage("missing field \"status\" in request body", statusError("{}"));
      assertMessage("missing field \"status\" in request body", statusError("{\"reason\":\"x\"}"));
    }

    @Test
    void statusValues() {
      assertMessage("status must be \"RUNNING\" or \"STOPPED\", got a string \"stopped\"", statusError("{\"status\":\"stopped\"}"));
      assertMessage("status must be \"RUNNING\" or \"STOPPED\", got a string \"PAUSED\"", statusError("{\"status\":\"PAUSED\"}"));
      assertMessage("status must be \"RUNNING\" or \"STOPPED\", got null", statusError("{\"status\":null}"));
      assertMessage("status must be \"RUNNING\" or \"STOPPED\", got 1", statusError("{\"status\":1}"));
    }

    @Test
    void reason() {
      assertMessage("reason must be a string, got 5", statusError("{\"status\":\"STOPPED\",\"reason\":5}"));
      assertMessage("reason must be a string, got an object", statusError("{\"status\":\"STOPPED\",\"reason\":{}}"));
      assertMessage("reason must be at most 512 characters, got 513",
          statusError("{\"status\":\"STOPPED\",\"reason\":\"" + "r".repeat(513) + "\"}"));
    }

    @Test
    void unknownAndDuplicateFields() {
      assertMessage("unknown field \"since\" in request body; the fields are status, reason",
          statusError("{\"status\":\"STOPPED\",\"since\":1}"));
      assertMessage("duplicate field \"status\" in request body", statusError("{\"status\":\"STOPPED\",\"status\":\"RUNNING\"}"));
      assertMessage("duplicate field \"reason\" in request body",
          statusError("{\"status\":\"STOPPED\",\"reason\":\"a\",\"reason\":\"b\"}"));
    }

    @Test
    void malformed() {
      assertTrue(statusError("{\"status\":\"STOPPED\"").startsWith("malformed JSON: "));
      assertTrue(statusError("{\"status\":\"STOPPED\"} []").startsWith("malformed JSON: unexpected content after the JSON object"));
    }
  }

  // -------------------------------------------------------------------------------------------
  @Nested
  class CollectorId {

    @ParameterizedTest
    @ValueSource(strings = {"c1", "plant-1.line_2", "A", "0123456789012345678901234567890123456789012345678901234567890123"})
    void valid(String id) {
      IngestParser.checkCollectorId(id);
    }

    @Test
    void invalid() {
      assertMessage("collector id must match [A-Za-z0-9._-]{1,64}, got 'a b'", error(() -> IngestParser.checkCollectorId("a b")));
      assertMessage("collector id must match [A-Za-z0-9._-]{1,64}, got ''", error(() -> IngestParser.checkCollectorId("")));
      assertMessage("collector id must match [A-Za-z0-9._-]{1,64}, got ''", error(() -> IngestParser.checkCollectorId(null)));
      assertMessage("collector id must match [A-Za-z0-9._-]{1,64}, got 'a:b'", error(() -> IngestParser.checkCollectorId("a:b")));
      assertMessage("collector id must match [A-Za-z0-9._-]{1,64}, got '" + "x".repeat(65) + "'",
          error(() -> IngestParser.checkCollectorId("x".repeat(65))));
    }

    @Test
    void echoIsTruncatedTo80CharsAndOneLine() {
      String m = error(() -> IngestParser.checkCollectorId("y".repeat(1000)));
      assertMessage("collector id must match [A-Za-z0-9._-]{1,64}, got '" + "y".repeat(80) + "...'", m);
      assertContains(error(() -> IngestParser.checkCollectorId("a\nb\u0007")), "got 'a b?'");
    }
  }
}

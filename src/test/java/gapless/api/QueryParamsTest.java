package gapless.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.collector.IngestParser.InvalidInput;
import gapless.config.GaplessSettings.QuerySettings;
import gapless.model.Aggregate;
import gapless.model.Csv;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryParamsTest {

  private static final long NOW = 1_764_144_000_000L; // 2025-11-26T08:00:00Z
  private static final QuerySettings SETTINGS = new QuerySettings(50_000, 3_600_000, 2000);

  private static QueryParams parse(String... pairs) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      params.computeIfAbsent(pairs[i], k -> new java.util.ArrayList<>()).add(pairs[i + 1]);
    }
    return QueryParams.parse(params, NOW, SETTINGS);
  }

  private static String error(String... pairs) {
    return assertThrows(InvalidInput.class, () -> parse(pairs)).getMessage();
  }

  @Test
  void rawSamplesOfOneTagByDefaultOverAllTime() {
    QueryParams q = parse("tag", "FIC101.PV");
    assertEquals(List.of("FIC101.PV"), q.tags());
    assertEquals(0, q.from());
    assertEquals(Long.MAX_VALUE, q.to());
    assertEquals(50_000, q.limit());
    assertEquals(0, q.intervalMs());
    assertEquals(null, q.aggregate());
  }

  @Test
  void timesAsEpochMsIsoRelativeOrNow() {
    assertEquals(1234, QueryParams.time("from", "1234", 0, NOW));
    assertEquals(NOW, QueryParams.time("from", "now", 0, NOW));
    assertEquals(NOW - 3_600_000, QueryParams.time("from", "-1h", 0, NOW));
    assertEquals(NOW - 15 * 60_000, QueryParams.time("from", "now-15m", 0, NOW));
    assertEquals(NOW - 7 * 86_400_000L, QueryParams.time("from", "-1w", 0, NOW));
    assertEquals(NOW, QueryParams.time("from", "2025-11-26T08:00:00Z", 0, NOW));
    assertEquals(NOW + 500, QueryParams.time("from", "2025-11-26T08:00:00.500Z", 0, NOW));
    assertEquals(NOW, QueryParams.time("from", "2025-11-26T09:00:00+01:00", 0, NOW));
    assertEquals(NOW - 8 * 3_600_000, QueryParams.time("from", "2025-11-26", 0, NOW));
    assertTrue(error("tag", "T", "from", "yesterday").contains("'from' must be epoch ms, ISO-8601"));
    assertTrue(error("tag", "T", "to", "2025-13-01T00:00:00Z").contains("'to' must be epoch ms, ISO-8601"));
  }

  @Test
  void aggregatesNeedIntervalAndAggTogetherAndABoundedCountOfIntervals() {
    QueryParams q = parse("tag", "A", "tag", "温度", "from", "-1h", "interval", "1m", "agg", "avg");
    assertEquals(List.of("A", "温度"), q.tags());
    assertEquals(60_000, q.intervalMs());
    assertEquals(Aggregate.AVG, q.aggregate());
    assertEquals(NOW, q.to(), "to defaults to now for an aggregate");
    assertEquals(500, parse("tag", "A", "from", "0", "to", "10000", "interval", "500", "agg", "MAX").intervalMs());
    assertTrue(error("tag", "A", "interval", "1m").contains("'interval' and 'agg' go together"));
    assertTrue(error("tag", "A", "from", "-1h", "interval", "1m", "agg", "median").contains("'agg' must be one of [avg, min, max, first, last, count]"));
    assertTrue(error("tag", "A", "from", "-1h", "interval", "1 minute", "agg", "avg").contains("'interval' must be a duration"));
    assertTrue(error("tag", "A", "from", "-1h", "interval", "0s", "agg", "avg").contains("at least 1 ms"));
    assertTrue(error("tag", "A", "from", "-1d", "interval", "1s", "agg", "avg")
        .contains("86401 intervals of 1s cover the range, at most 2000 (gapless.query.max-intervals)"));
  }

  @Test
  void interpolationTakesAStepAloneAndABoundedCountOfSteps() {
    QueryParams q = parse("tag", "A", "from", "-10m", "interpolate", "10s");
    assertEquals(10_000, q.stepMs());
    assertEquals(NOW, q.to());
    assertEquals(0, q.intervalMs());
    assertTrue(error("tag", "A", "from", "-1h", "interpolate", "10s", "interval", "1m", "agg", "avg").contains("do not go together"));
    assertTrue(error("tag", "A", "from", "-1d", "interpolate", "1s").contains("86401 steps of 1s cover the range, at most 2000"));
  }

  @Test
  void lastValueLooksBackWithinAWindowBeforeAt() {
    QueryParams q = QueryParams.last(Map.of("tag", List.of("A", "B")), NOW, SETTINGS);
    assertEquals(List.of("A", "B"), q.tags());
    assertEquals(NOW - 86_400_000L, q.from());
    assertEquals(NOW, q.to());
    assertEquals(86_400_001L, q.intervalMs(), "one interval covers the window");
    assertEquals(Aggregate.LAST, q.aggregate());
    QueryParams at = QueryParams.last(Map.of("tag", List.of("A"), "at", List.of("-1h"), "within", List.of("10m")), NOW, SETTINGS);
    assertEquals(List.of(NOW - 4_200_000L, NOW - 3_600_000L), List.of(at.from(), at.to()));
    assertTrue(assertThrows(InvalidInput.class, () -> QueryParams.last(Map.of("tag", List.of("A"), "from", List.of("1")), NOW, SETTINGS))
        .getMessage().contains("unknown query parameter 'from'"));
  }

  @Test
  void badParametersSayWhatIsWrong() {
    assertTrue(error().contains("'tag' is required"));
    assertTrue(error("tag", "T", "form", "1").contains("unknown query parameter 'form'"));
    assertTrue(error("tag", "T", "from", "1", "from", "2").contains("'from' given 2 times"));
    assertTrue(error("tag", "a\u0000b").contains("tag must be 1 to 256 bytes"));
    assertTrue(error("tag", "T", "from", "10", "to", "5").contains("'to' (5) is before 'from' (10)"));
    assertTrue(error("tag", "T", "limit", "0").contains("'limit' must be at least 1"));
    assertTrue(error("tag", "T", "replica", "all").contains("'replica' can only be 'local'"));
    assertTrue(error("tag", "T", "format", "xml").contains("'format' must be json, csv or binary"));
    assertEquals(50_000, parse("tag", "T", "limit", "999999").limit(), "capped at max-samples");
    assertTrue(parse("tag", "T", "format", "csv").csv());
    assertEquals(QueryParams.Format.BINARY, parse("tag", "T", "format", "binary").format());
    assertEquals(QueryParams.Format.JSON, parse("tag", "T").format());
    assertTrue(error("tag", "T", "format", "binary", "interval", "1m", "agg", "avg", "from", "0", "to", "60000")
        .contains("format=binary answers raw samples"));
    assertTrue(assertThrows(InvalidInput.class, () -> QueryParams.last(Map.of("tag", List.of("A"), "format", List.of("binary")), NOW,
        SETTINGS)).getMessage().contains("last values are json or csv"));
  }

  @Test
  void csvFieldsAreQuotedWhenTheyMustBe() {
    assertEquals("FIC101.PV", Csv.field("FIC101.PV"));
    assertEquals("Reactor 1 Temp", Csv.field("Reactor 1 Temp"));
    assertEquals("\"a,b\"", Csv.field("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", Csv.field("say \"hi\""));
  }
}

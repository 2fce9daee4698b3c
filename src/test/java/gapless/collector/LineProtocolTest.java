package gapless.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.collector.LineProtocol.Precision;
import gapless.model.Sample;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineProtocolTest {

  private static final long NOW = 1_764_144_000_000L;

  private static LineProtocol.Points parse(String body, Precision p) {
    return LineProtocol.parse(body.getBytes(StandardCharsets.UTF_8), p, NOW, 100);
  }

  private static String error(String body) {
    return assertThrows(IngestParser.InvalidInput.class, () -> parse(body, Precision.NS)).getMessage();
  }

  @Test
  void eachFieldIsASampleNamedByMeasurementSortedTagsAndField() {
    LineProtocol.Points p = parse("cpu,region=eu,host=a usage_idle=93.5,usage_user=4i 1764144000123456789\n", Precision.NS);
    assertEquals(List.of(new Sample("cpu,host=a,region=eu.usage_idle", NOW + 123, 93.5, 192),
        new Sample("cpu,host=a,region=eu.usage_user", NOW + 123, 4, 192)), p.samples());
    assertTrue(p.allTimed());
  }

  @Test
  void precisionsBooleansCommentsEscapesAndUnicode() {
    String body = "# a comment\n\n"
        + "Reactor\\ 1,unit=°C Temp=350.5 1764144000\r\n"
        + "温度 值=21.5,ok=t,bad=F,count=7u 1764144000\n"
        + "my\\,m,t\\=k=v\\ 1 f=1e3 1764144000\n";
    List<Sample> s = parse(body, Precision.S).samples();
    assertEquals(List.of(new Sample("Reactor 1,unit=°C.Temp", NOW, 350.5, 192), new Sample("温度.值", NOW, 21.5, 192),
        new Sample("温度.ok", NOW, 1, 192), new Sample("温度.bad", NOW, 0, 192), new Sample("温度.count", NOW, 7, 192),
        new Sample("my,m,t=k=v 1.f", NOW, 1000, 192)), s);
    assertEquals(NOW, parse("m f=1 1764144000000", Precision.MS).samples().get(0).ts());
    assertEquals(NOW, parse("m f=1 1764144000000000", Precision.US).samples().get(0).ts());
  }

  @Test
  void aPointWithoutTimeTakesNow() {
    LineProtocol.Points p = parse("m f=1\nm f=2 1764144000000000000", Precision.NS);
    assertEquals(List.of(NOW, NOW), p.samples().stream().map(Sample::ts).toList());
    assertFalse(p.allTimed());
  }

  @Test
  void theFirstBadLineIsNamedByItsNumber() {
    assertEquals("line 2: field 'f' is a string; only numbers and booleans can be stored", error("m f=1\nm f=\"text\"\nm f=2"));
    assertEquals("line 1: field 'f' must be a number or a boolean, got 'NaN'", error("m f=NaN"));
    assertEquals("line 1: field 'f' must be a number or a boolean, got '1d'", error("m f=1d"));
    assertEquals("line 1: missing field key at the end of the line", error("m "));
    assertEquals("line 1: expected 'a space' at column 2, got the end of the line", error("m"));
    assertEquals("line 1: timestamp must be an integer, got 'soon'", error("m f=1 soon"));
    assertEquals("line 1: timestamp -1 ms is outside the years 1970..2999 (check the precision)", error("m f=1 -1000000"));
    assertTrue(error("m,t=a\u0001b f=1").startsWith("line 1: the Gapless tag 'm,t=a\u0001b.f' must be 1 to 256 bytes"));
    assertEquals("no points: the body holds no line of line protocol", error("# nothing\n\n"));
    assertTrue(assertThrows(IngestParser.InvalidInput.class, () -> LineProtocol.parse("m a=1,b=2,c=3".getBytes(StandardCharsets.UTF_8),
        Precision.NS, NOW, 2)).getMessage().startsWith("more than 2 fields in one request"));
    assertEquals("the body is not UTF-8 text", assertThrows(IngestParser.InvalidInput.class,
        () -> LineProtocol.parse(new byte[] {'m', ' ', 'f', '=', '1', (byte) 0xff}, Precision.NS, NOW, 10)).getMessage());
    assertEquals("precision must be ns, us, ms or s, got 'h'", assertThrows(IngestParser.InvalidInput.class, () -> Precision.parse("h")).getMessage());
  }
}

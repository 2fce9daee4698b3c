package gapless.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SampleColumnsTest {

  @Test
  void roundTripsEachTagsSamplesInTheirOrder() {
    SplittableRandom random = new SplittableRandom(11);
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      // Times jump back and forth, values take any finite double, tags are ASCII and not.
      samples.add(new Sample(i % 3 == 0 ? "FIC101.PV" : i % 3 == 1 ? "température/2" : "T" + i % 7,
          random.nextLong(Validation.MAX_TS + 1), Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL) * (i % 2 == 0 ? 1 : -1),
          random.nextInt(256)));
    }
    List<Sample> decoded = SampleColumns.decode(SampleColumns.encode(samples), 10_000);
    // Tag by tag, in order of first appearance; each tag's samples in the order sent.
    List<String> tagOrder = samples.stream().map(Sample::tag).distinct().toList();
    List<Sample> expected = samples.stream().sorted(Comparator.comparingInt(s -> tagOrder.indexOf(s.tag()))).toList();
    assertEquals(expected, decoded);
  }

  @Test
  void theLayoutIsTheDocumentedOne() {
    byte[] body = SampleColumns.encode(List.of(new Sample("A", 1000, 1.5, 192), new Sample("A", 990, -2.0, 0)));
    ByteBuffer expected = ByteBuffer.allocate(64);
    expected.put("GLS".getBytes(StandardCharsets.US_ASCII)).put((byte) 1);
    expected.put((byte) 1).put((byte) 1).put((byte) 'A').put((byte) 2);
    // 1000 as a varint, then -10 as a zigzag varint (19).
    expected.put((byte) 0xe8).put((byte) 0x07).put((byte) 19);
    expected.putDouble(1.5).putDouble(-2.0).put((byte) 192).put((byte) 0);
    byte[] layout = new byte[expected.position()];
    expected.flip().get(layout);
    assertArrayEquals(layout, body);
  }

  @Test
  void everyBrokenRuleIsAOneLineReason() {
    byte[] good = SampleColumns.encode(List.of(new Sample("A", 1000, 1.5, 192), new Sample("B", 2000, 2.5, 192)));
    assertRefused("starts with \"GLS\"", "{\"samples\":[]}".getBytes(StandardCharsets.US_ASCII), 10);
    assertRefused("version 2 is not known", with(good, 3, (byte) 2), 10);
    assertRefused("ends early, in tags[1]", java.util.Arrays.copyOf(good, good.length - 1), 10);
    assertRefused("3 bytes after the last tag", concat(good, new byte[3]), 10);
    assertRefused("more than 1 samples in one request", good, 1);
    assertRefused("tagCount must be at least 1", new byte[] {'G', 'L', 'S', 1, 0}, 10);
    assertRefused("tags[0] name must be", SampleColumns.encode(List.of(new Sample("bad\ttag", 1, 1, 192))), 10);
    assertRefused("tags[0] name is not UTF-8", new byte[] {'G', 'L', 'S', 1, 1, 1, (byte) 0xff, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 10);
    assertRefused("ts 0 must be between", SampleColumns.encode(List.of(new Sample("A", Validation.MAX_TS + 1, 1, 192))), 10);
    assertRefused("ts 1 must be between", SampleColumns.encode(List.of(new Sample("A", 5, 1, 192), new Sample("A", -1, 1, 192))), 10);
    byte[] nan = SampleColumns.encode(List.of(new Sample("A", 5, 1.5, 192)));
    ByteBuffer.wrap(nan).putDouble(nan.length - 9, Double.NaN);
    assertRefused("value 0 must be a finite number", nan, 10);
    // A count of 10,000 samples in a body of a few bytes: refused before anything is allocated for them.
    assertRefused("ends early, in tags[0]", new byte[] {'G', 'L', 'S', 1, 1, 1, 'A', (byte) 0x90, 0x4e, 0}, 10_000);
  }

  @Test
  void whatNoGatewayWouldTakeIsNotEncoded() {
    assertThrows(IllegalArgumentException.class, () -> SampleColumns.encode(List.of()));
    assertThrows(IllegalArgumentException.class, () -> SampleColumns.encode(List.of(new Sample("A", 5, 1, 256))));
    assertThrows(IllegalArgumentException.class, () -> SampleColumns.encode(List.of(new Sample("A", 5, Double.POSITIVE_INFINITY, 1))));
  }

  private static void assertRefused(String reason, byte[] body, int max) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SampleColumns.decode(body, max));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }

  private static byte[] with(byte[] b, int at, byte value) {
    byte[] copy = b.clone();
    copy[at] = value;
    return copy;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

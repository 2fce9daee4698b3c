package gapless.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayBufferTest {

  @Test
  void keepsEntriesAcrossAReopenWithinItsBudget() throws Exception {
    Path dir = Files.createTempDirectory("gateway-buffer-test");
    try (GatewayBuffer buffer = GatewayBuffer.open(dir, 100)) {
      assertTrue(buffer.reserve(60));
      buffer.put("c-1", 2, 7, new byte[60]);
      assertFalse(buffer.reserve(41), "over the budget");
      assertTrue(buffer.reserve(40));
      buffer.release(40);
      assertTrue(buffer.reserve(30));
      buffer.put("c", 3, 1, new byte[] {1, 2, 3});
      buffer.release(27);
    }
    try (GatewayBuffer buffer = GatewayBuffer.open(dir, 100)) {
      assertEquals(63, buffer.bytes());
      assertEquals(List.of(new GatewayBuffer.Key("c", 3, 1), new GatewayBuffer.Key("c-1", 2, 7)), buffer.keys());
      assertEquals(List.of(new GatewayBuffer.Key("c", 3, 1)), buffer.keys("c"));
      assertArrayEquals(new byte[] {1, 2, 3}, buffer.read("c", 3, 1).orElseThrow());
      buffer.delete("c-1", 2, 7);
      buffer.delete("c-1", 2, 7);
      assertEquals(3, buffer.bytes());
      assertTrue(buffer.read("c-1", 2, 7).isEmpty());
    }
  }

  @Test
  void keysRoundTrip() {
    GatewayBuffer.Key k = GatewayBuffer.parse(GatewayBuffer.key("sim-0001", 12, 345));
    assertEquals(new GatewayBuffer.Key("sim-0001", 12, 345), k);
  }
}

package gapless.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GaplessSettingsTest {

  @Test
  void settingsAreGroupedByTheirSectionOfReferenceConf() {
    GaplessSettings s = GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(
        "gapless.node-id = s1\nakka.cluster.roles = [storage]\ngapless.replica.restart-backoff.max = 7s\n")));
    assertEquals(Duration.ofSeconds(7), s.replica().restartBackoff().max());
    assertEquals(1L << 30, s.ingest().bufferMaxBytes());
    assertEquals(8, s.recovery().maxConcurrent());
  }

  @Test
  void aBackoffDoublesFromMinUpToMaxWithAtMostItsJitter() {
    GaplessSettings.Backoff b = new GaplessSettings.Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), 0.5);
    long[] base = {100, 100, 200, 400, 800, 1000, 1000};
    for (int failures = 0; failures < base.length; failures++) {
      long millis = b.delayAfter(failures).toMillis();
      assertTrue(millis >= base[failures] && millis <= base[failures] * 1.5, failures + " failures: " + millis + " ms");
    }
    assertEquals(Duration.ofMillis(1000), new GaplessSettings.Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), 0)
        .delayAfter(1000));
  }

  @Test
  void theSampleStoreIsCompressedUnlessToldNone() {
    String node = "gapless.node-id = s1\nakka.cluster.roles = [storage]\n";
    assertTrue(GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(node))).disk().compressed());
    assertFalse(GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(node + "gapless.disk.compression = none\n")))
        .disk().compressed());
    NodeConfig.InvalidConfig e = assertThrows(NodeConfig.InvalidConfig.class, () -> GaplessSettings.from(NodeConfig.complete(
        ConfigFactory.parseString(node + "gapless.disk.compression = lz4\n"))));
    assertTrue(e.getMessage().contains("must be snappy or none, got 'lz4'"), e.getMessage());
  }
}

package gapless.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CollectorStatusTest {

  @Test
  void codesAreFixedBecauseStoredBatchesCarryThem() {
    assertEquals(0, CollectorStatus.RUNNING.code());
    assertEquals(1, CollectorStatus.STOPPED.code());
  }

  @Test
  void everyCodeReadsBackAndAnUnknownOneIsAnError() {
    for (CollectorStatus s : CollectorStatus.values()) {
      assertEquals(s, CollectorStatus.fromCode(s.code()));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CollectorStatus.fromCode(7));
    assertEquals("unknown collector status code 7", e.getMessage());
  }
}

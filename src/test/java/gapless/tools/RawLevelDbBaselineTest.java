package gapless.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawLevelDbBaselineTest {

  @TempDir
  Path dir;

  @Test
  void scansEveryKeyTheWriteLeft() {
    RawLevelDbBaseline.Result written = RawLevelDbBaseline.measure(dir.resolve("db"), 5000, 16, false);
    RawLevelDbBaseline.Result scanned = RawLevelDbBaseline.scan(dir.resolve("db"));
    assertEquals(5000, written.keys());
    assertEquals(5000, scanned.keys());
    assertTrue(scanned.keysPerSecond() > 0);
  }

  @Test
  void anEmptyDatabaseIsNoBaseline() throws Exception {
    Files.createDirectories(dir.resolve("empty"));
    assertThrows(IllegalArgumentException.class, () -> RawLevelDbBaseline.scan(dir.resolve("empty")));
  }
}

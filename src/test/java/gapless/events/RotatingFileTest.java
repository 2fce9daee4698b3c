package gapless.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingFileTest {

  @TempDir Path dir;

  @Test
  void aFullFileIsRotatedAndOnlyTheNewestRotatedFilesAreKept() throws IOException {
    Path file = dir.resolve("s1-events.jsonl");
    try (RotatingFile f = new RotatingFile(file, 20, 2)) {
      for (int i = 1; i <= 8; i++) {
        f.writeLine("line-" + i + "-xxxxxxx"); // 16 bytes with the newline: two lines fill a file
      }
    }
    assertEquals(List.of("line-7-xxxxxxx", "line-8-xxxxxxx"), Files.readAllLines(file));
    assertEquals(List.of("line-5-xxxxxxx", "line-6-xxxxxxx"), Files.readAllLines(RotatingFile.rotated(file, 1)));
    assertEquals(List.of("line-3-xxxxxxx", "line-4-xxxxxxx"), Files.readAllLines(RotatingFile.rotated(file, 2)));
    assertFalse(Files.exists(RotatingFile.rotated(file, 3)), "only two rotated files are kept");
  }

  @Test
  void aReopenedFileCountsWhatIsAlreadyThere() throws IOException {
    Path file = dir.resolve("s1-events.jsonl");
    try (RotatingFile f = new RotatingFile(file, 20, 1)) {
      f.writeLine("line-1-xxxxxxx");
    }
    try (RotatingFile f = new RotatingFile(file, 20, 1)) {
      f.writeLine("line-2-xxxxxxx");
      f.writeLine("line-3-xxxxxxx");
    }
    assertEquals(List.of("line-3-xxxxxxx"), Files.readAllLines(file));
    assertEquals(List.of("line-1-xxxxxxx", "line-2-xxxxxxx"), Files.readAllLines(RotatingFile.rotated(file, 1)));
  }
}

package gapless.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassArchiveTest {

  @TempDir
  Path dir;

  @Test
  void theFirstNodeWritesTheArchiveAndLaterNodesStartFromIt() throws IOException {
    Path jar = jar();
    ClassArchive archive = new ClassArchive(jar, Duration.ZERO);
    Path written = writeTarget(archive.optionsFor("s1"));
    assertEquals(List.of(), archive.optionsFor("s2"), "one writer at a time");

    Files.write(written, new byte[] {1, 2, 3});
    archive.exited("s1", 143);

    Path jsa = dir.resolve("gapless.jsa");
    assertTrue(Files.isRegularFile(jsa));
    assertFalse(Files.exists(written));
    assertEquals(List.of("-XX:SharedArchiveFile=" + jsa, "-Xlog:cds*=off"), archive.optionsFor("s3"));
  }

  @Test
  void aKilledWriterLeavesNoArchiveAndTheNextNodeWritesOne() throws IOException {
    assertNoArchiveAndTheNextNodeWritesOne(new ClassArchive(jar(), Duration.ZERO), 137);
  }

  @Test
  void aWriterThatRanOnlyBrieflyLeavesNoArchiveAndTheNextNodeWritesOne() throws IOException {
    assertNoArchiveAndTheNextNodeWritesOne(new ClassArchive(jar(), Duration.ofHours(1)), 143);
  }

  /** s1 writes an archive and exits with {@code exitCode}: nothing is kept, and s2 writes one. */
  private void assertNoArchiveAndTheNextNodeWritesOne(ClassArchive archive, int exitCode) throws IOException {
    Path written = writeTarget(archive.optionsFor("s1"));
    Files.write(written, new byte[] {1});
    archive.exited("s1", exitCode);

    assertFalse(Files.exists(dir.resolve("gapless.jsa")));
    assertFalse(Files.exists(written));
    writeTarget(archive.optionsFor("s2"));
  }

  @Test
  void anArchiveOlderThanTheJarIsWrittenAgain() throws IOException {
    Path jar = jar();
    Path jsa = Files.write(dir.resolve("gapless.jsa"), new byte[] {1});
    Files.setLastModifiedTime(jsa, FileTime.from(Instant.now().minusSeconds(60)));
    writeTarget(new ClassArchive(jar, Duration.ZERO).optionsFor("s1"));
  }

  private Path jar() throws IOException {
    Path jar = Files.write(dir.resolve("gapless.jar"), new byte[] {0});
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(10)));
    return jar;
  }

  /** The options ask the JVM to write an archive at exit: where. */
  private static Path writeTarget(List<String> options) {
    assertEquals(2, options.size(), options.toString());
    assertTrue(options.get(0).startsWith("-XX:ArchiveClassesAtExit="), options.toString());
    return Path.of(options.get(0).substring("-XX:ArchiveClassesAtExit=".length()));
  }
}

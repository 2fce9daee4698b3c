package gapless.node;

import static org.fusesource.leveldbjni.JniDBFactory.factory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import gapless.store.SampleStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirsTest {

  @TempDir Path dir;

  private static com.typesafe.config.Config journalAt(Path journal) {
    return ConfigFactory.parseString("akka.persistence.journal.leveldb.dir = \"" + journal + "\"");
  }

  /** A LevelDB with some data, whose table and manifest files are then overwritten with garbage. */
  private static Path damagedLevelDb(Path db) throws IOException {
    try (DB d = factory.open(db.toFile(), new Options().createIfMissing(true))) {
      for (int i = 0; i < 1000; i++) {
        d.put(("key-" + i).getBytes(StandardCharsets.UTF_8), new byte[100]);
      }
    }
    try (Stream<Path> files = Files.list(db)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("MANIFEST")).toList()) {
        Files.write(f, "not a manifest at all, just garbage".repeat(20).getBytes(StandardCharsets.UTF_8));
      }
    }
    return db;
  }

  @Test
  void aMissingJournalIsFineAndAHealthyOneToo() throws IOException {
    assertEquals(Optional.empty(), DataDirs.journalProblem(journalAt(dir.resolve("journal"))));
    try (DB d = factory.open(dir.resolve("journal").toFile(), new Options().createIfMissing(true))) {
      d.put(new byte[] {1}, new byte[] {2});
    }
    assertEquals(Optional.empty(), DataDirs.journalProblem(journalAt(dir.resolve("journal"))));
  }

  @Test
  void aDamagedJournalIsNamedWithWhatIsWrong() throws IOException {
    Path journal = damagedLevelDb(dir.resolve("journal"));
    Optional<String> problem = DataDirs.journalProblem(journalAt(journal));
    assertTrue(problem.isPresent());
    assertTrue(problem.get().startsWith("the journal in " + journal + " cannot be read: "), problem.get());
  }

  @Test
  void aDamagedSampleStoreIsRecognisedAsCorrupt() throws IOException {
    Path samples = damagedLevelDb(dir.resolve("samples"));
    RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
        () -> SampleStore.open(samples, 1000, "s1"));
    assertTrue(DataDirs.isCorruption(e), DataDirs.oneLine(e));
    assertTrue(DataDirs.wayOut(samples, "s1").startsWith("move " + samples + " away"));
  }
}

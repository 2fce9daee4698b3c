package gapless.node;

import static org.fusesource.leveldbjni.JniDBFactory.factory;

import com.typesafe.config.Config;
import gapless.store.TornLogTail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;

/**
 * Start-up checks of a node's data directory, so a damaged one stops the node with one line that
 * names the file and the way out, instead of a replica that silently starts empty or fails over
 * and over in its actor.
 */
final class DataDirs {

  private DataDirs() {}

  /**
   * Opens the Akka LevelDB journal once with LevelDB's paranoid checks (then closes it, before the
   * actor system opens it): what is wrong with it, if anything. A node without a journal yet is fine;
   * a record that a crash tore at the end of its log is cut off first ({@link TornLogTail}).
   */
  static Optional<String> journalProblem(Config config) {
    String key = "akka.persistence.journal.leveldb.dir";
    if (!config.hasPath(key)) {
      return Optional.empty();
    }
    Path dir = Path.of(config.getString(key));
    if (!Files.exists(dir.resolve("CURRENT"))) {
      return Optional.empty();
    }
    try {
      TornLogTail.cut(dir);
    } catch (UncheckedIOException e) {
      return Optional.of("the journal in " + dir + " cannot be read: " + oneLine(e));
    }
    try (DB db = factory.open(dir.toFile(), new Options().createIfMissing(false).paranoidChecks(true))) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of("the journal in " + dir + " cannot be read: " + oneLine(e));
    }
  }

  /** What an operator does about a damaged store or journal: start over from the siblings. */
  static String wayOut(Path dir, String nodeId) {
    return "move " + dir + " away (keep it for a post-mortem) and start " + nodeId + " again: it rebuilds its replicas"
        + " from their siblings (STORE_REBUILD, then recovery)";
  }

  /** LevelDB found a damaged file (a checksum, a missing or bad file), rather than, say, a lock. */
  static boolean isCorruption(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("Corruption") || m.contains("corrupt")) {
        return true;
      }
    }
    return false;
  }

  /** The messages of {@code e} and its causes on one line, each once. */
  static String oneLine(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && !out.toString().contains(m)) {
        out.append(out.length() == 0 ? "" : ": ").append(m.replace('\n', ' '));
      }
    }
    return out.toString();
  }
}

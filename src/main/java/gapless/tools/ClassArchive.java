package gapless.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * The class-data sharing archive (JDK 17's dynamic AppCDS) of the shaded jar, for local nodes. A
 * node JVM spends most of its first second and a half loading and verifying classes from the 57 MB
 * jar: started from an archive of them, a storage node restarted into an idle cluster answered
 * ready in 1.3-1.5 s instead of 2.0-2.3 s (docs/BENCHMARKS.md).
 *
 * <p>The archive lives next to the jar ({@code target/gapless.jsa}) and is used while it is newer
 * than the jar (the JVM checks the jar too, and runs without an archive that does not match it).
 * While there is none, the first node started writes it: the JVM dumps the classes it loaded when
 * it exits, into a file of its own that becomes the archive once that node has exited without a
 * SIGKILL (a killed JVM writes nothing, or may leave half a file), and after it ran long enough to
 * have loaded what a node uses (a demo stopped after seconds left an archive of fewer classes,
 * and the restarts from it had the slowest recoveries of their sitting).
 */
final class ClassArchive {

  private static final int KILLED = 128 + 9;
  // The JVM's notes about classes it cannot archive (picocli's are Java 5 classes) stay out of node logs.
  private static final String QUIET = "-Xlog:cds*=off";
  private static final Duration MIN_WRITER_LIFE = Duration.ofSeconds(30);

  private final Path jar;
  private final Path archive;
  private final Duration minWriterLife;
  private String writer;
  private Path written;
  private long writerSince;

  ClassArchive(Path jar) {
    this(jar, MIN_WRITER_LIFE);
  }

  /** {@code minWriterLife}: how long the writer must have run for its archive to be kept. */
  ClassArchive(Path jar, Duration minWriterLife) {
    this.jar = jar;
    this.minWriterLife = minWriterLife;
    String name = jar.getFileName().toString();
    this.archive = jar.resolveSibling(name.replaceFirst("\\.jar$", "") + ".jsa");
  }

  /** The JVM options of node {@code id}: start from the archive, or write it at exit when there is none yet. */
  synchronized List<String> optionsFor(String id) {
    List<String> start = startOptions();
    if (!start.isEmpty()) {
      return start;
    }
    if (writer == null || writer.equals(id)) {
      writer = id;
      writerSince = System.nanoTime();
      written = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + "-" + id + ".tmp");
      return List.of("-XX:ArchiveClassesAtExit=" + written, QUIET);
    }
    return List.of();
  }

  /** The JVM options that start from the archive while it is fresh; none otherwise (nor do they write one). */
  List<String> startOptions() {
    return fresh() ? List.of("-XX:SharedArchiveFile=" + archive, QUIET) : List.of();
  }

  /**
   * Node {@code id} exited with {@code exitCode}: the archive it wrote, if it is the writer, was not
   * killed and ran long enough, goes in place; otherwise the next node started writes one.
   */
  synchronized void exited(String id, int exitCode) {
    if (!id.equals(writer)) {
      return;
    }
    writer = null;
    try {
      boolean ranLongEnough = System.nanoTime() - writerSince >= minWriterLife.toNanos();
      if (exitCode != KILLED && ranLongEnough && Files.isRegularFile(written) && Files.size(written) > 0) {
        Files.move(written, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.deleteIfExists(written);
    } catch (IOException e) {
      // No archive this time (the next node started writes one); a stray temporary file may stay next to the jar.
    }
  }

  private boolean fresh() {
    try {
      return Files.isRegularFile(archive) && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0;
    } catch (IOException e) {
      return false;
    }
  }
}

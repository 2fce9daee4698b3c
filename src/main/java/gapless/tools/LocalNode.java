package gapless.tools;

import gapless.client.GaplessClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One running (or exited) node JVM of a {@link LocalCluster}: started with its console appended to
 * its output file, ended or frozen with real signals, and waited for with bounds.
 */
final class LocalNode {

  static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private final Process process;
  private final Path outputFile;

  private LocalNode(Process process, Path outputFile) {
    this.process = process;
    this.outputFile = outputFile;
  }

  /** Starts {@code command} in {@code workDir}, stdout and stderr appended to {@code outputFile}. */
  static LocalNode start(List<String> command, Path workDir, Path outputFile) throws IOException {
    Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile())).start();
    return new LocalNode(p, outputFile);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  int exitValue() {
    return process.exitValue();
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() {
    process.destroyForcibly();
    waitFor(STOP_WAIT);
  }

  /** SIGTERM, and waits for the clean shutdown (bounded; then SIGKILL). */
  void stop() {
    process.destroy();
    awaitExit(STOP_WAIT, STOP_WAIT);
  }

  /** SIGCONT (a paused JVM cannot shut down), then SIGTERM; {@link #awaitExit} waits for it. */
  void terminate() {
    signal("CONT");
    process.destroy();
  }

  /** Waits up to {@code wait} for the exit after a SIGTERM, then SIGKILLs and waits up to {@code afterKill}. */
  void awaitExit(Duration wait, Duration afterKill) {
    if (!waitFor(wait)) {
      process.destroyForcibly();
      waitFor(afterKill);
    }
  }

  /** Sends {@code kill -<signal>}; true when it was delivered. */
  boolean signal(String signal) {
    try {
      Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).redirectErrorStream(true).start();
      return k.waitFor(10, TimeUnit.SECONDS) && k.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean waitFor(Duration d) {
    try {
      return process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** The last non-blank line of the node's console output, for an error message. */
  String lastLine() {
    try {
      List<String> lines = Files.readAllLines(outputFile, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (!lines.get(i).isBlank()) {
          return GaplessClientException.oneLine(lines.get(i)) + " (see " + outputFile + ")";
        }
      }
      return "(none; see " + outputFile + ")";
    } catch (IOException e) {
      return "(no output file " + outputFile + ")";
    }
  }
}

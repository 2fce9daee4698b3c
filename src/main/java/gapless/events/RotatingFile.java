package gapless.events;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An append-only text file of lines that never outgrows its cap: once it reaches
 * {@code maxBytes} it becomes {@code <file>.1} (the one before becomes {@code .2}, ...; the oldest
 * beyond {@code keep} is deleted) and a new file starts, as logrotate does. The live file keeps its
 * name, so whoever tails it keeps finding it. Each line is flushed as it is written. Not
 * thread-safe: one writer.
 */
final class RotatingFile implements Closeable {

  private final Path file;
  private final long maxBytes;
  private final int keep;
  private BufferedWriter out;
  private long bytes;

  RotatingFile(Path file, long maxBytes, int keep) throws IOException {
    if (maxBytes < 1 || keep < 0) {
      throw new IllegalArgumentException("maxBytes must be positive and keep not negative: " + maxBytes + ", " + keep);
    }
    this.file = file;
    this.maxBytes = maxBytes;
    this.keep = keep;
    open();
  }

  void writeLine(String line) throws IOException {
    if (bytes >= maxBytes) {
      rotate();
    }
    out.write(line);
    out.newLine();
    out.flush();
    bytes += line.getBytes(StandardCharsets.UTF_8).length + 1L;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  /** {@code <file>.n}: the n-th newest rotated file. */
  static Path rotated(Path file, int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  private void rotate() throws IOException {
    out.close();
    Files.deleteIfExists(rotated(file, keep));
    for (int n = keep - 1; n >= 1; n--) {
      if (Files.exists(rotated(file, n))) {
        Files.move(rotated(file, n), rotated(file, n + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (keep > 0) {
      Files.move(file, rotated(file, 1), StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.delete(file);
    }
    open();
  }

  private void open() throws IOException {
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    bytes = Files.size(file);
  }
}

package gapless.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.client.GaplessClientException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends acked batches to the ledger file, one JSON line each, from several threads. With no
 * file it writes nothing, so a run without a ledger needs no checks of its own.
 */
final class LedgerWriter implements AutoCloseable {

  private final BufferedWriter out;
  private final ObjectMapper mapper;

  private LedgerWriter(BufferedWriter out, ObjectMapper mapper) {
    this.out = out;
    this.mapper = mapper;
  }

  /** Opens {@code file} for appending (creating its directory); {@code file} null: a writer that writes nothing. */
  static LedgerWriter open(Path file, ObjectMapper mapper) {
    if (file == null) {
      return new LedgerWriter(null, mapper);
    }
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      return new LedgerWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND, StandardOpenOption.WRITE), mapper);
    } catch (IOException e) {
      throw new GaplessClientException("cannot open ledger " + file + ": " + GaplessClientException.describe(e), 0, e);
    }
  }

  void append(LedgerEntry entry) {
    if (out == null) {
      return;
    }
    try {
      String line = mapper.writeValueAsString(entry);
      synchronized (out) {
        out.write(line);
        out.newLine();
      }
    } catch (IOException e) {
      throw failed(e);
    }
  }

  /** Flushes what was appended; a failure is left to {@link #close} to report. */
  void flushQuietly() {
    if (out == null) {
      return;
    }
    try {
      synchronized (out) {
        out.flush();
      }
    } catch (IOException e) {
      // Reported by the final close; a progress tick is not the place to fail the run.
    }
  }

  @Override
  public void close() {
    if (out == null) {
      return;
    }
    try {
      synchronized (out) {
        out.close();
      }
    } catch (IOException e) {
      throw failed(e);
    }
  }

  private static GaplessClientException failed(IOException e) {
    return new GaplessClientException("cannot write ledger: " + GaplessClientException.describe(e), 0, e);
  }
}

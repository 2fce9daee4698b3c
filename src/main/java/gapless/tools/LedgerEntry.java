package gapless.tools;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.client.GaplessClientException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of the simulator's ack ledger: a batch the gateway accepted (200 or 202), with what
 * {@link SampleGenerator} needs to regenerate its samples.
 *
 * @param seq    the seq the gateway assigned
 * @param status 200 or 202
 * @param batch  the generator's batch number; equals {@code seq} unless the collector already
 *               had batches before this run (then the gateway's seqs are offset), or an
 *               unanswered request was stored anyway. Null in hand-written ledgers: means seq
 * @param at     when the answer arrived, epoch ms; null in older or hand-written ledgers. Fault
 *               scenarios use it to tell which batches were acked while a node was down
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LedgerEntry(
    String collector, long seq, int status, int tags, int perTag, long stepMs, long startTs, Long batch, Long at) {

  @JsonCreator
  public LedgerEntry {}

  /** An entry without an ack time. */
  public LedgerEntry(String collector, long seq, int status, int tags, int perTag, long stepMs, long startTs, Long batch) {
    this(collector, seq, status, tags, perTag, stepMs, startTs, batch, null);
  }

  /** True when the ack time is known and within {@code [fromMs, toMs]}. */
  public boolean ackedBetween(long fromMs, long toMs) {
    return at != null && at >= fromMs && at <= toMs;
  }

  /** The generator batch number of this entry. */
  public long generatorSeq() {
    return batch == null ? seq : batch;
  }

  public long firstTs() {
    return SampleGenerator.firstTs(generatorSeq(), perTag, stepMs, startTs);
  }

  public long lastTs() {
    return SampleGenerator.lastTs(generatorSeq(), perTag, stepMs, startTs);
  }

  /**
   * The entries of a ledger a simulator may still be appending to: a last line not yet ended by a
   * newline is being written, and is left for the next read.
   */
  public static List<LedgerEntry> readWritten(Path file, ObjectMapper mapper) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n') + 1;
      List<LedgerEntry> out = new ArrayList<>();
      for (String line : text.substring(0, end).split("\n")) {
        if (!line.isBlank()) {
          out.add(mapper.readValue(line, LedgerEntry.class));
        }
      }
      return out;
    } catch (IOException e) {
      throw new GaplessClientException("cannot read ledger " + file + ": " + GaplessClientException.oneLine(e.getMessage()));
    }
  }

  /** Per collector, when its first batch answered after {@code afterMillis} was answered. */
  public static Map<String, Long> firstAnswersAfter(List<LedgerEntry> entries, long afterMillis) {
    Map<String, Long> first = new HashMap<>();
    for (LedgerEntry e : entries) {
      if (e.at() != null && e.at() > afterMillis) {
        first.merge(e.collector(), e.at(), Math::min);
      }
    }
    return first;
  }

  /** Reads a ledger file; blank lines are skipped, a malformed line is an error naming its line. */
  public static List<LedgerEntry> readAll(Path file, ObjectMapper mapper) {
    List<LedgerEntry> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(mapper.readValue(line, LedgerEntry.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new GaplessClientException("ledger " + file + " line " + n + " is not a ledger entry: "
              + GaplessClientException.oneLine(e.getOriginalMessage()));
        }
      }
    } catch (IOException e) {
      throw new GaplessClientException("cannot read ledger " + file + ": " + GaplessClientException.describe(e), 0, e);
    }
    return out;
  }

  /** Fails fast with a readable message rather than letting a bad path surface later. */
  public static void checkReadable(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new GaplessClientException("ledger file not found: " + file);
    }
  }
}

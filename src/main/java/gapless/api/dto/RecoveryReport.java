package gapless.api.dto;

import gapless.model.SeqRange;
import java.time.Instant;
import java.util.List;

/**
 * The last recovery of a replica that moved data (the {@code lastRecovery} of a
 * {@link ReplicaReport}): which seq ranges were filled, from which siblings, and what it cost.
 *
 * @param ranges  the filled seq ranges, {@code [from, to]} pairs in JSON
 * @param sources the sibling node ids the batches came from
 * @param millis  from the start of the recovery to the last chunk stored
 * @param time    when it completed (ISO-8601 in JSON)
 */
public record RecoveryReport(
    List<SeqRange> ranges, List<String> sources, long batches, long samples, long bytes, long millis, Instant time) {

  public RecoveryReport {
    ranges = ranges == null ? List.of() : List.copyOf(ranges);
    sources = sources == null ? List.of() : List.copyOf(sources);
  }
}

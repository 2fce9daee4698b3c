package gapless.client;

import java.util.List;

/**
 * The last completed recovery of a replica (the {@code lastRecovery} of a replica view): which
 * seq ranges were filled, from which siblings, and what it cost.
 *
 * @param ranges  the filled seq ranges, inclusive {@code [from, to]} pairs
 * @param sources the sibling node ids the batches came from
 * @param time    when it completed, ISO-8601
 */
public record RecoverySummary(
    List<List<Long>> ranges, List<String> sources, long batches, long samples, long bytes, long millis, String time) {

  public RecoverySummary {
    ranges = ranges == null ? List.of() : ranges;
    sources = sources == null ? List.of() : sources;
  }
}

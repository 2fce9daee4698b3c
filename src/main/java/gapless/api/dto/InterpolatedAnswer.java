package gapless.api.dto;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;

/**
 * Answer of {@code GET /api/v1/collectors/{id}/samples?tag=T&interpolate=10s}: one tag's values at
 * {@code from}, {@code from + step}, ... up to {@code to}, interpolated linearly between the samples
 * on either side; none before the first sample, after the last, or across a gap.
 *
 * @param step      ms between values
 * @param node      the storage node whose replica answered
 * @param truncated the range held more samples than a query reads (gapless.query.max-samples): values stop at the last one read
 */
public record InterpolatedAnswer(String collector, String tag, String node, long step, List<Value> values, List<GapReport> gaps,
    boolean truncated) {

  /** The value at {@code ts}, epoch ms. */
  public record Value(long ts, double value) {}

  @JsonCreator
  public InterpolatedAnswer {
    values = values == null ? List.of() : List.copyOf(values);
    gaps = gaps == null ? List.of() : List.copyOf(gaps);
  }
}

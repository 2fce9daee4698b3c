package gapless.api.dto;

import gapless.model.Sample;
import java.util.List;

/**
 * Answer of {@code GET /api/v1/collectors/{id}/samples}: one tag's samples in time order, and the
 * intervals in the asked range where the collector recorded nothing on purpose.
 *
 * @param node      the storage node whose replica answered
 * @param samples   {@code {"tag","ts","value","quality"}} objects, {@code ts} in epoch ms
 * @param truncated true when more samples match than the limit allowed
 */
public record QueryAnswer(
    String collector, String tag, String node, List<Sample> samples, List<GapReport> gaps, boolean truncated) {

  public QueryAnswer {
    samples = samples == null ? List.of() : samples;
    gaps = gaps == null ? List.of() : List.copyOf(gaps);
  }
}

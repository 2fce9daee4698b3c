package gapless.client;

import gapless.model.Sample;
import java.util.List;

/**
 * Answer of {@code GET /api/v1/collectors/{id}/samples}.
 *
 * @param node      the storage node whose replica answered
 * @param truncated true when more samples match than the limit allowed
 */
public record QueryAnswer(
    String collector, String tag, String node, List<Sample> samples, List<Gap> gaps, boolean truncated) {

  public QueryAnswer {
    samples = samples == null ? List.of() : samples;
    gaps = gaps == null ? List.of() : gaps;
  }
}

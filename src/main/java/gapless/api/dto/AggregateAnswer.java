package gapless.api.dto;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;

/**
 * Answer of {@code GET /api/v1/collectors/{id}/samples?tag=T&interval=1m&agg=avg}: one tag's
 * samples summed up per interval from {@code from}; intervals without samples are left out.
 *
 * @param agg      avg, min, max, first, last or count
 * @param interval the interval's length, ms
 * @param node     the storage node whose replica answered
 * @param gaps     the intervals in the asked range where the collector recorded nothing on purpose
 */
public record AggregateAnswer(String collector, String tag, String node, String agg, long interval, List<Bucket> buckets,
    List<GapReport> gaps) {

  /** One interval {@code [from, to)}, epoch ms: the aggregate's {@code value} over its {@code count} samples. */
  public record Bucket(long from, long to, double value, long count) {}

  @JsonCreator
  public AggregateAnswer {
    buckets = buckets == null ? List.of() : List.copyOf(buckets);
    gaps = gaps == null ? List.of() : List.copyOf(gaps);
  }
}

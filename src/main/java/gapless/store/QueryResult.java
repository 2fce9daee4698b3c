package gapless.store;

import gapless.CborSerializable;
import gapless.model.Sample;
import java.util.List;

/**
 * The answer to one tag query against the sample store.
 *
 * @param samples   matching samples ordered by ts (equal ts: batch seq order), at most the limit
 * @param truncated true when more samples matched than the limit allowed
 */
public record QueryResult(List<Sample> samples, boolean truncated) implements CborSerializable {

  public QueryResult {
    samples = List.copyOf(samples);
  }
}

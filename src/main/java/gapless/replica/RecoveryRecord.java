package gapless.replica;

import gapless.CborSerializable;
import gapless.model.SeqRange;
import java.util.List;

/**
 * What one recovery filled: the missing-event information of the method. Kept as the replica's
 * last recovery and shown in its view.
 *
 * @param ranges  seq ranges fetched and stored
 * @param sources the sibling nodes the batches came from
 * @param millis  from the start of the recovery to the last chunk stored
 */
public record RecoveryRecord(
    List<SeqRange> ranges, List<String> sources, long batches, long samples, long bytes, long millis, long time)
    implements CborSerializable {

  public RecoveryRecord {
    ranges = List.copyOf(ranges);
    sources = List.copyOf(sources);
  }
}

package gapless.collector;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import gapless.CborSerializable;
import gapless.model.EncodedBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A collector's state at the gateway: the last seq it assigned and the durable buffer of batches
 * not yet on W replicas. Mutable on purpose: during an outage the buffer holds thousands of
 * batches and copying it on every event would cost time quadratic in the outage. Only the
 * {@link Collector}'s event handler changes it, and it never leaves the actor.
 */
public final class CollectorState implements CborSerializable {

  private long lastSeq;
  private final TreeMap<Long, byte[]> buffer = new TreeMap<>();

  public CollectorState() {}

  @JsonCreator
  public CollectorState(@JsonProperty("lastSeq") long lastSeq, @JsonProperty("buffer") List<EncodedBatch> buffer) {
    this.lastSeq = lastSeq;
    for (EncodedBatch b : buffer) {
      this.buffer.put(b.seq(), b.blob());
    }
  }

  @JsonProperty("lastSeq")
  public long lastSeq() {
    return lastSeq;
  }

  @JsonProperty("buffer")
  public List<EncodedBatch> bufferedBatches() {
    List<EncodedBatch> out = new ArrayList<>(buffer.size());
    buffer.forEach((seq, blob) -> out.add(new EncodedBatch(seq, blob)));
    return out;
  }

  /** Batches not yet on W replicas, by seq. Read-only view. */
  SortedMap<Long, byte[]> buffer() {
    return java.util.Collections.unmodifiableSortedMap(buffer);
  }

  int bufferSize() {
    return buffer.size();
  }

  CollectorState accepted(long seq, byte[] blob) {
    lastSeq = Math.max(lastSeq, seq);
    buffer.put(seq, blob);
    return this;
  }

  CollectorState delivered(Collection<Long> seqs) {
    seqs.forEach(buffer::remove);
    return this;
  }
}

package gapless.collector;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import gapless.CborSerializable;
import gapless.model.CollectorStatus;
import gapless.model.EncodedBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
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
  private CollectorStatus status = CollectorStatus.RUNNING;
  private final TreeMap<Long, byte[]> buffer = new TreeMap<>();

  public CollectorState() {}

  @JsonCreator
  public CollectorState(
      @JsonProperty("lastSeq") long lastSeq,
      @JsonProperty("status") CollectorStatus status,
      @JsonProperty("buffer") List<EncodedBatch> buffer) {
    this.lastSeq = lastSeq;
    this.status = status == null ? CollectorStatus.RUNNING : status;
    for (EncodedBatch b : buffer) {
      this.buffer.put(b.seq(), b.blob());
    }
  }

  @JsonProperty("lastSeq")
  public long lastSeq() {
    return lastSeq;
  }

  /** What the collector last reported. */
  @JsonProperty("status")
  public CollectorStatus status() {
    return status;
  }

  @JsonProperty("buffer")
  public List<EncodedBatch> bufferedBatches() {
    List<EncodedBatch> out = new ArrayList<>(buffer.size());
    buffer.forEach((seq, blob) -> out.add(new EncodedBatch(seq, blob)));
    return out;
  }

  /** Batches not yet on W replicas, by seq. Read-only view. */
  SortedMap<Long, byte[]> buffer() {
    return Collections.unmodifiableSortedMap(buffer);
  }

  int bufferSize() {
    return buffer.size();
  }

  CollectorState accepted(long seq, byte[] blob) {
    lastSeq = Math.max(lastSeq, seq);
    buffer.put(seq, blob);
    return this;
  }

  CollectorState withStatus(CollectorStatus newStatus) {
    status = newStatus;
    return this;
  }

  CollectorState delivered(Collection<Long> seqs) {
    seqs.forEach(buffer::remove);
    return this;
  }
}

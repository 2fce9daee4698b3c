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
 *
 * <p>{@link #EMPTY} is never changed: Akka keeps the one empty state it was given and replays onto
 * it again when the collector restarts, so the first event copies it (cheaply: it is empty).
 */
public final class CollectorState implements CborSerializable {

  /** The state before the first event. */
  public static final CollectorState EMPTY = new CollectorState(true);

  private final boolean frozen;
  private long lastSeq;
  private CollectorStatus status = CollectorStatus.RUNNING;
  private final TreeMap<Long, byte[]> buffer = new TreeMap<>();

  private CollectorState(boolean frozen) {
    this.frozen = frozen;
  }

  @JsonCreator
  public CollectorState(
      @JsonProperty("lastSeq") long lastSeq,
      @JsonProperty("status") CollectorStatus status,
      @JsonProperty("buffer") List<EncodedBatch> buffer) {
    this.frozen = false;
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
    CollectorState s = changeable();
    s.lastSeq = Math.max(s.lastSeq, seq);
    s.buffer.put(seq, blob);
    return s;
  }

  CollectorState withStatus(CollectorStatus newStatus) {
    CollectorState s = changeable();
    s.status = newStatus;
    return s;
  }

  CollectorState delivered(Collection<Long> seqs) {
    CollectorState s = changeable();
    seqs.forEach(s.buffer::remove);
    return s;
  }

  private CollectorState changeable() {
    return frozen ? new CollectorState(false) : this;
  }
}

package gapless.collector;

import akka.actor.typed.ActorRef;
import gapless.collector.CollectorProtocol.IngestResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One batch an owner sends until W replicas hold it. Mutable, owned by one {@link Collector}.
 * Its blob is in heap while the client waits for W acks; once the batch is on the gateway's disk
 * (the client got 202) the blob is dropped here and read back from the buffer for each resend.
 */
final class Flight {

  final long seq;
  /** The owner's epoch, which the batch is written under. */
  final long epoch;
  final int size;
  final Set<String> acked = new HashSet<>();
  /** The replicas that said they could not store it (a full disk): no ack is coming from them for this send. */
  final Set<String> refused = new HashSet<>();
  byte[] blob;
  /** Who waits for the answer: the request, and the same batch sent again meanwhile (Idempotency-Key); empty once answered. */
  final List<ActorRef<IngestResult>> waiting = new ArrayList<>(1);
  long lastSentNanos;
  boolean writingToDisk;
  boolean onDisk;
  /** Its disk write failed and it was answered "unknown": it is still sent, and kept only if W replicas ack it. */
  boolean diskFailed;

  /** {@code replyTo}: who waits for the answer; null for an owner's own empty batch. */
  Flight(long seq, long epoch, byte[] blob, ActorRef<IngestResult> replyTo) {
    this.seq = seq;
    this.epoch = epoch;
    this.size = blob.length;
    this.blob = blob;
    if (replyTo != null) {
      waiting.add(replyTo);
    }
  }

  /** Durable copies now: the replicas that acked, and the gateway's disk. */
  int copies() {
    return acked.size() + (onDisk ? 1 : 0);
  }
}

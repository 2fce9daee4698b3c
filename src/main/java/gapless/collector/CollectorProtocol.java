package gapless.collector;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import gapless.CborSerializable;

/**
 * What a collector's owner ({@link Collector}, a sharded entity on the gateway role) is asked and
 * answers. Requests may come from any gateway: a batch travels encoded ({@code BatchCodec}), as
 * the gateway that took the HTTP request encoded it, so a request is at most
 * {@code gapless.ingest.max-encoded-bytes} on the wire.
 */
public final class CollectorProtocol {

  private CollectorProtocol() {}

  /**
   * Messages a collector handles. Only {@link Request}s may come from another node; the rest are
   * the owner's own (timers, adapted answers) and cannot be serialized, so nobody can send them.
   */
  public interface Command {}

  /** A batch to keep, answered with exactly one {@link IngestResult}. */
  public interface Request extends Command, CborSerializable {
    /** The encoded batch, with the request's {@code Idempotency-Key} in it if it had one. */
    byte[] blob();

    ActorRef<IngestResult> replyTo();
  }

  /** A batch from the collector's client (samples or a status change), to get the next seq. */
  public record Submit(byte[] blob, int samples, ActorRef<IngestResult> replyTo) implements Request {}

  /**
   * A batch that a gateway answered 202 for under an owner that is gone ({@code epoch}, {@code seq}
   * are what that owner gave it). Stored under that seq when the history already has it there;
   * otherwise it takes a new seq like any batch, so no seq ever holds two contents.
   */
  public record Resubmit(long epoch, long seq, byte[] blob, ActorRef<IngestResult> replyTo) implements Request {}

  /** Sharding's passivation of an idle collector. */
  public enum Passivate implements Command, NoSerializationVerificationNeeded { INSTANCE }

  /**
   * Answer to a {@link Request}.
   *
   * @param acks   replicas that held the batch durably when the answer was given
   * @param copies durable copies when the answer was given: {@code acks}, plus one for the gateway's
   *               disk buffer when the batch is buffered there
   */
  public record IngestResult(String collector, long seq, int acks, int copies, Outcome outcome, String error)
      implements CborSerializable {

    static IngestResult refused(String collector, Outcome outcome, String error) {
      return new IngestResult(collector, 0, 0, 0, outcome, error);
    }
  }

  public enum Outcome {
    /** On W replicas. */
    STORED,
    /** On the gateway's disk (synced) and fewer than W replicas so far; forwarded until W hold it. */
    BUFFERED,
    /** Not kept; the client may send the same batch again. */
    REJECTED,
    /** Not kept: the gateway's buffer is full; the client sends it again later. */
    BUFFER_FULL,
    /** Not kept: too few replicas can write (their disks are full) and the gateway's disk cannot take it either. */
    DISK_FULL,
    /** Not kept: the request's Idempotency-Key gave a seq to another batch within the window. */
    KEY_REUSED,
    /**
     * Not known: the batch got a seq and was sent, but neither W acks nor the gateway's disk
     * confirmed it before something failed (the disk write, a change of owner).
     */
    UNKNOWN
  }
}

package gapless.collector;

import akka.actor.typed.ActorRef;
import gapless.CborSerializable;
import gapless.model.CollectorStatus;
import gapless.model.Sample;
import java.util.List;

/**
 * What a gateway's {@link Collector} is asked and answers: the client's requests, each answered with
 * exactly one {@link IngestResult}. The collector's journal events stay in {@link Collector}.
 */
public final class CollectorProtocol {

  private CollectorProtocol() {}

  /** Messages a collector handles. */
  public interface Command extends CborSerializable {}

  /** A request of the collector's client, answered with exactly one {@link IngestResult}. */
  public interface Request extends Command {
    ActorRef<IngestResult> replyTo();
  }

  /** Accept a batch of samples. */
  public record Ingest(List<Sample> samples, ActorRef<IngestResult> replyTo) implements Request {}

  /** Record a collector status change (it takes a seq like a batch). */
  public record ChangeStatus(CollectorStatus status, String reason, ActorRef<IngestResult> replyTo) implements Request {}

  /** Answer to {@link Ingest} and {@link ChangeStatus}. */
  public record IngestResult(String collector, long seq, int acks, Outcome outcome, String error)
      implements CborSerializable {}

  public enum Outcome {
    /** On W replicas. */
    STORED,
    /** Durable in the gateway buffer, fewer than W replicas so far; forwarded later. */
    BUFFERED,
    /** Not kept; the client may send the same batch again. */
    REJECTED,
    /**
     * Not kept, and never will be as it is: its encoding is over {@code gapless.ingest.max-encoded-bytes},
     * too large to travel to the replicas as one cluster message. The client sends fewer samples
     * (or shorter or fewer distinct tags) per request.
     */
    TOO_LARGE
  }
}

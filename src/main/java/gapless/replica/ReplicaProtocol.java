package gapless.replica;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import gapless.CborSerializable;
import gapless.model.BatchCodec;
import gapless.model.EncodedBatch;
import gapless.model.Sample;
import gapless.model.SeqRanges;
import gapless.model.StopReason;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Replica} is asked and answers: ingest from gateways, queries, the sibling
 * exchange (sync reports, recovery index and fetches) and the node's supervision and recovery.
 * Every command names its collector so the {@link ReplicaHost} can route it.
 */
public final class ReplicaProtocol {

  private ReplicaProtocol() {}

  /** Messages a replica handles. */
  public interface Command extends CborSerializable {}

  /** A command for the replica of one collector; the {@link ReplicaHost} routes it by collector. */
  public interface CollectorCommand extends Command, ReplicaHost.Command {
    String collector();
  }

  // ---- ingest and reads

  /**
   * Store one batch and answer {@link StoreAck} once it is durable. Idempotent by seq and content:
   * for a seq already held (or being written) it is acked only when its blob is the same; other
   * content is refused, with no answer at all.
   */
  public record StoreBatch(String collector, long seq, byte[] blob, ActorRef<StoreAck> replyTo)
      implements CollectorCommand {}

  /** Answer to {@link StoreBatch}: the batch is durable on {@code node}. */
  public record StoreAck(String node, String collector, long seq) implements CborSerializable {}

  /**
   * Samples of one tag with {@code from <= ts <= to}, at most {@code limit}. Answered with a
   * {@link SampleAnswer}, or with an error saying why this replica could not read them.
   */
  public record QuerySamples(
      String collector, String tag, long from, long to, int limit, ActorRef<StatusReply<SampleAnswer>> replyTo)
      implements CollectorCommand {}

  /**
   * Answer to {@link QuerySamples}. The samples travel encoded (about 13 bytes each) so a large
   * answer stays within one Artery frame.
   */
  public record SampleAnswer(
      String node, String collector, String tag, long contiguousSeq, byte[] encodedSamples,
      List<StopInterval> gaps, boolean truncated)
      implements CborSerializable {

    public List<Sample> decodeSamples() {
      return BatchCodec.decode(0, encodedSamples).samples();
    }
  }

  /** Ask for this replica's {@link ReplicaView}. */
  public record GetView(String collector, ActorRef<ReplicaView> replyTo) implements CollectorCommand {}

  // ---- siblings

  /** A sibling's periodic report: it holds 1..contiguousSeq of the collector. */
  public record SyncStatus(String collector, String peer, long contiguousSeq) implements CollectorCommand {}

  /** From a recovering sibling: what do you hold after {@code afterSeq}? */
  public record EventsAfter(String collector, long afterSeq, ActorRef<EventIndex> replyTo) implements CollectorCommand {}

  /**
   * Answer to {@link EventsAfter}: the seq ranges held after {@code afterSeq} (ranges, never one
   * entry per batch), the collector's status changes after it, and the highest seq held.
   */
  public record EventIndex(
      String node, String collector, long afterSeq, SeqRanges held, List<StatusMark> statusMarks, long highestSeq)
      implements CborSerializable {}

  /** From a recovering sibling: the batches held in {@code [fromSeq, toSeq]}, up to about maxBytes. */
  public record FetchBatches(String collector, long fromSeq, long toSeq, long maxBytes, ActorRef<BatchChunk> replyTo)
      implements CollectorCommand {}

  /** Answer to {@link FetchBatches}, in seq order; empty when nothing in the range is held. */
  public record BatchChunk(String node, String collector, long fromSeq, long toSeq, List<EncodedBatch> batches)
      implements CborSerializable {}

  // ---- supervision and local recovery

  /** This node stopped recording (lost the cluster, or shuts down). Answered once recorded. */
  public record StopRecording(String collector, StopReason reason, ActorRef<Done> replyTo) implements CollectorCommand {}

  /** A sibling's node became unreachable or was removed. */
  public record PeerLost(String collector, String peer) implements CollectorCommand {}

  /** The local recovery starts: answer what this replica holds and what it confirmed. */
  public record StartRecovery(String collector, ActorRef<RecoveryInfo> replyTo) implements CollectorCommand {}

  public record RecoveryInfo(String collector, SeqRanges held, Map<String, Long> confirmed, ServerStop serverStop)
      implements CborSerializable {}

  /**
   * The local recovery ended. {@code filled} (null when nothing was moved) is recorded as
   * {@code GapRecovered}; when {@code complete}, an open server stop ends with {@code RecordingResumed}.
   */
  public record FinishRecovery(String collector, RecoveryRecord filled, boolean complete, ActorRef<Done> replyTo)
      implements CollectorCommand {}
}

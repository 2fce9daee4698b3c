package gapless.replica;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import com.fasterxml.jackson.annotation.JsonCreator;
import gapless.CborSerializable;
import gapless.model.BatchCodec;
import gapless.model.EncodedBatch;
import gapless.model.IntervalSummary;
import gapless.model.Sample;
import gapless.model.SeqEpochs;
import gapless.model.SeqRanges;
import gapless.model.StatusMark;
import gapless.model.StopInterval;
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

  /**
   * Messages a replica handles. Only {@link CollectorCommand}s may come from another node; the rest
   * are the replica's own and its host's (timers, adapted answers, sleep) and cannot be serialized.
   */
  public interface Command {}

  /** A command for the replica of one collector; the {@link ReplicaHost} routes it by collector. */
  public interface CollectorCommand extends Command, ReplicaHost.Command, CborSerializable {
    String collector();
  }

  // ---- ingest and reads

  /**
   * Store one batch and answer with a {@link StoreReply} once it is durable. Idempotent by seq and
   * content: for a seq already held (or being written) with the same blob it is acked again. A seq
   * held with other content is replaced only by a write of a newer {@code epoch} (the newer owner's
   * content is the collector's history); otherwise the request is refused with no answer at all
   * and a {@code BATCH_CONFLICT} event.
   *
   * @param epoch the owner epoch that gave this content its seq
   * @param kind  {@link WriteKind#OWNER} for the collector's current owner (fenced), {@link WriteKind#COPY}
   *              for a copy of a batch already in the history (recovery)
   */
  public record StoreBatch(String collector, long seq, long epoch, byte[] blob, WriteKind kind, ActorRef<StoreReply> replyTo)
      implements CollectorCommand {}

  /** Who writes a {@link StoreBatch}. */
  public enum WriteKind {
    /**
     * The collector's owner, writing under its epoch: refused with {@link StoreFenced} when this
     * replica promised a newer epoch to a newer owner (Kafka's leader-epoch fencing).
     */
    OWNER,
    /** A copy of a batch already in the collector's history, with the epoch that wrote it: never fenced. */
    COPY
  }

  /** Answer to {@link StoreBatch}. */
  public sealed interface StoreReply extends CborSerializable permits StoreAck, StoreFenced, StoreRefused {
    String node();

    String collector();

    long seq();
  }

  /** The batch is durable on {@code node}. */
  public record StoreAck(String node, String collector, long seq) implements StoreReply {}

  /**
   * Not stored: {@code node} could not write it ({@code reason}: its disk is below its reserve, or
   * the store failed). Said at once, so the owner need not wait out its ack timeout to know that
   * this replica will not ack; a later send may succeed.
   */
  public record StoreRefused(String node, String collector, long seq, boolean diskFull, String reason) implements StoreReply {}

  /**
   * Not stored: {@code node} promised {@code promisedEpoch}, newer than the writer's {@code epoch}.
   * The writer has lost the collector to a newer owner and must stop writing as its owner.
   */
  public record StoreFenced(String node, String collector, long seq, long epoch, long promisedEpoch) implements StoreReply {}

  /**
   * From a collector's new owner, before it assigns any seq: promise (durably) to refuse owner
   * writes of any epoch below {@code epoch}, and say what is held. Granted when {@code epoch} is
   * above the promised one, or equal to it and asked by the same {@code owner} (a retried claim).
   */
  public record ClaimEpoch(String collector, long epoch, String owner, ActorRef<EpochClaimed> replyTo)
      implements CollectorCommand {}

  /**
   * Answer to {@link ClaimEpoch}. {@code held} and {@code epochs} cover what is stored and what is
   * being written (a write accepted before the promise still lands and is acked), so the owner
   * starts above every seq that could have been acknowledged.
   *
   * @param promisedEpoch the epoch promised after this claim (equal to {@code epoch} when granted)
   * @param newestAcceptedAt the latest time (epoch ms) a batch held or being written here was
   *     first accepted, or later; 0 when none: no Idempotency-Key older than the window is asked about
   */
  public record EpochClaimed(
      String node, String collector, long epoch, boolean granted, long promisedEpoch, SeqRanges held, SeqEpochs epochs,
      long newestAcceptedAt)
      implements CborSerializable {}

  /**
   * From a collector's owner that does not remember {@code key} (an owner before it may have
   * given it, within the idempotency window): which batch here was sent with this {@code Idempotency-Key}?
   * Answered with a {@link KeyHolding}; nothing when the store cannot be read.
   */
  public record FindKey(String collector, String key, ActorRef<KeyHolding> replyTo) implements CollectorCommand {}

  /**
   * Answer to {@link FindKey}: {@code batch} is null when no batch here was sent with the key;
   * otherwise the batch (its seq and blob) and the epoch that wrote it.
   */
  public record KeyHolding(String node, String collector, String key, EncodedBatch batch, long epoch)
      implements CborSerializable {}

  /**
   * Samples of one tag with {@code from <= ts <= to}, at most {@code limit}; with an {@code
   * intervalMs} above 0, summed up per interval from {@code from} instead (at most {@code
   * gapless.query.max-intervals} of them). Answered with a {@link SampleAnswer}, or with an error
   * saying why this replica could not read them.
   */
  public record QuerySamples(
      String collector, String tag, long from, long to, int limit, long intervalMs, ActorRef<StatusReply<SampleAnswer>> replyTo)
      implements CollectorCommand {

    @JsonCreator
    public QuerySamples {}

    /** The raw samples. */
    public QuerySamples(String collector, String tag, long from, long to, int limit, ActorRef<StatusReply<SampleAnswer>> replyTo) {
      this(collector, tag, from, to, limit, 0, replyTo);
    }
  }

  /**
   * Answer to {@link QuerySamples}: the samples, or the interval summaries when asked for. The
   * samples travel encoded (about 13 bytes each) so a large answer stays within one Artery frame.
   */
  public record SampleAnswer(
      String node, String collector, String tag, long contiguousSeq, byte[] encodedSamples,
      List<StopInterval> gaps, boolean truncated, List<IntervalSummary> intervals)
      implements CborSerializable {

    @JsonCreator
    public SampleAnswer {
      intervals = intervals == null ? List.of() : intervals;
    }

    /** Raw samples, no summaries. */
    public SampleAnswer(String node, String collector, String tag, long contiguousSeq, byte[] encodedSamples,
        List<StopInterval> gaps, boolean truncated) {
      this(node, collector, tag, contiguousSeq, encodedSamples, gaps, truncated, List.of());
    }

    public List<Sample> decodeSamples() {
      return BatchCodec.decode(0, encodedSamples).samples();
    }
  }

  /** The tags this replica holds samples of, at most {@code max}: a {@link TagNames}, or why it could not read them. */
  public record ListTags(String collector, int max, ActorRef<StatusReply<TagNames>> replyTo) implements CollectorCommand {}

  /** Answer to {@link ListTags}, in byte order; {@code truncated}: there are more than were asked for. */
  public record TagNames(String node, String collector, List<String> tags, boolean truncated) implements CborSerializable {}

  /** Ask for this replica's {@link ReplicaView}. */
  public record GetView(String collector, ActorRef<ReplicaView> replyTo) implements CollectorCommand {}

  // ---- siblings

  /**
   * A sibling's periodic report: it holds 1..contiguousSeq of the collector; {@code epochs} are
   * the epochs of its seqs after what the two last confirmed, so a stale seq is not confirmed.
   */
  public record SyncStatus(String collector, String peer, long contiguousSeq, SeqEpochs epochs) implements CollectorCommand {}

  /**
   * The reports one node's replicas sent another's within {@code replica.sync-gather}, in one
   * message; the host routes each as if it came alone.
   */
  public record SyncReports(List<SyncStatus> reports) implements ReplicaHost.Command, CborSerializable {
    @JsonCreator
    public SyncReports {
      reports = List.copyOf(reports);
    }
  }

  /** From a recovering sibling: what do you hold after {@code afterSeq}? */
  public record EventsAfter(String collector, long afterSeq, ActorRef<EventIndex> replyTo) implements CollectorCommand {}

  /**
   * Answer to {@link EventsAfter}: the seq ranges held after {@code afterSeq} (ranges, never one
   * entry per batch), the epochs that wrote them, the collector's status changes after it, and
   * the highest seq held.
   */
  public record EventIndex(
      String node, String collector, long afterSeq, SeqRanges held, SeqEpochs epochs, List<StatusMark> statusMarks,
      long highestSeq)
      implements CborSerializable {}

  /** From a recovering sibling: the batches held in {@code [fromSeq, toSeq]}, up to about maxBytes. */
  public record FetchBatches(String collector, long fromSeq, long toSeq, long maxBytes, ActorRef<BatchChunk> replyTo)
      implements CollectorCommand {}

  /**
   * Answer to {@link FetchBatches}, in seq order; empty when nothing in the range is held.
   * {@code epochs} says which epoch wrote each batch, so the copy keeps it. {@code failure} (null
   * normally) says why the sibling could not read the range (a damaged file): ask another.
   */
  public record BatchChunk(String node, String collector, long fromSeq, long toSeq, List<EncodedBatch> batches, SeqEpochs epochs,
      String failure) implements CborSerializable {

    public BatchChunk(String node, String collector, long fromSeq, long toSeq, List<EncodedBatch> batches, SeqEpochs epochs) {
      this(node, collector, fromSeq, toSeq, batches, epochs, null);
    }
  }

  // ---- scrub

  /**
   * From a node's scrubber: the digest of what the store holds for {@code [fromSeq, toSeq]}, read
   * with verified checksums; with {@code perSeq}, each seq's state too ({@code gapless.store.StoredBatch}).
   */
  public record DigestRange(String collector, long fromSeq, long toSeq, boolean perSeq, ActorRef<RangeDigest> replyTo)
      implements CollectorCommand {}

  /**
   * Answer to {@link DigestRange}: {@code digest} is equal on replicas whose stores hold the same
   * blobs for the range; {@code states} (empty unless asked) has one entry per seq from
   * {@code fromSeq}, and {@code epochs} the owner epochs that wrote them (a copy is only compared
   * with copies of its own epoch); {@code bytes} is how much was read; {@code failure} (null
   * normally) says why the range could not be read.
   */
  public record RangeDigest(String node, String collector, long fromSeq, long toSeq, long digest, List<Long> states,
      SeqEpochs epochs, long bytes, String failure) implements CborSerializable {

    /** The digest of {@code states}, one a seq from {@code fromSeq}: made of the same shares as a replica's whole digest. */
    public static long digestOf(long fromSeq, List<Long> states) {
      long digest = 0;
      for (int i = 0; i < states.size(); i++) {
        digest += ReplicaState.batchDigest(fromSeq + i, states.get(i));
      }
      return digest;
    }
  }

  /**
   * From this node's scrubber: write {@code blob}, a sibling's copy, over {@code seq}, if the store
   * still holds what the scrub saw there ({@code seen}, a {@code StoredBatch} state).
   */
  public record RepairBatch(String collector, long seq, long seen, byte[] blob, ActorRef<RepairResult> replyTo)
      implements CollectorCommand {}

  /** Answer to {@link RepairBatch}: {@code failure} is null when the copy was written. */
  public record RepairResult(String node, String collector, long seq, String failure) implements CborSerializable {}

  // ---- supervision and local recovery

  /** This node stopped recording (lost the cluster, or shuts down). Answered once recorded. */
  public record StopRecording(String collector, StopReason reason, ActorRef<Done> replyTo) implements CollectorCommand {}

  /** A sibling's node became unreachable or was removed. */
  public record PeerLost(String collector, String peer) implements CollectorCommand {}

  /** The local recovery starts: answer what this replica holds and what it confirmed. */
  public record StartRecovery(String collector, ActorRef<RecoveryInfo> replyTo) implements CollectorCommand {}

  public record RecoveryInfo(
      String collector, SeqRanges held, SeqEpochs epochs, Map<String, Long> confirmed, ServerStop serverStop)
      implements CborSerializable {}

  /**
   * The local recovery ended. {@code filled} (null when nothing was moved) is recorded as
   * {@code GapRecovered}; when {@code complete}, an open server stop ends with {@code RecordingResumed}.
   */
  public record FinishRecovery(String collector, RecoveryRecord filled, boolean complete, ActorRef<Done> replyTo)
      implements CollectorCommand {}
}

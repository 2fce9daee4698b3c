package gapless.replica;

import gapless.CborSerializable;
import gapless.journal.Unsynced;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.model.ResumeReason;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.model.StatusMark;
import gapless.model.StopReason;
import java.util.List;

/**
 * The events in a replica's journal ({@code PersistenceId("replica", collector)}): the replica's
 * own log. Each carries its source node and the server's local time.
 *
 * <p>These were nested in {@code Replica} before; the journal stores the class name as the
 * serializer manifest, so {@link ReplicaEventRename} maps the old names to these.
 */
public sealed interface ReplicaEvent extends CborSerializable
    permits ReplicaEvent.BatchStored, ReplicaEvent.RecordingStopped, ReplicaEvent.RecordingResumed,
        ReplicaEvent.PeerUnreachable, ReplicaEvent.PeerSyncConfirmed, ReplicaEvent.GapRecovered,
        ReplicaEvent.EpochPromised, ReplicaEvent.BatchReplaced, ReplicaEvent.StoreBound, ReplicaEvent.StoreLost {

  /**
   * The batch {@code seq} is durable in this node's sample store, written under owner
   * {@code epoch} (0 in events journaled before epochs existed: Jackson reads the missing field as 0).
   * Journaled without an fsync: the store's write, synced, also marks the batch
   * ({@code gapless.store.JournalMarks}), and a replica whose journal lost this event in a power
   * cut journals it again from the mark when it starts.
   */
  record BatchStored(
      String node, long seq, long epoch, long acceptedAt, int samples, int bytes, long minTs, long maxTs, long checksum,
      long time)
      implements ReplicaEvent, Unsynced {}

  /** From now on this journal describes the node's sample store {@code storeId} (its identity). */
  record StoreBound(String node, String storeId, long time) implements ReplicaEvent {}

  /**
   * The sample store this journal described ({@code lostStoreId}) is not the node's store any
   * more (deleted, replaced, rebuilt): the batches it held ({@code lost}) are not here. From now on
   * the journal describes {@code storeId}, and the replica recovers everything from its siblings.
   */
  record StoreLost(String node, String lostStoreId, String storeId, SeqRanges lost, long time) implements ReplicaEvent {}

  /**
   * This replica promised {@code owner} to refuse owner writes of any epoch below {@code epoch}.
   * Journaled before the claim is answered, so the promise survives a crash.
   */
  record EpochPromised(String node, long epoch, String owner, long time) implements ReplicaEvent {}

  /**
   * The batch {@code seq} was replaced in the sample store by the content of a newer {@code epoch}
   * (the newer owner's content is the collector's history). Carries the new batch's figures and
   * the replaced one's, so the state's totals and digest move from one to the other; {@code status}
   * and {@code reason} are the new batch's status change (null status for a batch of samples).
   * When the checksums are equal only the epoch changed (the same content, recorded as newer).
   */
  record BatchReplaced(
      String node, long seq, long epoch, long acceptedAt, int samples, int bytes, long minTs, long maxTs, long checksum,
      CollectorStatus status, String reason,
      long replacedEpoch, long replacedChecksum, int replacedSamples, int replacedBytes, long time)
      implements ReplicaEvent {

    /** The status change the new content marks at {@code seq}, or null. */
    StatusMark statusMark() {
      return status == null ? null : new StatusMark(seq, status, reason, acceptedAt);
    }
  }

  /**
   * The target event: recording stopped here. For {@code COLLECTOR_STOPPED}, {@code seq} is the
   * status change's seq, {@code at} the gateway time and {@code detail} the collector's reason;
   * otherwise {@code seq} is the highest seq held when this node stopped and {@code at} its time.
   */
  record RecordingStopped(
      String node, StopReason reason, long seq, long contiguousSeq, String detail, long at, long time)
      implements ReplicaEvent {}

  /** Recording resumed: the collector runs again, or a recovery closed this node's stop. */
  record RecordingResumed(String node, ResumeReason reason, long seq, String detail, long at, long time)
      implements ReplicaEvent {}

  /** A sibling's node became unreachable; {@code confirmedSeq} is what both sides last confirmed. */
  record PeerUnreachable(String node, String peer, long confirmedSeq, long time) implements ReplicaEvent {}

  /**
   * This replica and {@code peer} both hold 1..seq. Journaled without an fsync: lost in a power
   * cut, the last confirmation before it stands, and a recovery asks the sibling from there.
   */
  record PeerSyncConfirmed(String node, String peer, long seq, long time) implements ReplicaEvent, Unsynced {}

  /** The missing-event information: what a recovery filled, from where, at what cost. */
  record GapRecovered(
      String node, List<SeqRange> ranges, List<String> sources, long batches, long samples, long bytes, long millis, long time)
      implements ReplicaEvent {}

  /** This server's stop of recording ended: what it missed is recovered. */
  static RecordingResumed recovered(String node, ReplicaState state, long now) {
    return new RecordingResumed(node, ResumeReason.RECOVERED, state.held().highest(),
        "stopped " + state.serverStop().reason() + " at seq " + state.serverStop().highestSeq(), now, now);
  }

  /** This server's stop of recording ({@code reason}), at what {@code state} holds. */
  static RecordingStopped stopped(String node, ReplicaState state, StopReason reason, long now) {
    return new RecordingStopped(node, reason, state.held().highest(), state.held().contiguous(), "", now, now);
  }

  /**
   * What storing the batch {@code seq} ({@code blob}) records: {@code BatchStored}, and for a
   * collector status change also the stop or resume it marks in the collector's history.
   */
  static List<ReplicaEvent> stored(String node, long seq, byte[] blob, long epoch, long now) {
    BatchFacts batch = BatchFacts.of(seq, blob);
    BatchStored stored = new BatchStored(node, seq, epoch, batch.acceptedAt(), batch.samples(), blob.length,
        batch.minTs(), batch.maxTs(), BatchCodec.checksum(blob), now);
    if (!batch.isStatusChange()) {
      return List.of(stored);
    }
    ReplicaEvent status = batch.status() == CollectorStatus.STOPPED
        ? new RecordingStopped(node, StopReason.COLLECTOR_STOPPED, seq, 0, batch.reason(), batch.acceptedAt(), now)
        : new RecordingResumed(node, ResumeReason.COLLECTOR_RUNNING, seq, batch.reason(), batch.acceptedAt(), now);
    return List.of(stored, status);
  }

  /**
   * What replacing {@code oldBlob} (written under {@code oldEpoch}) by the batch {@code seq}
   * ({@code blob}) of {@code epoch} records.
   */
  static BatchReplaced replaced(String node, long seq, byte[] blob, long epoch, byte[] oldBlob, long oldEpoch, long now) {
    BatchFacts batch = BatchFacts.of(seq, blob);
    return new BatchReplaced(node, seq, epoch, batch.acceptedAt(), batch.samples(), blob.length,
        batch.minTs(), batch.maxTs(), BatchCodec.checksum(blob), batch.status(), batch.reason(),
        oldEpoch, BatchCodec.checksum(oldBlob), BatchCodec.sampleCount(oldBlob), oldBlob.length, now);
  }
}

package gapless.replica;

import akka.persistence.typed.SnapshotAdapter;
import gapless.CborSerializable;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.model.ResumeReason;
import gapless.model.SeqEpochs;
import gapless.model.SeqRanges;
import gapless.model.StatusMark;
import gapless.model.StopReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What a replica knows about its copy of one collector's history. Small whatever the history
 * (seq ranges, totals, an order-independent digest, status changes, one seq per sibling), so
 * snapshots stay small and a restart does not replay years of events.
 *
 * @param held         the seqs this replica holds durably
 * @param samples      samples held
 * @param bytes        encoded bytes held
 * @param digest       sum over held batches of a hash of (seq, checksum): equal on replicas that
 *                     hold the same batches, whatever order they arrived in
 * @param statusMarks  the collector's last status changes (at most {@link #RECENT_MARKS}), in seq
 *                     order (they can arrive out of order when a replica catches up): enough for its
 *                     status now; the whole history of stops is in the sample store's status records
 * @param confirmed    per sibling node, the highest seq both sides confirmed they hold contiguously
 * @param serverStop   the open server-side stop of recording, or null while recording
 * @param lastRecovery the last completed recovery that moved data, or null
 * @param epochs       which owner epoch wrote each held seq (none listed: epoch 0, before epochs)
 * @param promisedEpoch the owner epoch promised to a claim: owner writes below it are fenced (0: none)
 * @param promisedOwner who was promised {@code promisedEpoch}, so a retried claim is granted again
 * @param storeId      the identity of the sample store this journal describes (null: not recorded yet)
 * @param newestAcceptedAt the latest time (epoch ms, the accepting gateway's clock) a batch held here
 *                     was first accepted, or later (0: none held): a new owner needs to look up
 *                     no Idempotency-Key whose batch is older than the window ({@link Holdings})
 *
 * <p>Snapshots taken before epochs existed lack the last four: they read as EMPTY, 0, null and
 * null; before store identities, storeId; before newestAcceptedAt, that one (read as 0 and
 * replaced by the time it was read, see {@link #readFromSnapshot}).
 */
public record ReplicaState(
    SeqRanges held,
    long samples,
    long bytes,
    long digest,
    List<StatusMark> statusMarks,
    Map<String, Long> confirmed,
    ServerStop serverStop,
    RecoveryRecord lastRecovery,
    SeqEpochs epochs,
    long promisedEpoch,
    String promisedOwner,
    String storeId,
    long newestAcceptedAt)
    implements CborSerializable {

  /** The state after {@code event}: the replica's event handler. */
  ReplicaState apply(ReplicaEvent event) {
    if (event instanceof ReplicaEvent.BatchStored e) {
      return withBatch(e.seq(), e.epoch(), e.checksum(), e.samples(), e.bytes()).withAccepted(e.acceptedAt());
    } else if (event instanceof ReplicaEvent.BatchReplaced e) {
      return withReplaced(e).withAccepted(e.acceptedAt());
    } else if (event instanceof ReplicaEvent.EpochPromised e) {
      return withPromise(e.epoch(), e.owner());
    } else if (event instanceof ReplicaEvent.StoreBound e) {
      return withStore(e.storeId());
    } else if (event instanceof ReplicaEvent.StoreLost e) {
      return withStoreLost(e.storeId());
    } else if (event instanceof ReplicaEvent.RecordingStopped e) {
      return withStopped(e);
    } else if (event instanceof ReplicaEvent.RecordingResumed e) {
      return withResumed(e);
    } else if (event instanceof ReplicaEvent.PeerSyncConfirmed e) {
      return withConfirmed(e.peer(), e.seq());
    } else if (event instanceof ReplicaEvent.GapRecovered e) {
      return withRecovery(new RecoveryRecord(e.ranges(), e.sources(), e.batches(), e.samples(), e.bytes(), e.millis(), e.time()));
    } else if (event instanceof ReplicaEvent.PeerUnreachable) {
      // Journaled for the record: the confirmed seq it names is already in the state.
      return this;
    }
    throw new IllegalStateException("Unknown replica event " + event.getClass().getName());
  }

  /** How many status changes the state keeps: the latest decides the status, the others cover a replaced one. */
  static final int RECENT_MARKS = 16;

  public static final ReplicaState EMPTY =
      new ReplicaState(SeqRanges.EMPTY, 0, 0, 0, List.of(), Map.of(), null, null, SeqEpochs.EMPTY, 0, null, null, 0);

  public ReplicaState {
    // A snapshot from before status records holds every change: only the latest are kept.
    // Trimmed only when over: every event's new state passes here, and an immutable list is not copied again.
    statusMarks = List.copyOf(statusMarks.size() > RECENT_MARKS
        ? statusMarks.subList(statusMarks.size() - RECENT_MARKS, statusMarks.size()) : statusMarks);
    confirmed = Map.copyOf(confirmed);
    epochs = epochs == null ? SeqEpochs.EMPTY : epochs;
  }

  /** A claim of {@code epoch} by {@code owner} is granted: newer than the promise, or the same claim again. */
  public boolean grants(long epoch, String owner) {
    return epoch > promisedEpoch || (epoch == promisedEpoch && owner.equals(promisedOwner));
  }

  /** An owner write of {@code epoch} comes from an owner this replica promised to refuse. */
  public boolean fences(long epoch) {
    return epoch < promisedEpoch;
  }

  public boolean holds(long seq) {
    return held.contains(seq);
  }

  public boolean isRecording() {
    return serverStop == null;
  }

  public long confirmedWith(String peer) {
    return confirmed.getOrDefault(peer, 0L);
  }

  public ReplicaState withBatch(long seq, long epoch, long checksum, int batchSamples, int batchBytes) {
    if (held.contains(seq)) {
      return this;
    }
    return new ReplicaState(held.add(seq), samples + batchSamples, bytes + batchBytes,
        digest + batchDigest(seq, checksum), statusMarks, confirmed, serverStop, lastRecovery, epochs.with(seq, epoch),
        promisedEpoch, promisedOwner, storeId, newestAcceptedAt);
  }

  /**
   * The batch {@code e.seq()} was replaced by content of a newer epoch: the totals and the digest
   * move from the replaced batch to the new one, and the status mark at that seq follows the new
   * content. Ignored unless the seq is held under an older epoch, so a replacement recorded twice
   * counts once.
   */
  public ReplicaState withReplaced(ReplicaEvent.BatchReplaced e) {
    if (!held.contains(e.seq()) || epochs.epochOf(e.seq()) >= e.epoch()) {
      return this;
    }
    List<StatusMark> marks = new ArrayList<>(statusMarks);
    marks.removeIf(m -> m.seq() == e.seq());
    StatusMark mark = e.statusMark();
    if (mark != null) {
      marks.add(mark);
      marks.sort(Comparator.comparingLong(StatusMark::seq));
    }
    return new ReplicaState(held, samples - e.replacedSamples() + e.samples(), bytes - e.replacedBytes() + e.bytes(),
        digest - batchDigest(e.seq(), e.replacedChecksum()) + batchDigest(e.seq(), e.checksum()), marks, confirmed,
        serverStop, lastRecovery, epochs.with(e.seq(), e.epoch()), promisedEpoch, promisedOwner, storeId, newestAcceptedAt);
  }

  public ReplicaState withPromise(long epoch, String owner) {
    return new ReplicaState(held, samples, bytes, digest, statusMarks, confirmed, serverStop, lastRecovery, epochs,
        epoch, owner, storeId, newestAcceptedAt);
  }

  public ReplicaState withStatusMark(StatusMark mark) {
    if (statusMarks.stream().anyMatch(m -> m.seq() == mark.seq())) {
      return this;
    }
    List<StatusMark> marks = new ArrayList<>(statusMarks);
    marks.add(mark);
    marks.sort(Comparator.comparingLong(StatusMark::seq));
    return new ReplicaState(held, samples, bytes, digest, marks, confirmed, serverStop, lastRecovery, epochs,
        promisedEpoch, promisedOwner, storeId, newestAcceptedAt);
  }

  public ReplicaState withConfirmed(String peer, long seq) {
    Map<String, Long> c = new HashMap<>(confirmed);
    c.merge(peer, seq, Math::max);
    return new ReplicaState(held, samples, bytes, digest, statusMarks, c, serverStop, lastRecovery, epochs,
        promisedEpoch, promisedOwner, storeId, newestAcceptedAt);
  }

  public ReplicaState withServerStop(ServerStop stop) {
    return new ReplicaState(held, samples, bytes, digest, statusMarks, confirmed, stop, lastRecovery, epochs,
        promisedEpoch, promisedOwner, storeId, newestAcceptedAt);
  }

  /** A stop of recording: the collector's (a mark in its history) or this server's own. */
  ReplicaState withStopped(ReplicaEvent.RecordingStopped e) {
    return e.reason() == StopReason.COLLECTOR_STOPPED
        ? withStatusMark(new StatusMark(e.seq(), CollectorStatus.STOPPED, e.detail(), e.at()))
        : withServerStop(new ServerStop(e.reason(), e.contiguousSeq(), e.seq(), e.time()));
  }

  /** Recording resumed: the collector runs again (a mark in its history), or this server's stop ended. */
  ReplicaState withResumed(ReplicaEvent.RecordingResumed e) {
    return e.reason() == ResumeReason.COLLECTOR_RUNNING
        ? withStatusMark(new StatusMark(e.seq(), CollectorStatus.RUNNING, e.detail(), e.at()))
        : withServerStop(null);
  }

  /**
   * The seqs held, their epochs and the newest accepted time of their batches, counting
   * {@code writing} too: accepted batches whose store write is under way.
   */
  record Holdings(SeqRanges held, SeqEpochs epochs, long newestAcceptedAt) {}

  Holdings holdingsWith(List<ReplicaProtocol.StoreBatch> writing) {
    SeqRanges seqs = held;
    SeqEpochs withWriting = epochs;
    long newest = newestAcceptedAt;
    for (ReplicaProtocol.StoreBatch b : writing) {
      seqs = seqs.add(b.seq());
      if (b.epoch() > withWriting.epochOf(b.seq())) {
        withWriting = withWriting.with(b.seq(), b.epoch());
      }
      newest = Math.max(newest, BatchCodec.acceptedAt(b.blob()));
    }
    return new Holdings(seqs, withWriting, newest);
  }

  /** A batch first accepted at {@code acceptedAt} is held. */
  ReplicaState withAccepted(long acceptedAt) {
    return acceptedAt <= newestAcceptedAt ? this : new ReplicaState(held, samples, bytes, digest, statusMarks, confirmed,
        serverStop, lastRecovery, epochs, promisedEpoch, promisedOwner, storeId, acceptedAt);
  }

  /**
   * This state as read from a snapshot at {@code now} (epoch ms). One taken before the state had
   * {@code newestAcceptedAt} reads it as 0 while holding batches: whatever they are, they were
   * accepted before now, which is then the bound (an owner looks keys up for a window more).
   */
  ReplicaState readFromSnapshot(long now) {
    return newestAcceptedAt == 0 && !held.isEmpty() ? withAccepted(now) : this;
  }

  /** A replica's snapshots: the state as it is, read back through {@link #readFromSnapshot} at {@code clock}'s time. */
  static SnapshotAdapter<ReplicaState> snapshots(LongSupplier clock) {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(ReplicaState state) {
        return state;
      }

      @Override
      public ReplicaState fromJournal(Object from) {
        return ((ReplicaState) from).readFromSnapshot(clock.getAsLong());
      }
    };
  }

  /** The journal describes the sample store {@code id} from now on ({@code StoreBound}). */
  ReplicaState withStore(String id) {
    return new ReplicaState(held, samples, bytes, digest, statusMarks, confirmed, serverStop, lastRecovery, epochs,
        promisedEpoch, promisedOwner, id, newestAcceptedAt);
  }

  /**
   * The sample store this journal described is gone ({@code StoreLost}); the journal now describes
   * {@code id}, which holds nothing of the collector: nothing is held, nothing confirmed with any
   * sibling (so recovery fetches everything). The promise, the stop and the last recovery stay.
   */
  ReplicaState withStoreLost(String id) {
    return new ReplicaState(SeqRanges.EMPTY, 0, 0, 0, List.of(), Map.of(), serverStop, lastRecovery, SeqEpochs.EMPTY,
        promisedEpoch, promisedOwner, id, newestAcceptedAt);
  }

  public ReplicaState withRecovery(RecoveryRecord recovery) {
    return new ReplicaState(held, samples, bytes, digest, statusMarks, confirmed, serverStop, recovery, epochs,
        promisedEpoch, promisedOwner, storeId, newestAcceptedAt);
  }

  /** The collector's status after the last status change held. */
  /** What this replica holds after {@code afterSeq}, as a recovering sibling asks for it: ranges, never one entry a batch. */
  ReplicaProtocol.EventIndex indexAfter(String node, String collector, long afterSeq) {
    return new ReplicaProtocol.EventIndex(node, collector, afterSeq, held.clip(afterSeq + 1, Long.MAX_VALUE),
        epochs.clip(afterSeq + 1, Long.MAX_VALUE), statusMarksAfter(afterSeq), held.highest());
  }

  public CollectorStatus status() {
    return statusMarks.isEmpty() ? CollectorStatus.RUNNING : statusMarks.get(statusMarks.size() - 1).status();
  }

  /** Status changes at seqs after {@code afterSeq}: what a recovering sibling is told. */
  public List<StatusMark> statusMarksAfter(long afterSeq) {
    return statusMarks.stream().filter(m -> m.seq() > afterSeq).toList();
  }

  static long batchDigest(long seq, long checksum) {
    return Placement.mix(seq * 0x9E3779B97F4A7C15L ^ checksum);
  }
}

package gapless.replica;

import gapless.CborSerializable;
import gapless.model.CollectorStatus;
import gapless.model.SeqRanges;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * @param statusMarks  the collector's status changes, in seq order (they can arrive out of order
 *                     when a replica catches up)
 * @param confirmed    per sibling node, the highest seq both sides confirmed they hold contiguously
 * @param serverStop   the open server-side stop of recording, or null while recording
 * @param lastRecovery the last completed recovery that moved data, or null
 */
public record ReplicaState(
    SeqRanges held,
    long samples,
    long bytes,
    long digest,
    List<StatusMark> statusMarks,
    Map<String, Long> confirmed,
    ServerStop serverStop,
    RecoveryRecord lastRecovery)
    implements CborSerializable {

  public static final ReplicaState EMPTY =
      new ReplicaState(SeqRanges.EMPTY, 0, 0, 0, List.of(), Map.of(), null, null);

  public ReplicaState {
    statusMarks = List.copyOf(statusMarks);
    confirmed = Map.copyOf(confirmed);
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

  public ReplicaState withBatch(long seq, long checksum, int batchSamples, int batchBytes) {
    if (held.contains(seq)) {
      return this;
    }
    return new ReplicaState(held.add(seq), samples + batchSamples, bytes + batchBytes,
        digest + batchDigest(seq, checksum), statusMarks, confirmed, serverStop, lastRecovery);
  }

  public ReplicaState withStatusMark(StatusMark mark) {
    if (statusMarks.stream().anyMatch(m -> m.seq() == mark.seq())) {
      return this;
    }
    List<StatusMark> marks = new ArrayList<>(statusMarks);
    marks.add(mark);
    marks.sort(Comparator.comparingLong(StatusMark::seq));
    return new ReplicaState(held, samples, bytes, digest, marks, confirmed, serverStop, lastRecovery);
  }

  public ReplicaState withConfirmed(String peer, long seq) {
    Map<String, Long> c = new HashMap<>(confirmed);
    c.merge(peer, seq, Math::max);
    return new ReplicaState(held, samples, bytes, digest, statusMarks, c, serverStop, lastRecovery);
  }

  public ReplicaState withServerStop(ServerStop stop) {
    return new ReplicaState(held, samples, bytes, digest, statusMarks, confirmed, stop, lastRecovery);
  }

  public ReplicaState withRecovery(RecoveryRecord recovery) {
    return new ReplicaState(held, samples, bytes, digest, statusMarks, confirmed, serverStop, recovery);
  }

  /** The collector's status after the last status change held. */
  public CollectorStatus status() {
    return statusMarks.isEmpty() ? CollectorStatus.RUNNING : statusMarks.get(statusMarks.size() - 1).status();
  }

  /** Stopped intervals: from each STOPPED to the next RUNNING (open while still stopped). */
  public List<StopInterval> stops() {
    List<StopInterval> stops = new ArrayList<>();
    StopInterval open = null;
    for (StatusMark m : statusMarks) {
      if (m.status() == CollectorStatus.STOPPED && open == null) {
        open = new StopInterval(m.at(), null, m.reason(), m.seq());
      } else if (m.status() == CollectorStatus.RUNNING && open != null) {
        stops.add(open.closedAt(m.at()));
        open = null;
      }
    }
    if (open != null) {
      stops.add(open);
    }
    return stops;
  }

  public List<StopInterval> stopsOverlapping(long fromTs, long toTs) {
    return stops().stream().filter(s -> s.overlaps(fromTs, toTs)).toList();
  }

  /** Status changes at seqs after {@code afterSeq}: what a recovering sibling is told. */
  public List<StatusMark> statusMarksAfter(long afterSeq) {
    return statusMarks.stream().filter(m -> m.seq() > afterSeq).toList();
  }

  static long batchDigest(long seq, long checksum) {
    return Placement.mix(seq * 0x9E3779B97F4A7C15L ^ checksum);
  }
}

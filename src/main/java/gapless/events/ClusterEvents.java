package gapless.events;

import static gapless.events.EventField.ADDRESS;
import static gapless.events.EventField.BATCHES;
import static gapless.events.EventField.BYTES;
import static gapless.events.EventField.COLLECTOR;
import static gapless.events.EventField.CONTIGUOUS_SEQ;
import static gapless.events.EventField.DETAIL;
import static gapless.events.EventField.DROPPED;
import static gapless.events.EventField.EPOCH;
import static gapless.events.EventField.FROM_SEQ;
import static gapless.events.EventField.HIGHEST_SEQ;
import static gapless.events.EventField.MILLIS;
import static gapless.events.EventField.PEER;
import static gapless.events.EventField.RANGES;
import static gapless.events.EventField.RANGE_COUNT;
import static gapless.events.EventField.REASON;
import static gapless.events.EventField.REMAINING_RANGES;
import static gapless.events.EventField.REPLACED_EPOCH;
import static gapless.events.EventField.ROLES;
import static gapless.events.EventField.SAMPLES;
import static gapless.events.EventField.SEQ;
import static gapless.events.EventField.STOPPED_BY;
import static gapless.events.EventField.TO_SEQ;
import static gapless.events.EventField.UNRECOVERABLE;

import gapless.model.RecoveryTrigger;
import gapless.model.ResumeReason;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.model.StopReason;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * One factory per kind of cluster event: call sites name neither event types nor fields. Each
 * event gets the time it is made and an id {@code <node>-<process start, base 36 ms>-<counter>}
 * ({@code s3-m3x1q2a0-17}): the counter makes it unique within the process, the start time across
 * restarts of the node. A null or empty value leaves its field out.
 */
public final class ClusterEvents {

  private static final String INCARNATION = Long.toString(System.currentTimeMillis(), 36);
  private static final AtomicLong COUNTER = new AtomicLong();

  private ClusterEvents() {}

  // ---- membership and reachability, as this node sees another (or itself)

  public static ClusterEvent memberUp(String node, String peer, String address, Collection<String> roles) {
    return make(node, EventType.MEMBER_UP, PEER, peer, ADDRESS, address, ROLES, String.join(",", roles));
  }

  public static ClusterEvent memberUnreachable(String node, String peer, String address) {
    return make(node, EventType.MEMBER_UNREACHABLE, PEER, peer, ADDRESS, address);
  }

  public static ClusterEvent memberReachable(String node, String peer, String address) {
    return make(node, EventType.MEMBER_REACHABLE, PEER, peer, ADDRESS, address);
  }

  public static ClusterEvent memberDowned(String node, String peer, String address, Collection<String> roles) {
    return make(node, EventType.MEMBER_DOWNED, PEER, peer, ADDRESS, address, ROLES, String.join(",", roles));
  }

  public static ClusterEvent memberRemoved(String node, String peer, String address, Collection<String> roles) {
    return make(node, EventType.MEMBER_REMOVED, PEER, peer, ADDRESS, address, ROLES, String.join(",", roles));
  }

  // ---- security

  public static ClusterEvent peerRefused(String node, String peer, String detail) {
    return make(node, EventType.PEER_REFUSED, PEER, peer, DETAIL, detail);
  }

  public static ClusterEvent securityOff(String node, String detail) {
    return make(node, EventType.SECURITY_OFF, DETAIL, detail);
  }

  public static ClusterEvent nodeIdTaken(String node, String claimedId, String address, String detail) {
    return make(node, EventType.NODE_ID_TAKEN, PEER, claimedId, ADDRESS, address, DETAIL, detail);
  }

  // ---- a replica's recording

  /** @param contiguousSeq null when beside the point (a collector's own stop) */
  public static ClusterEvent recordingStopped(
      String node, String collector, StopReason reason, long seq, Long contiguousSeq, String detail) {
    return make(node, EventType.RECORDING_STOPPED, COLLECTOR, collector, REASON, reason.name(), SEQ, seq,
        CONTIGUOUS_SEQ, contiguousSeq, DETAIL, detail);
  }

  public static ClusterEvent recordingResumed(String node, String collector, ResumeReason reason, long seq, String detail) {
    return make(node, EventType.RECORDING_RESUMED, COLLECTOR, collector, REASON, reason.name(), SEQ, seq, DETAIL, detail);
  }

  // ---- recovery

  /**
   * @param detail    what the trigger saw, may be empty
   * @param stoppedBy the reason of the open server stop, or null while recording
   */
  public static ClusterEvent recoveryStarted(String node, String collector, RecoveryTrigger trigger, String detail,
      long contiguousSeq, long highestSeq, StopReason stoppedBy) {
    return make(node, EventType.RECOVERY_STARTED, COLLECTOR, collector, REASON, trigger.name(), DETAIL, detail,
        CONTIGUOUS_SEQ, contiguousSeq, HIGHEST_SEQ, highestSeq, STOPPED_BY, stoppedBy == null ? null : stoppedBy.name());
  }

  /** One missing range and the siblings that hold all of it. */
  public static ClusterEvent gapDetected(String node, String collector, SeqRange range, Collection<String> holders) {
    return make(node, EventType.GAP_DETECTED, COLLECTOR, collector, FROM_SEQ, range.from(), TO_SEQ, range.to(),
        BATCHES, range.size(), PEER, String.join(",", holders));
  }

  /** A range of seqs held here under an older owner epoch than a sibling's: fetched to replace them. */
  public static ClusterEvent staleDetected(String node, String collector, SeqRange range, Collection<String> holders) {
    return make(node, EventType.GAP_DETECTED, COLLECTOR, collector, FROM_SEQ, range.from(), TO_SEQ, range.to(),
        BATCHES, range.size(), PEER, String.join(",", holders), DETAIL, "stale: held here under an older owner epoch");
  }

  /** All the missing ranges, when only the first {@code listed} of them got an event each. */
  public static ClusterEvent gapsDetected(String node, String collector, SeqRanges missing, int listed) {
    return make(node, EventType.GAP_DETECTED, COLLECTOR, collector, RANGE_COUNT, missing.ranges().size(),
        BATCHES, missing.count(), DETAIL, "first " + listed + " ranges listed above");
  }

  /** Every second of a fetch: totals so far. */
  public static ClusterEvent syncProgress(String node, String collector, Collection<String> sources,
      long batches, long samples, long bytes, long remainingRanges) {
    return make(node, EventType.SYNC_PROGRESS, COLLECTOR, collector, PEER, String.join(",", sources),
        BATCHES, batches, SAMPLES, samples, BYTES, bytes, REMAINING_RANGES, remainingRanges);
  }

  /** A source sibling failed; {@code rest} is what it still had to send. */
  public static ClusterEvent syncSourceFailed(String node, String collector, String source, SeqRange rest,
      long batches, long bytes, String reason) {
    return make(node, EventType.SYNC_PROGRESS, COLLECTOR, collector, PEER, source, FROM_SEQ, rest.from(),
        TO_SEQ, rest.to(), BATCHES, batches, BYTES, bytes, REASON, reason);
  }

  /** What a recovery filled (not empty), and from which siblings. */
  public static ClusterEvent gapRecovered(String node, String collector, SeqRanges filled,
      long batches, long samples, long bytes, long millis, Collection<String> sources) {
    return make(node, EventType.GAP_RECOVERED, COLLECTOR, collector, FROM_SEQ, filled.ranges().get(0).from(),
        TO_SEQ, filled.highest(), RANGES, rangesText(filled), BATCHES, batches, SAMPLES, samples, BYTES, bytes,
        MILLIS, millis, PEER, String.join(",", sources));
  }

  public static ClusterEvent recoveryCompleted(
      String node, String collector, long batches, long samples, long bytes, long millis, long dropped) {
    return make(node, EventType.RECOVERY_COMPLETED, COLLECTOR, collector, BATCHES, batches, SAMPLES, samples,
        BYTES, bytes, MILLIS, millis, DROPPED, dropped);
  }

  public static ClusterEvent recoveryFailed(String node, String collector, String reason,
      long batches, long bytes, long millis, SeqRanges unrecoverable, long dropped) {
    return make(node, EventType.RECOVERY_FAILED, COLLECTOR, collector, REASON, reason, BATCHES, batches,
        BYTES, bytes, MILLIS, millis, UNRECOVERABLE, rangesText(unrecoverable), DROPPED, dropped);
  }

  /** Ranges as the {@code ranges} field writes them: {@code 32..334,400,405..410}. */
  public static String rangesText(SeqRanges ranges) {
    return ranges.ranges().stream().map(SeqRange::toString).collect(Collectors.joining(","));
  }

  /** A replica actor restarted: {@code batches} is the group it writes again after a journal failure. */
  public static ClusterEvent replicaRestarted(String node, String collector, String reason, int batches) {
    return make(node, EventType.REPLICA_RESTARTED, COLLECTOR, collector, REASON, reason, BATCHES, batches);
  }

  public static ClusterEvent storeFailed(String node, String reason, String detail) {
    return make(node, EventType.STORE_FAILED, REASON, reason, DETAIL, detail);
  }

  public static ClusterEvent indexBuilt(String node, int batches, int collectors, long millis) {
    return make(node, EventType.INDEX_BUILT, BATCHES, batches, MILLIS, millis, DETAIL, "of " + collectors + " collectors");
  }

  public static ClusterEvent storeResumed(String node, String detail) {
    return make(node, EventType.STORE_RESUMED, DETAIL, detail);
  }

  /**
   * Two different batches were given the same seq: the first is kept, the one offered now is
   * refused and not acked.
   *
   * @param peer   the node that offered it, or null when not known
   * @param detail the checksums of the kept and the offered batch
   */
  public static ClusterEvent batchConflict(String node, String collector, long seq, String peer, String detail) {
    return make(node, EventType.BATCH_CONFLICT, COLLECTOR, collector, SEQ, seq, PEER, peer, DETAIL, detail);
  }

  /** Batch {@code seq} came damaged (or could not be read) from {@code peer} (null when not known). */
  public static ClusterEvent batchCorrupt(String node, String collector, long seq, String peer, String detail) {
    return make(node, EventType.BATCH_CORRUPT, COLLECTOR, collector, SEQ, seq, PEER, peer, DETAIL, detail);
  }

  /**
   * This gateway owns {@code collector} under {@code epoch}.
   *
   * @param firstSeq the first seq it gives out
   * @param holes    seqs below it no replica that promised holds, filled with empty batches
   * @param granted  the replicas that promised, comma-separated
   */
  public static ClusterEvent ownerClaimed(String node, String collector, long epoch, long firstSeq, long holes, String granted) {
    return make(node, EventType.OWNER_CLAIMED, COLLECTOR, collector, EPOCH, epoch, SEQ, firstSeq, BATCHES, holes, PEER, granted);
  }

  public static ClusterEvent ownerClaimFailed(String node, String collector, long epoch, String reason) {
    return make(node, EventType.OWNER_CLAIM_FAILED, COLLECTOR, collector, EPOCH, epoch, REASON, reason);
  }

  /** {@code peer} promised a newer epoch than this owner's {@code epoch}. */
  public static ClusterEvent ownerFenced(String node, String collector, long epoch, String peer, String detail) {
    return make(node, EventType.OWNER_FENCED, COLLECTOR, collector, EPOCH, epoch, PEER, peer, DETAIL, detail);
  }

  /** Batch {@code seq} held from {@code replacedEpoch} was replaced by the content of {@code epoch}. */
  public static ClusterEvent batchReplaced(String node, String collector, long seq, long replacedEpoch, long epoch, String detail) {
    return make(node, EventType.BATCH_REPLACED, COLLECTOR, collector, SEQ, seq, REPLACED_EPOCH, replacedEpoch, EPOCH, epoch,
        DETAIL, detail);
  }

  public static ClusterEvent nodeRejoining(String node, String reason) {
    return make(node, EventType.NODE_REJOINING, REASON, reason);
  }

  public static ClusterEvent storeRebuild(String node, String collector, SeqRanges lost, String detail) {
    return make(node, EventType.STORE_REBUILD, COLLECTOR, collector, RANGES, rangesText(lost), BATCHES, lost.count(), DETAIL, detail);
  }

  public static ClusterEvent journalRestored(String node, String collector, SeqRanges restored, String detail) {
    return make(node, EventType.JOURNAL_RESTORED, COLLECTOR, collector, RANGES, rangesText(restored), BATCHES, restored.count(),
        DETAIL, detail);
  }

  /**
   * A scrub found {@code divergent} seqs of this replica's store wrong; {@code peers} are the
   * siblings it compared with, {@code detail} what was wrong with which seqs.
   */
  public static ClusterEvent replicaDiverged(String node, String collector, SeqRanges divergent, String peers, String detail) {
    return make(node, EventType.REPLICA_DIVERGED, COLLECTOR, collector, RANGES, rangesText(divergent), BATCHES,
        divergent.count(), PEER, peers, DETAIL, detail);
  }

  /** A scrub wrote siblings' copies ({@code sources}) of the {@code repaired} seqs; {@code detail} names any it could not. */
  public static ClusterEvent replicaRepaired(String node, String collector, SeqRanges repaired, long bytes, String sources,
      String detail) {
    return make(node, EventType.REPLICA_REPAIRED, COLLECTOR, collector, RANGES, rangesText(repaired), BATCHES,
        repaired.count(), BYTES, bytes, PEER, sources, DETAIL, detail);
  }

  private static ClusterEvent make(String node, EventType type, Object... fieldValues) {
    Map<EventField, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i + 1 < fieldValues.length; i += 2) {
      Object v = fieldValues[i + 1];
      if (v != null && !"".equals(v)) {
        fields.put((EventField) fieldValues[i], v);
      }
    }
    return new ClusterEvent(node + "-" + INCARNATION + "-" + COUNTER.incrementAndGet(), Instant.now().toString(),
        node, type, fields);
  }
}

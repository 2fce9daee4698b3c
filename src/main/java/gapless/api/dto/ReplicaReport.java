package gapless.api.dto;

import com.fasterxml.jackson.annotation.JsonCreator;
import gapless.model.CollectorStatus;
import gapless.model.SeqRange;
import java.util.List;
import java.util.Map;

/**
 * One storage node's replica of one collector, as {@code /api/v1/replicas} and
 * {@code /api/v1/status} show it and {@code verify} compares it. Two replicas holding the same
 * batches have the same {@code digest}.
 *
 * @param missing      holes below {@code highestSeq}, {@code [from, to]} pairs in JSON
 * @param digest       order-independent digest of the batches held, 16 hex digits
 * @param stops        the collector's own recording stops (true holes)
 * @param recovering   true while the node recovers this replica from its siblings
 * @param lag          seqs this replica is behind the furthest sibling
 * @param peers        contiguous seq each sibling last reported, by node id
 * @param confirmed    confirmed (synchronized) seq with each sibling, by node id
 * @param serverStop   the open stop caused by this server, null while recording
 * @param lastRecovery the last recovery that moved data, null when there was none
 * @param asleep       the replica was idle and settled and sleeps (its node answers for it from
 *                     what it held; the next write or fetch wakes it)
 */
public record ReplicaReport(
    String collector,
    String node,
    List<String> replicaSet,
    long contiguousSeq,
    long highestSeq,
    List<SeqRange> missing,
    long batches,
    long samples,
    long bytes,
    String digest,
    CollectorStatus status,
    List<GapReport> stops,
    boolean recovering,
    long lag,
    Map<String, Long> peers,
    Map<String, Long> confirmed,
    ServerStopReport serverStop,
    RecoveryReport lastRecovery,
    boolean asleep) {

  /** Jackson builds reports through this one; fields a node does not send take their defaults. */
  @JsonCreator
  public ReplicaReport {
    replicaSet = replicaSet == null ? List.of() : List.copyOf(replicaSet);
    missing = missing == null ? List.of() : List.copyOf(missing);
    digest = digest == null ? "" : digest;
    stops = stops == null ? List.of() : List.copyOf(stops);
    peers = peers == null ? Map.of() : Map.copyOf(peers);
    confirmed = confirmed == null ? Map.of() : Map.copyOf(confirmed);
  }

  /** True when this replica holds {@code seq}. */
  public boolean holds(long seq) {
    if (seq <= contiguousSeq) {
      return true;
    }
    if (seq > highestSeq) {
      return false;
    }
    return missing.stream().noneMatch(r -> r.contains(seq));
  }

  /** The missing ranges as text ({@code 4,7..9}), {@code -} when there are none. */
  public String missingText() {
    if (missing.isEmpty()) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    for (SeqRange r : missing) {
      sb.append(sb.length() == 0 ? "" : ",").append(r);
    }
    return sb.toString();
  }

  /** The first characters of the digest, enough to tell replicas apart in a table. */
  public String shortDigest() {
    return digest.length() <= 12 ? digest : digest.substring(0, 12);
  }
}

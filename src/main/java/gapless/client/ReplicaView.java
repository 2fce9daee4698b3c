package gapless.client;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Map;

/**
 * One storage node's view of its replica of one collector, as served by {@code /api/v1/replicas}.
 * Two replicas holding the same batches have the same {@code digest}.
 *
 * @param missing holes below {@code highestSeq}, as inclusive {@code [from, to]} pairs
 * @param stops        recording stops of this replica
 * @param recovering   true while the node recovers this replica from its siblings
 * @param lag          seqs this replica is behind the furthest sibling
 * @param peers        contiguous seq each sibling last reported, by node id
 * @param confirmed    confirmed (synchronized) seq with each sibling, by node id
 * @param serverStop   the open stop caused by this server, null while recording
 * @param lastRecovery the last completed recovery, null when there was none
 */
public record ReplicaView(
    String collector,
    String node,
    List<String> replicaSet,
    long contiguousSeq,
    long highestSeq,
    List<List<Long>> missing,
    long batches,
    long samples,
    long bytes,
    String digest,
    String status,
    List<Gap> stops,
    boolean recovering,
    long lag,
    Map<String, Long> peers,
    Map<String, Long> confirmed,
    ServerStop serverStop,
    RecoverySummary lastRecovery) {

  /** Jackson builds views through this one; fields a node does not send yet take their defaults. */
  @JsonCreator
  public ReplicaView {
    replicaSet = replicaSet == null ? List.of() : replicaSet;
    missing = missing == null ? List.of() : missing;
    digest = digest == null ? "" : digest;
    stops = stops == null ? List.of() : stops;
    peers = peers == null ? Map.of() : peers;
    confirmed = confirmed == null ? Map.of() : confirmed;
  }

  /** A view without the recovery fields: recording, not recovering, no lag. */
  public ReplicaView(String collector, String node, List<String> replicaSet, long contiguousSeq, long highestSeq,
      List<List<Long>> missing, long batches, long samples, long bytes, String digest, String status, List<Gap> stops) {
    this(collector, node, replicaSet, contiguousSeq, highestSeq, missing, batches, samples, bytes, digest, status, stops,
        false, 0, Map.of(), Map.of(), null, null);
  }

  /** True when this replica holds {@code seq}. */
  public boolean holds(long seq) {
    if (seq <= contiguousSeq) {
      return true;
    }
    if (seq > highestSeq) {
      return false;
    }
    for (List<Long> range : missing) {
      if (range.size() == 2 && seq >= range.get(0) && seq <= range.get(1)) {
        return false;
      }
    }
    return true;
  }

  /** The missing ranges as text, {@code -} when there are none. */
  public String missingText() {
    if (missing.isEmpty()) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    for (List<Long> r : missing) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(r.get(0).equals(r.get(r.size() - 1)) ? r.get(0).toString() : r.get(0) + ".." + r.get(r.size() - 1));
    }
    return sb.toString();
  }

  /** The first characters of the digest, enough to tell replicas apart in a table. */
  public String shortDigest() {
    return digest.length() <= 12 ? digest : digest.substring(0, 12);
  }
}

package gapless.cli;

import java.util.List;

/**
 * One storage node's view of its replica of one collector, as served by {@code /api/v1/replicas}.
 * Two replicas holding the same batches have the same {@code digest}.
 *
 * @param missing holes below {@code highestSeq}, as inclusive {@code [from, to]} pairs
 * @param stops   recording stops of this replica
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
    List<Gap> stops) {

  public ReplicaView {
    replicaSet = replicaSet == null ? List.of() : replicaSet;
    missing = missing == null ? List.of() : missing;
    digest = digest == null ? "" : digest;
    stops = stops == null ? List.of() : stops;
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

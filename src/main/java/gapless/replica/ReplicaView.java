package gapless.replica;

import gapless.CborSerializable;
import gapless.model.CollectorStatus;
import gapless.model.SeqRange;
import gapless.model.StopInterval;
import java.util.List;
import java.util.Map;

/**
 * One node's replica of one collector, as shown by the replica API and compared by verify.
 *
 * @param recovering   a recovery of this replica is running
 * @param stops        the collector's last stopped intervals (at most {@code VIEW_STOPS}), oldest first
 * @param lag          seqs this replica's contiguous history is behind the furthest sibling's
 * @param peers        each sibling's last reported contiguous seq
 * @param serverStop   the open server-side stop, or null while recording
 * @param lastRecovery the last recovery that moved data, or null
 * @param asleep       the replica sleeps; this is what it held when it fell asleep
 */
public record ReplicaView(
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
    List<StopInterval> stops,
    boolean recovering,
    long lag,
    Map<String, Long> peers,
    Map<String, Long> confirmed,
    ServerStop serverStop,
    RecoveryRecord lastRecovery,
    boolean asleep)
    implements CborSerializable {

  /** How many of the collector's last stopped intervals a view lists: the whole history is what queries answer. */
  static final int VIEW_STOPS = 10;

  /** The view of {@code s}, without stops yet: they are read from the store ({@link #withStops}). */
  static ReplicaView of(String node, String collector, List<String> replicaSet, ReplicaState s, boolean recovering,
      SiblingSync sync) {
    return new ReplicaView(collector, node, replicaSet, s.held().contiguous(), s.held().highest(),
        s.held().missing().ranges(), s.held().count(), s.samples(), s.bytes(),
        String.format("%016x", s.digest()), s.status(), List.of(), recovering, sync.lag(s.held().contiguous()),
        sync.peers(), s.confirmed(), s.serverStop(), s.lastRecovery(), false);
  }

  ReplicaView withStops(List<StopInterval> last) {
    return new ReplicaView(collector, node, replicaSet, contiguousSeq, highestSeq, missing, batches, samples, bytes, digest,
        status, last, recovering, lag, peers, confirmed, serverStop, lastRecovery, asleep);
  }

  /** The same view, of a replica that sleeps. */
  ReplicaView asSleeping() {
    return new ReplicaView(collector, node, replicaSet, contiguousSeq, highestSeq, missing, batches, samples, bytes, digest,
        status, stops, recovering, lag, peers, confirmed, serverStop, lastRecovery, true);
  }
}

package gapless.replica;

import gapless.CborSerializable;
import gapless.model.CollectorStatus;
import gapless.model.SeqRange;
import java.util.List;
import java.util.Map;

/**
 * One node's replica of one collector, as shown by the replica API and compared by verify.
 *
 * @param recovering   a recovery of this replica is running
 * @param lag          seqs this replica's contiguous history is behind the furthest sibling's
 * @param peers        each sibling's last reported contiguous seq
 * @param serverStop   the open server-side stop, or null while recording
 * @param lastRecovery the last recovery that moved data, or null
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
    RecoveryRecord lastRecovery)
    implements CborSerializable {

  static ReplicaView of(
      String node, String collector, List<String> replicaSet, ReplicaState s,
      boolean recovering, long lag, Map<String, Long> peers) {
    return new ReplicaView(collector, node, replicaSet, s.held().contiguous(), s.held().highest(),
        s.held().missing().ranges(), s.held().count(), s.samples(), s.bytes(),
        String.format("%016x", s.digest()), s.status(), s.stops(), recovering, lag, peers, s.confirmed(),
        s.serverStop(), s.lastRecovery());
  }
}

package gapless.replica;

import gapless.CborSerializable;
import gapless.model.CollectorStatus;
import gapless.model.SeqRange;
import java.util.List;

/** One node's replica of one collector, as shown by the replica API and compared by verify. */
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
    List<StopInterval> stops)
    implements CborSerializable {

  static ReplicaView of(String node, String collector, List<String> replicaSet, ReplicaState s) {
    return new ReplicaView(collector, node, replicaSet, s.held().contiguous(), s.held().highest(),
        s.held().missing().ranges(), s.held().count(), s.samples(), s.bytes(),
        String.format("%016x", s.digest()), s.status(), s.stops());
  }
}

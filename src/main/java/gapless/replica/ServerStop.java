package gapless.replica;

import gapless.CborSerializable;
import gapless.model.StopReason;

/**
 * An open server-side stop of recording: this replica may miss batches from {@code time} until a
 * recovery has filled what its siblings got meanwhile.
 *
 * @param contiguousSeq the replica's contiguous seq when recording stopped
 * @param highestSeq    the replica's highest seq when recording stopped
 */
public record ServerStop(StopReason reason, long contiguousSeq, long highestSeq, long time) implements CborSerializable {}

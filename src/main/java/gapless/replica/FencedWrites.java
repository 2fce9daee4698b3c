package gapless.replica;

import gapless.replica.ReplicaProtocol.StoreBatch;
import org.slf4j.Logger;

/**
 * Logs a replica's fenced owner writes (an old owner writing after this replica promised a newer
 * epoch): at most one line per {@code intervalMs}, with how many were fenced since the last one,
 * because an old owner that has not yet heard it lost the collector may send many. Not
 * persisted; used from the replica's actor only.
 */
final class FencedWrites {

  private final String collector;
  private final Logger log;
  private final long intervalMs;
  private long lastLoggedAt = Long.MIN_VALUE;
  private long unlogged;

  FencedWrites(String collector, Logger log, long intervalMs) {
    this.collector = collector;
    this.log = log;
    this.intervalMs = intervalMs;
  }

  /** Whether {@code write} is an owner's write of an epoch older than the one {@code state} promised. */
  static boolean isFenced(ReplicaState state, StoreBatch write) {
    return write.kind() == ReplicaProtocol.WriteKind.OWNER && state.fences(write.epoch());
  }

  /** The answer to a fenced {@code write}, noted (and logged at most once an interval). */
  ReplicaProtocol.StoreFenced answer(String node, ReplicaState state, StoreBatch write, long now) {
    fenced(write, state.promisedEpoch(), now);
    return new ReplicaProtocol.StoreFenced(node, collector, write.seq(), write.epoch(), state.promisedEpoch());
  }

  /** {@code write} was fenced at {@code now}; returns whether it was logged. */
  boolean fenced(StoreBatch write, long promisedEpoch, long now) {
    unlogged++;
    if (lastLoggedAt != Long.MIN_VALUE && now - lastLoggedAt < intervalMs) {
      return false;
    }
    log.warn("Owner write of batch [{}] of [{}] under epoch [{}] fenced: epoch [{}] was promised to a newer owner"
        + " ([{}] fenced since the last report)", write.seq(), collector, write.epoch(), promisedEpoch, unlogged);
    lastLoggedAt = now;
    unlogged = 0;
    return true;
  }
}

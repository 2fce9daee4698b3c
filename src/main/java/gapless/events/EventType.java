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

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every kind of cluster event, with the fields it may carry (beyond the
 * {@code id}, {@code time}, {@code node} and {@code event} every event has). The name is the
 * {@code event} of the JSON; docs/OPERATIONS.md's event table lists the same (EventTypeDocTest).
 */
public enum EventType {
  /** A node joined (also this node itself at start). */
  MEMBER_UP(PEER, ADDRESS, ROLES),
  /** The failure detector lost a node. */
  MEMBER_UNREACHABLE(PEER, ADDRESS),
  /** An unreachable node is back before being downed. */
  MEMBER_REACHABLE(PEER, ADDRESS),
  /** The split-brain resolver downed a node. */
  MEMBER_DOWNED(PEER, ADDRESS, ROLES),
  /** A node left the membership. */
  MEMBER_REMOVED(PEER, ADDRESS, ROLES),
  /** A replica's recording stopped. */
  RECORDING_STOPPED(COLLECTOR, REASON, SEQ, CONTIGUOUS_SEQ, DETAIL),
  /** A replica's recording resumed. */
  RECORDING_RESUMED(COLLECTOR, REASON, SEQ, DETAIL),
  /** A replica starts catching up with its siblings. */
  RECOVERY_STARTED(COLLECTOR, REASON, DETAIL, CONTIGUOUS_SEQ, HIGHEST_SEQ, STOPPED_BY),
  /** A range of seqs siblings hold and this replica does not, or how many more there are. */
  GAP_DETECTED(COLLECTOR, FROM_SEQ, TO_SEQ, BATCHES, PEER, RANGE_COUNT, DETAIL),
  /** A recovery's fetch progress, or a source sibling that failed. */
  SYNC_PROGRESS(COLLECTOR, PEER, FROM_SEQ, TO_SEQ, BATCHES, SAMPLES, BYTES, REMAINING_RANGES, REASON),
  /** What a recovery filled, and from where. */
  GAP_RECOVERED(COLLECTOR, FROM_SEQ, TO_SEQ, RANGES, BATCHES, SAMPLES, BYTES, MILLIS, PEER),
  /** The replica holds everything its siblings hold. */
  RECOVERY_COMPLETED(COLLECTOR, BATCHES, SAMPLES, BYTES, MILLIS, DROPPED),
  /**
   * The node built the tag index of the batches its recoveries stored ({@code detail}: of how many
   * collectors), once they stopped coming; a read of one of those collectors builds its part first.
   */
  INDEX_BUILT(BATCHES, MILLIS, DETAIL),
  /** A recovery could not finish; it is retried. */
  RECOVERY_FAILED(COLLECTOR, REASON, BATCHES, BYTES, MILLIS, UNRECOVERABLE, DROPPED),
  /** A replica actor restarted after a journal failure, or stopped and was started again. */
  REPLICA_RESTARTED(COLLECTOR, REASON, BATCHES),
  /**
   * The node's sample store failed (retried with a growing delay), or a disk of the node went below
   * its reserve ({@code DISK_FULL}: nothing more is written there until space is freed).
   */
  STORE_FAILED(REASON, DETAIL),
  /** A disk that was below its reserve has room again: writes go on, and what was missed is recovered. */
  STORE_RESUMED(DETAIL),
  /** A batch offered for a seq the replica holds (or is writing) with other content: refused, not acked. */
  BATCH_CONFLICT(COLLECTOR, SEQ, PEER, DETAIL),
  /**
   * A batch that is not what the gateway encoded (its CRC does not match), or that a sibling could
   * not read from its disk: never stored; a recovery takes it from another sibling.
   */
  BATCH_CORRUPT(COLLECTOR, SEQ, PEER, DETAIL),
  /** A gateway became a collector's owner: a read quorum of replicas promised its epoch. */
  OWNER_CLAIMED(COLLECTOR, EPOCH, SEQ, BATCHES, PEER),
  /** A gateway could not become a collector's owner now (too few replicas answered); it tries again. */
  OWNER_CLAIM_FAILED(COLLECTOR, EPOCH, REASON),
  /** A collector's owner learned from a replica that a newer owner took over; it stops. */
  OWNER_FENCED(COLLECTOR, EPOCH, PEER, DETAIL),
  /** A held batch replaced by other content of a newer owner epoch (the collector's history). */
  BATCH_REPLACED(COLLECTOR, SEQ, REPLACED_EPOCH, EPOCH, DETAIL),
  /**
   * A replica's journal names a sample store that is not the node's any more: what it listed
   * ({@code ranges}, {@code batches}) is not held here; it is fetched again from the siblings.
   */
  STORE_REBUILD(COLLECTOR, RANGES, BATCHES, DETAIL),
  /**
   * A replica's journal lacked the events of batches its sample store holds ({@code ranges},
   * {@code batches}): the journal's tail is written without an fsync and a power cut took it. They
   * were journaled again from the store's marks before the replica answered anything; nothing to fetch.
   */
  JOURNAL_RESTORED(COLLECTOR, RANGES, BATCHES, DETAIL),
  /**
   * A background scrub found stored batches of this replica missing, damaged, or unlike the copy a
   * majority of the replica set holds ({@code detail} says which seqs and how); they are repaired
   * from a sibling next.
   */
  REPLICA_DIVERGED(COLLECTOR, RANGES, BATCHES, PEER, DETAIL),
  /** The scrub wrote siblings' copies over the divergent batches ({@code peer}: where they came from). */
  REPLICA_REPAIRED(COLLECTOR, RANGES, BATCHES, BYTES, PEER, DETAIL),
  /** A gateway saw no storage node for a while: it leaves its cluster and joins the storage nodes' one again. */
  NODE_REJOINING(REASON),
  /**
   * TLS refused a connection between nodes: a peer whose certificate is not of the cluster CA (or
   * names another host), one without TLS, a handshake broken off ({@code peer}: host:port, or
   * "inbound" for a connection this node accepted).
   */
  PEER_REFUSED(PEER, DETAIL),
  /** This node listens where others can reach it with security off, as {@code gapless.security.insecure} allows. */
  SECURITY_OFF(DETAIL),
  /**
   * A system joined claiming a node id another member holds, or with a certificate made for another
   * node ({@code peer}: the claimed id); the leader downed it.
   */
  NODE_ID_TAKEN(PEER, ADDRESS, DETAIL);

  private final List<EventField> fields;

  EventType(EventField... fields) {
    this.fields = List.of(fields);
  }

  /** The fields this event may carry, in the order they are written. */
  public List<EventField> fields() {
    return fields;
  }

  public boolean declares(EventField field) {
    return fields.contains(field);
  }

  /** The type of an {@code event} name; empty for a name this version does not know. */
  public static Optional<EventType> ofName(String name) {
    return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst();
  }
}

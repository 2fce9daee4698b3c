package gapless.events;

import static gapless.events.EventField.ADDRESS;
import static gapless.events.EventField.BATCHES;
import static gapless.events.EventField.BYTES;
import static gapless.events.EventField.COLLECTOR;
import static gapless.events.EventField.CONTIGUOUS_SEQ;
import static gapless.events.EventField.DETAIL;
import static gapless.events.EventField.FROM_SEQ;
import static gapless.events.EventField.HIGHEST_SEQ;
import static gapless.events.EventField.MILLIS;
import static gapless.events.EventField.PEER;
import static gapless.events.EventField.RANGES;
import static gapless.events.EventField.RANGE_COUNT;
import static gapless.events.EventField.REASON;
import static gapless.events.EventField.REMAINING_RANGES;
import static gapless.events.EventField.ROLES;
import static gapless.events.EventField.SAMPLES;
import static gapless.events.EventField.SEQ;
import static gapless.events.EventField.STOPPED_BY;
import static gapless.events.EventField.TO_SEQ;
import static gapless.events.EventField.UNRECOVERABLE;
import static gapless.events.EventField.DROPPED;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every kind of cluster event, with what it means and the fields it may carry (beyond the
 * {@code id}, {@code time}, {@code node} and {@code event} every event has). The name is the
 * {@code event} of the JSON; docs/OPERATIONS.md's event table lists the same (EventTypeDocTest).
 */
public enum EventType {
  MEMBER_UP("a node joined (also this node itself at start)", PEER, ADDRESS, ROLES),
  MEMBER_UNREACHABLE("the failure detector lost a node", PEER, ADDRESS),
  MEMBER_REACHABLE("an unreachable node is back before being downed", PEER, ADDRESS),
  MEMBER_DOWNED("the split-brain resolver downed a node", PEER, ADDRESS, ROLES),
  MEMBER_REMOVED("a node left the membership", PEER, ADDRESS, ROLES),
  RECORDING_STOPPED("a replica's recording stopped", COLLECTOR, REASON, SEQ, CONTIGUOUS_SEQ, DETAIL),
  RECORDING_RESUMED("a replica's recording resumed", COLLECTOR, REASON, SEQ, DETAIL),
  RECOVERY_STARTED("a replica starts catching up with its siblings",
      COLLECTOR, REASON, DETAIL, CONTIGUOUS_SEQ, HIGHEST_SEQ, STOPPED_BY),
  GAP_DETECTED("a range of seqs siblings hold and this replica does not, or how many more there are",
      COLLECTOR, FROM_SEQ, TO_SEQ, BATCHES, PEER, RANGE_COUNT, DETAIL),
  SYNC_PROGRESS("a recovery's fetch progress, or a source sibling that failed",
      COLLECTOR, PEER, FROM_SEQ, TO_SEQ, BATCHES, SAMPLES, BYTES, REMAINING_RANGES, REASON),
  GAP_RECOVERED("what a recovery filled, and from where",
      COLLECTOR, FROM_SEQ, TO_SEQ, RANGES, BATCHES, SAMPLES, BYTES, MILLIS, PEER),
  RECOVERY_COMPLETED("the replica holds everything its siblings hold", COLLECTOR, BATCHES, SAMPLES, BYTES, MILLIS, DROPPED),
  RECOVERY_FAILED("a recovery could not finish; it is retried", COLLECTOR, REASON, BATCHES, BYTES, MILLIS, UNRECOVERABLE, DROPPED),
  REPLICA_RESTARTED("a replica actor restarted after a journal failure, or stopped and was started again",
      COLLECTOR, REASON, BATCHES),
  STORE_FAILED("the node's sample store failed; retried with a growing delay", REASON, DETAIL);

  private final String meaning;
  private final List<EventField> fields;

  EventType(String meaning, EventField... fields) {
    this.meaning = meaning;
    this.fields = List.of(fields);
  }

  /** One line saying what the event means. */
  public String meaning() {
    return meaning;
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

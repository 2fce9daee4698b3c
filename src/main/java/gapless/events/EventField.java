package gapless.events;

/**
 * A field a cluster event may carry, by its JSON name. Which fields an event carries is declared
 * by its {@link EventType}; the name is what readers of the JSON see.
 */
public enum EventField {
  /** The collector whose replica the event is about. */
  COLLECTOR("collector"),
  /** Another node: the member of a membership event, the sibling(s) of a recovery step (comma-joined). */
  PEER("peer"),
  /** The Akka address of the member. */
  ADDRESS("address"),
  /** The member's public roles (storage, gateway), comma-joined. */
  ROLES("roles"),
  /** Why: an enum name ({@code UNCLEAN_SHUTDOWN}, {@code NODE_UP}) or a sentence for a failure. */
  REASON("reason"),
  /** Free text beside the reason. */
  DETAIL("detail"),
  /** A seq at which recording stopped or resumed. */
  SEQ("seq"),
  /** The highest seq below which the replica holds everything. */
  CONTIGUOUS_SEQ("contiguousSeq"),
  /** The highest seq the replica holds. */
  HIGHEST_SEQ("highestSeq"),
  /** The reason of the open server stop a recovery is closing. */
  STOPPED_BY("stoppedBy"),
  /** First seq of the range the event covers. */
  FROM_SEQ("fromSeq"),
  /** Last seq of the range the event covers. */
  TO_SEQ("toSeq"),
  /** The seq ranges the event covers, as text: {@code 32..334,400,405..410}. Never a count. */
  RANGES("ranges"),
  /** How many seq ranges there are (when they are too many to list). */
  RANGE_COUNT("rangeCount"),
  /** Ranges of a recovery still to fetch or being fetched. */
  REMAINING_RANGES("remainingRanges"),
  BATCHES("batches"),
  SAMPLES("samples"),
  BYTES("bytes"),
  MILLIS("millis"),
  /** Seq ranges no reachable sibling holds, as text like {@link #RANGES}. */
  UNRECOVERABLE("unrecoverable"),
  /** Replies a recovery dropped because they did not belong to its current phase (late or unasked). */
  DROPPED("dropped"),
  /** An owner epoch: the one that wrote a batch. */
  EPOCH("epoch"),
  /** The owner epoch of the content a replacement removed. */
  REPLACED_EPOCH("replacedEpoch");

  private final String jsonName;

  EventField(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name in the event's JSON. */
  public String jsonName() {
    return jsonName;
  }
}

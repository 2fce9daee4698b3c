package gapless.client;

import static gapless.events.EventField.ADDRESS;
import static gapless.events.EventField.BATCHES;
import static gapless.events.EventField.BYTES;
import static gapless.events.EventField.COLLECTOR;
import static gapless.events.EventField.CONTIGUOUS_SEQ;
import static gapless.events.EventField.DETAIL;
import static gapless.events.EventField.EPOCH;
import static gapless.events.EventField.FROM_SEQ;
import static gapless.events.EventField.HIGHEST_SEQ;
import static gapless.events.EventField.MILLIS;
import static gapless.events.EventField.PEER;
import static gapless.events.EventField.RANGES;
import static gapless.events.EventField.RANGE_COUNT;
import static gapless.events.EventField.REASON;
import static gapless.events.EventField.REPLACED_EPOCH;
import static gapless.events.EventField.SAMPLES;
import static gapless.events.EventField.SEQ;
import static gapless.events.EventField.TO_SEQ;
import static gapless.events.EventField.UNRECOVERABLE;

import com.fasterxml.jackson.databind.JsonNode;
import gapless.events.EventField;
import gapless.events.EventType;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * One parsed entry of the cluster event log ({@code /api/v1/events} or a node's
 * {@code <node>-events.jsonl}): its id, when, which node emitted it, the event type and its own fields.
 *
 * <p>A server newer than this client may send an event type this client does not know. Such an
 * event is kept, not dropped and not an error: {@code event} is null, {@code eventName} holds the
 * name as sent, {@link #is} matches nothing and {@link #readable} lists its fields. A reader that
 * switches on {@code event} checks {@link #known} first. Failing instead would make an old client
 * unable to follow a newer cluster's log at all.
 *
 * @param id        the event's unique id; the same event from the API and from a JSONL file has the same id
 * @param event     the type, or null when this client does not know {@code eventName}
 * @param eventName the {@code event} as sent
 * @param json      the whole event object, for fields this class has no accessor for
 */
public record NodeEvent(String id, Instant time, String node, EventType event, String eventName, JsonNode json) {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
  private static final Set<String> HEAD = Set.of("id", "time", "node", "event");

  /** Parses an event object; an unparsable time becomes {@link Instant#EPOCH} so the event is still shown. */
  public static NodeEvent of(JsonNode json) {
    Instant t;
    try {
      t = Instant.parse(json.path("time").asText(""));
    } catch (DateTimeParseException e) {
      t = Instant.EPOCH;
    }
    String name = json.path("event").asText("");
    return new NodeEvent(json.path("id").asText(""), t, json.path("node").asText(""),
        EventType.ofName(name).orElse(null), name, json);
  }

  public boolean is(EventType type) {
    return event == type;
  }

  /** False for an event type from a newer server. */
  public boolean known() {
    return event != null;
  }

  public String text(EventField field) {
    return text(field.jsonName());
  }

  public long num(EventField field) {
    return num(field.jsonName());
  }

  public boolean has(EventField field) {
    return json.has(field.jsonName());
  }

  public String text(String field) {
    return json.path(field).asText("");
  }

  public long num(String field) {
    return json.path(field).asLong(0);
  }

  public String collector() {
    return text(COLLECTOR);
  }

  /** The {@code peer} field: one node id, or several joined by commas (the sources of a recovery). */
  public String peer() {
    return text(PEER);
  }

  /**
   * The seq ranges an event covers: its {@code ranges} field ({@code 41..97,100,105..110}) when it
   * has one, else {@code [fromSeq, toSeq]}; empty when it has neither.
   */
  public java.util.List<long[]> seqRanges() {
    java.util.List<long[]> out = new java.util.ArrayList<>();
    String ranges = text(RANGES);
    // Event files written before rangeCount existed have a count in GAP_DETECTED's ranges: not a seq.
    if (!ranges.isEmpty() && !json.path(RANGES.jsonName()).isNumber()) {
      for (String r : ranges.split(",")) {
        String t = r.trim();
        int dots = t.indexOf("..");
        try {
          out.add(dots < 0 ? new long[] {Long.parseLong(t), Long.parseLong(t)}
              : new long[] {Long.parseLong(t.substring(0, dots)), Long.parseLong(t.substring(dots + 2))});
        } catch (NumberFormatException e) {
          // Not a range list after all: fall back to fromSeq/toSeq below.
          out.clear();
          break;
        }
      }
      if (!out.isEmpty()) {
        return out;
      }
    }
    if (has(FROM_SEQ) && has(TO_SEQ)) {
      out.add(new long[] {num(FROM_SEQ), num(TO_SEQ)});
    }
    return out;
  }

  public long millisSinceEpoch() {
    return time.toEpochMilli();
  }

  /**
   * One readable line, e.g. {@code 21:03:04.120 s3 GAP_RECOVERED collector=sim-0003 seqs 41..97
   * (57 batches, 2.1 MB) from s1 in 180 ms}; unknown event types list their fields.
   */
  public String readable() {
    String head = CLOCK.format(time) + " " + node + " " + eventName + " ";
    if (event == null) {
      return head + fields();
    }
    return head + switch (event) {
      case MEMBER_UP, MEMBER_UNREACHABLE, MEMBER_REACHABLE, MEMBER_DOWNED, MEMBER_REMOVED ->
          peer() + " (" + text(ADDRESS) + ")";
      case RECORDING_STOPPED -> "collector=" + collector() + " reason=" + text(REASON) + " at seq " + num(SEQ)
          + (has(CONTIGUOUS_SEQ) ? " (contiguous " + num(CONTIGUOUS_SEQ) + ")" : "");
      case RECORDING_RESUMED -> "collector=" + collector() + " reason=" + text(REASON) + " at seq " + num(SEQ);
      case RECOVERY_STARTED -> "collector=" + collector() + " reason=" + text(REASON)
          + (has(DETAIL) ? " (" + text(DETAIL) + ")" : "") + " contiguous " + num(CONTIGUOUS_SEQ)
          + ", highest " + num(HIGHEST_SEQ);
      case GAP_DETECTED -> has(RANGE_COUNT)
          ? "collector=" + collector() + " " + num(RANGE_COUNT) + " ranges (" + num(BATCHES) + " batches), " + text(DETAIL)
          : "collector=" + collector() + " seqs " + range() + " (" + num(BATCHES) + " batches) on " + peer();
      case SYNC_PROGRESS -> "collector=" + collector() + " " + num(BATCHES) + " batches, " + mb(num(BYTES))
          + " from " + peer() + (has(REASON) ? " (" + text(REASON) + ")" : "");
      case GAP_RECOVERED -> "collector=" + collector() + " seqs " + (has(RANGES) ? text(RANGES) : range())
          + " (" + num(BATCHES) + " batches, " + mb(num(BYTES)) + ") from " + peer() + " in " + num(MILLIS) + " ms";
      case RECOVERY_COMPLETED -> "collector=" + collector() + " " + num(BATCHES) + " batches, " + num(SAMPLES)
          + " samples, " + mb(num(BYTES)) + " in " + num(MILLIS) + " ms";
      case INDEX_BUILT -> "tag index of " + num(BATCHES) + " recovered batches " + text(DETAIL) + " built in " + num(MILLIS) + " ms";
      case RECOVERY_FAILED -> "collector=" + collector() + " reason=" + text(REASON)
          + (has(UNRECOVERABLE) ? " unrecoverable=" + text(UNRECOVERABLE) : "");
      case REPLICA_RESTARTED -> "collector=" + collector() + " reason=" + text(REASON)
          + (num(BATCHES) > 0 ? ", " + num(BATCHES) + " batches written again" : "");
      case STORE_FAILED -> "reason=" + text(REASON) + " (" + text(DETAIL) + ")";
      case STORE_RESUMED -> text(DETAIL);
      case BATCH_CORRUPT -> "collector=" + collector() + " seq " + num(SEQ) + (has(PEER) ? " from " + peer() : "")
          + " damaged, not stored (" + text(DETAIL) + ")";
      case BATCH_CONFLICT -> "collector=" + collector() + " seq " + num(SEQ) + " offered with other content"
          + (has(PEER) ? " by " + peer() : "") + ", refused (" + text(DETAIL) + ")";
      case OWNER_CLAIMED -> "collector=" + collector() + " epoch " + num(EPOCH) + " from seq " + num(SEQ)
          + " (promised by " + peer() + (num(BATCHES) > 0 ? ", " + num(BATCHES) + " empty batches fill seqs nobody held" : "") + ")";
      case OWNER_CLAIM_FAILED -> "collector=" + collector() + " epoch " + num(EPOCH) + ": " + text(REASON);
      case OWNER_FENCED -> "collector=" + collector() + " epoch " + num(EPOCH) + " fenced by " + peer() + " (" + text(DETAIL) + ")";
      case NODE_REJOINING -> "rejoining the storage nodes' cluster: " + text(REASON);
      case STORE_REBUILD -> "collector=" + collector() + " lost " + num(BATCHES) + " batches " + text(RANGES) + " ("
          + text(DETAIL) + "): fetched again from the siblings";
      case JOURNAL_RESTORED -> "collector=" + collector() + " " + num(BATCHES) + " batches " + text(RANGES)
          + " held in the store, their journal events lost: " + text(DETAIL);
      case BATCH_REPLACED -> "collector=" + collector() + " seq " + num(SEQ) + " of epoch " + num(REPLACED_EPOCH)
          + " replaced by the content of epoch " + num(EPOCH) + " (" + text(DETAIL) + ")";
      case REPLICA_DIVERGED -> "collector=" + collector() + " " + num(BATCHES) + " stored batches " + text(RANGES)
          + " wrong here, compared with " + peer() + " (" + text(DETAIL) + ")";
      case REPLICA_REPAIRED -> "collector=" + collector() + " " + num(BATCHES) + " batches " + text(RANGES) + " ("
          + mb(num(BYTES)) + ") repaired from " + peer() + (text(DETAIL).isEmpty() ? "" : " (" + text(DETAIL) + ")");
      case PEER_REFUSED -> "TLS refused " + ("inbound".equals(text(PEER)) ? "an inbound connection" : "the connection to "
          + peer()) + ": " + text(DETAIL);
      case SECURITY_OFF -> text(DETAIL);
      case NODE_ID_TAKEN -> text(DETAIL);
    };
  }

  private String range() {
    long from = num(FROM_SEQ);
    long to = num(TO_SEQ);
    return from == to ? Long.toString(from) : from + ".." + to;
  }

  private String fields() {
    return fieldsText(json, HEAD);
  }

  /** An event's fields as {@code key=value ...}, in the order the node wrote them, except {@code skip}. */
  public static String fieldsText(JsonNode json, Set<String> skip) {
    StringBuilder sb = new StringBuilder();
    Iterator<Map.Entry<String, JsonNode>> it = json.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!skip.contains(f.getKey())) {
        JsonNode v = f.getValue();
        sb.append(sb.length() == 0 ? "" : " ").append(f.getKey()).append('=').append(v.isValueNode() ? v.asText() : v.toString());
      }
    }
    return sb.toString();
  }

  /** Bytes as {@code 2.1 MB} / {@code 830 kB} / {@code 12 B}. */
  public static String mb(long bytes) {
    if (bytes >= 1_000_000) {
      return String.format("%.1f MB", bytes / 1e6);
    }
    if (bytes >= 1_000) {
      return String.format("%.0f kB", bytes / 1e3);
    }
    return bytes + " B";
  }
}

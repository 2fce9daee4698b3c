package gapless.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * One parsed entry of the cluster event log ({@code /api/v1/events} or a node's
 * {@code <node>-events.jsonl}): when, which node emitted it, the event type and its own fields.
 *
 * @param json the whole event object, for fields this class has no accessor for
 */
public record NodeEvent(Instant time, String node, String event, JsonNode json) {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
  private static final Set<String> HEAD = Set.of("time", "node", "event");

  /** Parses an event object; an unparsable time becomes {@link Instant#EPOCH} so the event is still shown. */
  public static NodeEvent of(JsonNode json) {
    Instant t;
    try {
      t = Instant.parse(json.path("time").asText(""));
    } catch (DateTimeParseException e) {
      t = Instant.EPOCH;
    }
    return new NodeEvent(t, json.path("node").asText(""), json.path("event").asText(""), json);
  }

  public boolean is(String type) {
    return event.equals(type);
  }

  public String text(String field) {
    return json.path(field).asText("");
  }

  public long num(String field) {
    return json.path(field).asLong(0);
  }

  public String collector() {
    return text("collector");
  }

  /** The {@code peer} field: one node id, or several joined by commas (the sources of a recovery). */
  public String peer() {
    return text("peer");
  }

  /**
   * The seq ranges an event covers: its {@code ranges} field ({@code 41..97,100,105..110}) when it
   * has one, else {@code [fromSeq, toSeq]}; empty when it has neither.
   */
  public java.util.List<long[]> seqRanges() {
    java.util.List<long[]> out = new java.util.ArrayList<>();
    String ranges = text("ranges");
    if (!ranges.isEmpty() && !json.path("ranges").isNumber()) {
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
    if (json.has("fromSeq") && json.has("toSeq")) {
      out.add(new long[] {num("fromSeq"), num("toSeq")});
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
    String head = CLOCK.format(time) + " " + node + " " + event + " ";
    return head + switch (event) {
      case "MEMBER_UP", "MEMBER_UNREACHABLE", "MEMBER_REACHABLE", "MEMBER_DOWNED", "MEMBER_REMOVED" ->
          peer() + " (" + text("address") + ")";
      case "RECORDING_STOPPED" -> "collector=" + collector() + " reason=" + text("reason") + " at seq " + num("seq")
          + " (contiguous " + num("contiguousSeq") + ")";
      case "RECORDING_RESUMED" -> "collector=" + collector() + " reason=" + text("reason") + " at seq " + num("seq");
      case "RECOVERY_STARTED" -> "collector=" + collector() + " reason=" + text("reason") + " contiguous "
          + num("contiguousSeq") + ", highest " + num("highestSeq");
      case "GAP_DETECTED" -> "collector=" + collector() + " seqs " + range() + " (" + num("batches") + " batches) on "
          + peer();
      case "SYNC_PROGRESS" -> "collector=" + collector() + " " + num("batches") + " batches, " + mb(num("bytes"))
          + " from " + peer() + (text("reason").isEmpty() ? "" : " (" + text("reason") + ")");
      case "GAP_RECOVERED" -> "collector=" + collector() + " seqs " + (text("ranges").isEmpty() ? range() : text("ranges"))
          + " (" + num("batches") + " batches, " + mb(num("bytes")) + ") from " + peer() + " in " + num("millis") + " ms";
      case "RECOVERY_COMPLETED" -> "collector=" + collector() + " " + num("batches") + " batches, " + num("samples")
          + " samples, " + mb(num("bytes")) + " in " + num("millis") + " ms";
      case "RECOVERY_FAILED" -> "collector=" + collector() + " reason=" + text("reason")
          + (text("unrecoverable").isEmpty() ? "" : " unrecoverable=" + text("unrecoverable"));
      default -> fields();
    };
  }

  private String range() {
    long from = num("fromSeq");
    long to = num("toSeq");
    return from == to ? Long.toString(from) : from + ".." + to;
  }

  private String fields() {
    StringBuilder sb = new StringBuilder();
    Iterator<Map.Entry<String, JsonNode>> it = json.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!HEAD.contains(f.getKey())) {
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

package gapless.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gapless.CborSerializable;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the cluster event log: a fault or a recovery step, seen by {@code node}. Made by
 * the factories of {@link ClusterEvents}; typed until the edge, where {@link #toJson} writes one
 * JSON object: {@code id}, {@code time}, {@code node}, {@code event}, then its fields in the order
 * its type declares them.
 *
 * @param id     unique across the cluster and across restarts of a node, so the same event read
 *               from {@code /api/v1/events} and from a node's JSONL file can be matched
 * @param time   ISO-8601 UTC
 * @param fields only fields {@code event} declares; values are strings, numbers or booleans
 */
public record ClusterEvent(String id, String time, String node, EventType event, Map<EventField, Object> fields)
    implements EventLog.Command, CborSerializable {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ClusterEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(event, "event");
    fields.forEach((f, v) -> {
      if (!event.declares(f)) {
        throw new IllegalArgumentException(event + " carries no field " + f.jsonName() + "; it carries "
            + event.fields().stream().map(EventField::jsonName).toList());
      }
      if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw new IllegalArgumentException(event + "." + f.jsonName() + " is neither a string, a number nor a boolean: " + v);
      }
    });
    fields = Map.copyOf(fields);
  }

  /** The value of {@code field}, or null when this event does not carry it. */
  public Object get(EventField field) {
    return fields.get(field);
  }

  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", id).put("time", time).put("node", node).put("event", event.name());
    for (EventField f : event.fields()) {
      Object v = fields.get(f);
      if (v != null) {
        o.set(f.jsonName(), JSON.valueToTree(v));
      }
    }
    return o;
  }

  public String toJsonLine() {
    return toJson().toString();
  }
}

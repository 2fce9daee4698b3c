package gapless.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of the cluster event log: a fault or a recovery step, seen by {@code node}.
 * Written as one JSON object a line: {@code time}, {@code node}, {@code event}, then its fields
 * ({@code collector}, {@code peer}, {@code fromSeq}, {@code toSeq}, {@code reason}, ...).
 *
 * @param fields values are strings, numbers or booleans
 */
public record ClusterEvent(String time, String node, String event, Map<String, Object> fields)
    implements EventLog.Command {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ClusterEvent {
    fields = Map.copyOf(fields);
  }

  /** An event that happened now on {@code node}; fields given as alternating names and values. */
  public static ClusterEvent now(String node, String event, Object... nameValues) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i + 1 < nameValues.length; i += 2) {
      if (nameValues[i + 1] != null) {
        fields.put((String) nameValues[i], nameValues[i + 1]);
      }
    }
    return new ClusterEvent(Instant.now().toString(), node, event, fields);
  }

  /** An event about one collector's replica: {@code collector} first, then the given fields. */
  public static ClusterEvent ofCollector(String node, String event, String collector, Object... nameValues) {
    Object[] all = new Object[nameValues.length + 2];
    all[0] = "collector";
    all[1] = collector;
    System.arraycopy(nameValues, 0, all, 2, nameValues.length);
    return now(node, event, all);
  }

  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("time", time).put("node", node).put("event", event);
    fields.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> o.set(e.getKey(), JSON.valueToTree(e.getValue())));
    return o;
  }

  public String toJsonLine() {
    return toJson().toString();
  }
}

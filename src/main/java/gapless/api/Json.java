package gapless.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gapless.model.SeqRange;
import gapless.replica.RecoveryRecord;
import gapless.replica.ReplicaView;
import gapless.replica.StopInterval;
import java.util.List;

/** The JSON shapes of the HTTP API, in one place so they stay consistent. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static String error(String message) {
    return object().put("error", message).toString();
  }

  static ArrayNode ranges(List<SeqRange> ranges) {
    ArrayNode out = MAPPER.createArrayNode();
    ranges.forEach(r -> out.addArray().add(r.from()).add(r.to()));
    return out;
  }

  static ArrayNode stops(List<StopInterval> stops) {
    ArrayNode out = MAPPER.createArrayNode();
    for (StopInterval s : stops) {
      ObjectNode o = out.addObject().put("from", s.from());
      if (s.to() == null) {
        o.putNull("to");
      } else {
        o.put("to", s.to());
      }
      o.put("reason", s.reason()).put("fromSeq", s.fromSeq());
    }
    return out;
  }

  static ObjectNode replica(ReplicaView v) {
    ObjectNode o = object().put("collector", v.collector()).put("node", v.node());
    o.set("replicaSet", MAPPER.valueToTree(v.replicaSet()));
    o.put("contiguousSeq", v.contiguousSeq()).put("highestSeq", v.highestSeq());
    o.set("missing", ranges(v.missing()));
    o.put("batches", v.batches()).put("samples", v.samples()).put("bytes", v.bytes())
        .put("digest", v.digest()).put("status", v.status().name());
    o.set("stops", stops(v.stops()));
    o.put("recovering", v.recovering()).put("lag", v.lag());
    o.set("peers", MAPPER.valueToTree(v.peers()));
    o.set("confirmed", MAPPER.valueToTree(v.confirmed()));
    if (v.serverStop() == null) {
      o.putNull("serverStop");
    } else {
      o.putObject("serverStop").put("reason", v.serverStop().reason().name())
          .put("contiguousSeq", v.serverStop().contiguousSeq()).put("highestSeq", v.serverStop().highestSeq())
          .put("time", v.serverStop().time());
    }
    RecoveryRecord r = v.lastRecovery();
    if (r == null) {
      o.putNull("lastRecovery");
    } else {
      ObjectNode lr = o.putObject("lastRecovery");
      lr.set("ranges", ranges(r.ranges()));
      lr.set("sources", MAPPER.valueToTree(r.sources()));
      lr.put("batches", r.batches()).put("samples", r.samples()).put("bytes", r.bytes())
          .put("millis", r.millis()).put("time", r.time());
    }
    return o;
  }
}

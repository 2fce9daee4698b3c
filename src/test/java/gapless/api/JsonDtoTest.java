package gapless.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.api.dto.ErrorAnswer;
import gapless.api.dto.EventList;
import gapless.api.dto.GapReport;
import gapless.api.dto.IngestReceipt;
import gapless.api.dto.MemberInfo;
import gapless.api.dto.NodeStatus;
import gapless.api.dto.QueryAnswer;
import gapless.api.dto.RecoveryReport;
import gapless.api.dto.ReplicaList;
import gapless.api.dto.ReplicaReport;
import gapless.api.dto.ServerStopReport;
import gapless.api.dto.StorageNodeInfo;
import gapless.client.GaplessClient;
import gapless.collector.CollectorProtocol;
import gapless.events.ClusterEvent;
import gapless.events.ClusterEvents;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.model.Sample;
import gapless.model.SeqRange;
import gapless.model.StopInterval;
import gapless.model.StopReason;
import gapless.replica.RecoveryRecord;
import gapless.replica.ReplicaProtocol;
import gapless.replica.ReplicaView;
import gapless.replica.ServerStop;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON contract: every record of {@link gapless.api.dto}, filled by the server from its
 * internal types ({@link Json}) and written with its mapper, reads back equal through the client's
 * mapper; the field names are those of README's API table; server event times are ISO-8601.
 */
class JsonDtoTest {

  private static final ObjectMapper client = GaplessClient.newMapper();

  private static final long STOPPED_AT = 1_732_400_000_600L;
  private static final long RECOVERED_AT = 1_732_400_012_345L;

  private static ReplicaView internalView() {
    return new ReplicaView("c1", "s3", List.of("s1", "s2", "s3"), 31, 40, List.of(new SeqRange(32, 35), SeqRange.of(38)),
        36, 360, 3600, "00ff00ff00ff00ff", CollectorStatus.RUNNING,
        List.of(new StopInterval(1_732_399_000_000L, 1_732_399_500_000L, "maintenance", 12),
            new StopInterval(1_732_399_900_000L, null, "again", 30)),
        true, 9, Map.of("s1", 40L, "s2", 40L), Map.of("s1", 31L),
        new ServerStop(StopReason.UNCLEAN_SHUTDOWN, 31, 31, STOPPED_AT),
        new RecoveryRecord(List.of(new SeqRange(20, 25)), List.of("s2", "s1"), 6, 60, 600, 120, RECOVERED_AT), false);
  }

  /** Written by the server's mapper, read by the client's: the same record comes back. */
  private static <T> JsonNode roundTrip(T value, Class<T> type) throws IOException {
    String text = Json.write(value);
    assertEquals(value, client.readValue(text, type), text);
    return client.readTree(text);
  }

  private static List<String> fields(JsonNode o) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  @Test
  void replicaReportRoundTripsWithTheContractFieldNames() throws IOException {
    ReplicaReport r = Json.replica(internalView());
    JsonNode json = roundTrip(r, ReplicaReport.class);
    assertEquals(List.of("collector", "node", "replicaSet", "contiguousSeq", "highestSeq", "missing", "batches",
        "samples", "bytes", "digest", "status", "stops", "recovering", "lag", "peers", "confirmed", "serverStop",
        "lastRecovery", "asleep"), fields(json));
    assertEquals("[[32,35],[38,38]]", json.get("missing").toString());
    assertEquals("RUNNING", json.get("status").asText());
    assertEquals(List.of("from", "to", "reason", "fromSeq"), fields(json.get("stops").get(0)));
    assertTrue(json.get("stops").get(1).get("to").isNull());
    assertEquals(List.of("reason", "contiguousSeq", "highestSeq", "time"), fields(json.get("serverStop")));
    assertEquals("UNCLEAN_SHUTDOWN", json.get("serverStop").get("reason").asText());
    assertEquals(List.of("ranges", "sources", "batches", "samples", "bytes", "millis", "time"),
        fields(json.get("lastRecovery")));
    assertEquals("[[20,25]]", json.get("lastRecovery").get("ranges").toString());

    ReplicaReport back = client.readValue(Json.write(r), ReplicaReport.class);
    assertEquals("32..35,38", back.missingText());
    assertTrue(back.holds(31) && !back.holds(33) && back.holds(36) && !back.holds(38) && back.holds(40) && !back.holds(41));
    assertEquals("00ff00ff00ff", back.shortDigest());
  }

  @Test
  void serverTimesAreIsoStringsAndDataTimesEpochMillis() throws IOException {
    JsonNode json = client.readTree(Json.write(Json.replica(internalView())));
    assertTrue(json.get("serverStop").get("time").isTextual(), json.toString());
    assertEquals("2024-11-23T22:13:20.600Z", json.get("serverStop").get("time").asText());
    assertEquals("2024-11-23T22:13:32.345Z", json.get("lastRecovery").get("time").asText());
    ReplicaReport back = client.readValue(json.toString(), ReplicaReport.class);
    assertEquals(Instant.ofEpochMilli(STOPPED_AT), back.serverStop().time());
    assertEquals(Instant.ofEpochMilli(RECOVERED_AT), back.lastRecovery().time());
    // The collector's own times stay numbers.
    assertTrue(json.get("stops").get(0).get("from").isIntegralNumber());
    assertEquals(1_732_399_500_000L, json.get("stops").get(0).get("to").asLong());
  }

  @Test
  void emptyReplicaReportHasNullStopAndRecovery() throws IOException {
    ReplicaView v = internalView();
    ReplicaReport r = Json.replica(new ReplicaView(v.collector(), v.node(), v.replicaSet(), 40, 40, List.of(), 40, 400,
        4000, v.digest(), CollectorStatus.STOPPED, List.of(), false, 0, Map.of(), Map.of(), null, null, false));
    JsonNode json = roundTrip(r, ReplicaReport.class);
    assertTrue(json.get("serverStop").isNull());
    assertTrue(json.get("lastRecovery").isNull());
    assertEquals("-", r.missingText());
  }

  @Test
  void replicaListAndNodeStatusRoundTrip() throws IOException {
    ReplicaReport r = Json.replica(internalView());
    JsonNode list = roundTrip(new ReplicaList("s3", List.of(r)), ReplicaList.class);
    assertEquals(List.of("node", "replicas"), fields(list));

    NodeStatus storage = new NodeStatus("s3", List.of("storage"), "akka://gapless@127.0.0.1:25523",
        List.of(new MemberInfo("s1", "akka://gapless@127.0.0.1:25521", "Up", true, List.of("storage")),
            new MemberInfo("s2", "akka://gapless@127.0.0.1:25522", "Down", false, List.of("storage"))),
        List.of(new StorageNodeInfo("s1", "http://127.0.0.1:8081", true), new StorageNodeInfo("s2", null, false)),
        List.of(r));
    JsonNode json = roundTrip(storage, NodeStatus.class);
    assertEquals(List.of("node", "roles", "address", "members", "storageNodes", "replicas"), fields(json));
    assertEquals(List.of("node", "address", "status", "reachable", "roles"), fields(json.get("members").get(0)));
    assertEquals(List.of("node", "http", "reachable"), fields(json.get("storageNodes").get(1)));
    assertTrue(json.get("storageNodes").get(1).get("http").isNull());

    // A gateway holds no replicas: the field is left out, as before.
    NodeStatus gateway = new NodeStatus("gw1", List.of("gateway"), "akka://gapless@127.0.0.1:25520", List.of(),
        List.of(), null);
    JsonNode gw = roundTrip(gateway, NodeStatus.class);
    assertFalse(gw.has("replicas"), gw.toString());
    assertNull(client.readValue(gw.toString(), NodeStatus.class).replicas());
  }

  @Test
  void queryAnswerRoundTrips() throws IOException {
    List<Sample> samples = List.of(new Sample("FIC101.PV", 1_732_400_000_000L, 12.5, 192),
        new Sample("FIC101.PV", 1_732_400_001_000L, -3.0, 0));
    byte[] encoded = BatchCodec.encode(Batch.ofSamples(0, 0, samples));
    ReplicaProtocol.SampleAnswer internal = new ReplicaProtocol.SampleAnswer("s2", "c1", "FIC101.PV", 7, encoded,
        List.of(new StopInterval(1_732_399_000_000L, null, "maintenance", 5)), true);
    QueryAnswer a = Json.query(internal);
    assertEquals(samples, a.samples());
    assertEquals(List.of(new GapReport(1_732_399_000_000L, null, "maintenance", 5)), a.gaps());
    JsonNode json = roundTrip(a, QueryAnswer.class);
    assertEquals(List.of("collector", "tag", "node", "samples", "gaps", "truncated"), fields(json));
    assertEquals("{\"tag\":\"FIC101.PV\",\"ts\":1732400000000,\"value\":12.5,\"quality\":192}",
        json.get("samples").get(0).toString());
  }

  @Test
  void ingestReceiptLeavesBufferedOutOfA200() throws IOException {
    IngestReceipt ok = Json.receipt(new CollectorProtocol.IngestResult("c1", 3, 2, 2, CollectorProtocol.Outcome.STORED, ""));
    assertEquals("{\"collector\":\"c1\",\"seq\":3,\"acks\":2,\"copies\":2}", Json.write(ok));
    roundTrip(ok, IngestReceipt.class);
    IngestReceipt buffered = Json.receipt(new CollectorProtocol.IngestResult("c1", 4, 1, 2, CollectorProtocol.Outcome.BUFFERED, ""));
    assertEquals("{\"collector\":\"c1\",\"seq\":4,\"acks\":1,\"copies\":2,\"buffered\":true}", Json.write(buffered));
    roundTrip(buffered, IngestReceipt.class);
  }

  @Test
  void errorAnswerRoundTrips() throws IOException {
    assertEquals("{\"error\":\"tag must match\"}", Json.error("tag must match"));
    roundTrip(new ErrorAnswer("no replica of c1 is reachable"), ErrorAnswer.class);
  }

  @Test
  void theReplicaReportHasEveryFieldOfTheReplicaView() {
    // The contract and the actor message are kept apart on purpose (Instants against epoch ms,
    // no replica types in the client); a field added to one and not the other fails here.
    List<String> view = Arrays.stream(ReplicaView.class.getRecordComponents()).map(RecordComponent::getName).toList();
    List<String> report = Arrays.stream(ReplicaReport.class.getRecordComponents()).map(RecordComponent::getName).toList();
    assertEquals(view, report);
  }

  @Test
  void eventListKeepsEachEventAsWritten() throws IOException {
    ClusterEvent e = ClusterEvents.recoveryCompleted("s3", "p5", 303, 606000, 6720843, 1245, 0);
    EventList back = client.readValue(Json.write(new EventList(List.of(e.toJson()))), EventList.class);
    // Numbers may come back narrower (an int for a long), so compare what a reader sees: the text.
    assertEquals(e.toJsonLine(), back.events().get(0).toString());
  }

  @Test
  void aBadSeqRangeIsRejected() {
    assertThrows(IOException.class, () -> client.readValue("[5]", SeqRange.class));
    assertThrows(IOException.class, () -> client.readValue("[5,4]", SeqRange.class));
    assertThrows(IOException.class, () -> client.readValue("{\"from\":1,\"to\":2}", SeqRange.class));
  }

  @Test
  void reportsSentBeforeAFieldExistedStillRead() throws IOException {
    ReplicaReport r = client.readValue("{\"collector\":\"c1\",\"node\":\"s1\",\"contiguousSeq\":3,\"highestSeq\":3,"
        + "\"status\":\"RUNNING\",\"someFutureField\":1}", ReplicaReport.class);
    assertEquals(List.of(), r.missing());
    assertEquals(Map.of(), r.peers());
    assertNull(r.serverStop());
    RecoveryReport noRecovery = r.lastRecovery();
    assertNull(noRecovery);
    ServerStopReport stop = client.readValue("{\"reason\":\"SHUTDOWN\",\"contiguousSeq\":1,\"highestSeq\":2,"
        + "\"time\":\"2024-11-23T22:06:22.6Z\"}", ServerStopReport.class);
    assertEquals(Instant.parse("2024-11-23T22:06:22.600Z"), stop.time());
  }
}

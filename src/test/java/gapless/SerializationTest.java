package gapless;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.pattern.StatusReply;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import akka.serialization.jackson.JacksonObjectMapperProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import gapless.collector.Collector;
import gapless.collector.CollectorProtocol;
import gapless.events.ClusterEvent;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import gapless.events.EventType;
import gapless.model.CollectorStatus;
import gapless.model.EncodedBatch;
import gapless.model.IntervalSummary;
import gapless.model.RecoveryTrigger;
import gapless.model.ResumeReason;
import gapless.model.Sample;
import gapless.model.SeqEpochs;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.model.StatusMark;
import gapless.model.StopInterval;
import gapless.model.StopReason;
import gapless.replica.RecoveryRecord;
import gapless.replica.RecoveryRequest;
import gapless.replica.ReplicaEvent;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol;
import gapless.replica.ReplicaState;
import gapless.replica.ReplicaView;
import gapless.replica.ServerStop;
import gapless.replica.StoreMessageSerializer;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every message that crosses nodes and every journal event and snapshot, through Jackson CBOR (the
 * write path's two messages through {@link StoreMessageSerializer});
 * and what must stay on its node cannot travel: another node (or a stranger) can send an actor
 * only the messages of its protocol.
 */
class SerializationTest {

  private static ActorTestKit testKit;
  private static SerializationTestKit serialization;

  @BeforeAll
  static void setUp() throws IOException {
    testKit = ActorTestKit.create("SerializationTest", TestConfig.withDataDir(Files.createTempDirectory("ser-test")));
    serialization = new SerializationTestKit(testKit.system());
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private static <T> ActorRef<T> ref() {
    TestProbe<T> probe = testKit.createTestProbe();
    return probe.getRef();
  }

  /** The write path's messages have their own serializer; bytes out of shape are refused, not half read. */
  @Test
  void storeMessagesHaveTheirOwnSerializer() throws Exception {
    Serialization ser = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    ReplicaProtocol.StoreBatch batch = new ReplicaProtocol.StoreBatch("c-ä", 7, 3, new byte[] {9, 8, 7},
        ReplicaProtocol.WriteKind.OWNER, ref());
    Serializer serializer = ser.findSerializerFor(batch);
    assertTrue(serializer instanceof StoreMessageSerializer, serializer.getClass().getName());
    assertTrue(ser.findSerializerFor(new ReplicaProtocol.StoreAck("s1", "c1", 1)) instanceof StoreMessageSerializer);
    StoreMessageSerializer store = (StoreMessageSerializer) serializer;
    byte[] bytes = store.toBinary(batch);
    for (int cut : new int[] {0, 1, 5, bytes.length - 1}) {
      byte[] part = Arrays.copyOf(bytes, cut);
      assertThrows(NotSerializableException.class, () -> store.fromBinary(part, store.manifest(batch)), "cut at " + cut);
    }
    assertThrows(NotSerializableException.class, () -> store.fromBinary(bytes, "X1"));

    ReplicaProtocol.BatchChunk chunk = new ReplicaProtocol.BatchChunk("s2", "c1", 8, 20,
        List.of(new EncodedBatch(8, new byte[] {1, 2}), new EncodedBatch(9, new byte[0])),
        new SeqEpochs(List.of(new SeqEpochs.Run(8, 9, 4))));
    assertTrue(ser.findSerializerFor(chunk) instanceof StoreMessageSerializer);
    byte[] chunkBytes = store.toBinary(chunk);
    for (int cut : new int[] {0, 3, chunkBytes.length / 2, chunkBytes.length - 1}) {
      byte[] part = Arrays.copyOf(chunkBytes, cut);
      assertThrows(NotSerializableException.class, () -> store.fromBinary(part, "C1"), "cut at " + cut);
    }
    byte[] longer = Arrays.copyOf(chunkBytes, chunkBytes.length + 1);
    assertThrows(NotSerializableException.class, () -> store.fromBinary(longer, "C1"), "a byte after the chunk");
    // A count larger than the bytes could hold is refused before anything is sized by it.
    byte[] huge = chunkBytes.clone();
    int countAt = 2 + 2 + 2 + 2 + 16 + 1;
    huge[countAt] = 0x7f;
    assertThrows(NotSerializableException.class, () -> store.fromBinary(huge, "C1"));
  }

  private static void roundTrip(Object o) {
    serialization.verifySerialization(o, true);
  }

  @Test
  void replicaProtocol() {
    byte[] blob = {1, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0};
    // (the blob bytes are opaque to serialization)
    ReplicaProtocol.StoreBatch sb = (ReplicaProtocol.StoreBatch) serialization.verifySerialization(
        new ReplicaProtocol.StoreBatch("c1", 42, 0, blob, ReplicaProtocol.WriteKind.OWNER, ref()), false);
    assertEquals(42, sb.seq());
    assertArrayEquals(blob, sb.blob());
    roundTrip(new ReplicaProtocol.StoreAck("s1", "c1", 42));
    roundTrip(new ReplicaProtocol.StoreFenced("s1", "c1", 42, 2, 3));
    ReplicaProtocol.StoreBatch copy = (ReplicaProtocol.StoreBatch) serialization.verifySerialization(
        new ReplicaProtocol.StoreBatch("c1", 43, 5, blob, ReplicaProtocol.WriteKind.COPY, ref()), false);
    assertEquals(5, copy.epoch());
    assertEquals(ReplicaProtocol.WriteKind.COPY, copy.kind());
    assertEquals(sb.replyTo(), ((ReplicaProtocol.StoreBatch) serialization.verifySerialization(sb, false)).replyTo());
    roundTrip(new ReplicaProtocol.ClaimEpoch("c1", 3, "gw2", ref()));
    roundTrip(new ReplicaProtocol.EpochClaimed("s1", "c1", 3, true, 3, SeqRanges.of(new SeqRange(1, 9)),
        new SeqEpochs(List.of(new SeqEpochs.Run(1, 4, 1), new SeqEpochs.Run(5, 9, 2))), 1_700_000_000_000L));
    roundTrip(new ReplicaProtocol.EpochClaimed("s1", "c1", 2, false, 3, SeqRanges.EMPTY, SeqEpochs.EMPTY, 0));
    roundTrip(new ReplicaProtocol.QuerySamples("c1", "FIC101.PV", 0, Long.MAX_VALUE, 100, ref()));
    roundTrip(new ReplicaProtocol.QuerySamples("c1", "温度", 0, 3_600_000, 100, 60_000, ref()));
    roundTrip(new ReplicaProtocol.ListTags("c1", 1000, ref()));
    roundTrip(new ReplicaProtocol.TagNames("s1", "c1", List.of("FIC101.PV", "温度"), false));
    ReplicaProtocol.SampleAnswer summaries = new ReplicaProtocol.SampleAnswer("s2", "c1", "温度", 9, new byte[0], List.of(), false,
        List.of(new IntervalSummary(0, 60_000, 3, 4.5, 0.5, 2.5, 10, 1.5, 59_000, 0.5, 192)));
    assertEquals(summaries.intervals(), ((ReplicaProtocol.SampleAnswer) serialization.verifySerialization(summaries, false)).intervals());
    ReplicaProtocol.SampleAnswer answer = new ReplicaProtocol.SampleAnswer("s2", "c1", "T", 9, blob,
        List.of(new StopInterval(1, null, "maintenance", 3)), true);
    ReplicaProtocol.SampleAnswer back = (ReplicaProtocol.SampleAnswer) serialization.verifySerialization(answer, false);
    assertArrayEquals(blob, back.encodedSamples());
    assertEquals(answer.gaps(), back.gaps());
    // A query's answer crosses nodes inside a StatusReply, as does its failure.
    StatusReply<?> success = (StatusReply<?>) serialization.verifySerialization(StatusReply.success(answer), false);
    assertArrayEquals(blob, ((ReplicaProtocol.SampleAnswer) success.getValue()).encodedSamples());
    StatusReply<?> error = (StatusReply<?>) serialization.verifySerialization(StatusReply.error("store closed"), false);
    assertEquals("store closed", error.getError().getMessage());
    roundTrip(new ReplicaProtocol.GetView("c1", ref()));
    RecoveryRecord record = new RecoveryRecord(List.of(new SeqRange(5, 8)), List.of("s2", "s3"), 4, 40, 400, 12, 99);
    roundTrip(new ReplicaView("c1", "s1", List.of("s1", "s2", "s3"), 4, 9, List.of(new SeqRange(5, 8)),
        5, 50, 500, "00ff", CollectorStatus.STOPPED, List.of(new StopInterval(1, 2L, "x", 2)), true, 3,
        Map.of("s2", 9L), Map.of("s2", 4L), new ServerStop(StopReason.SHUTDOWN, 4, 9, 77), record, true));
    roundTrip(new ReplicaProtocol.SyncStatus("c1", "s2", 40, new SeqEpochs(List.of(new SeqEpochs.Run(30, 40, 2)))));
    roundTrip(new ReplicaProtocol.SyncReports(List.of(new ReplicaProtocol.SyncStatus("c1", "s2", 40, SeqEpochs.EMPTY),
        new ReplicaProtocol.SyncStatus("c2", "s2", 7, new SeqEpochs(List.of(new SeqEpochs.Run(1, 7, 3)))))));
    roundTrip(new ReplicaProtocol.EventsAfter("c1", 7, ref()));
    roundTrip(new ReplicaProtocol.EventIndex("s2", "c1", 7, SeqRanges.of(new SeqRange(8, 20)),
        new SeqEpochs(List.of(new SeqEpochs.Run(8, 20, 3))),
        List.of(new StatusMark(9, CollectorStatus.STOPPED, "m", 1)), 20));
    roundTrip(new ReplicaProtocol.FetchBatches("c1", 8, 20, 262144, ref()));
    roundTrip(new ReplicaProtocol.FindKey("c1", "order-42", ref()));
    roundTrip(new ReplicaProtocol.KeyHolding("s1", "c1", "order-42", new EncodedBatch(3, new byte[] {2, 0}), 4));
    roundTrip(new ReplicaProtocol.KeyHolding("s1", "c1", "order-42", null, 0));
    ReplicaProtocol.BatchChunk chunk = (ReplicaProtocol.BatchChunk) serialization.verifySerialization(
        new ReplicaProtocol.BatchChunk("s2", "c1", 8, 20, List.of(new EncodedBatch(8, blob)), SeqEpochs.EMPTY), false);
    assertEquals(List.of(new EncodedBatch(8, blob)), chunk.batches());
    roundTrip(new ReplicaProtocol.StopRecording("c1", StopReason.SERVER_OFFLINE, ref()));
    roundTrip(new ReplicaProtocol.PeerLost("c1", "s3"));
    roundTrip(new ReplicaProtocol.StartRecovery("c1", ref()));
    roundTrip(new ReplicaProtocol.RecoveryInfo("c1", SeqRanges.of(new SeqRange(1, 3)), SeqEpochs.EMPTY, Map.of("s2", 3L), null));
    roundTrip(new ReplicaProtocol.RecoveryInfo("c1", SeqRanges.of(new SeqRange(1, 3)),
        new SeqEpochs(List.of(new SeqEpochs.Run(2, 3, 7))), Map.of("s2", 3L), null));
    ReplicaProtocol.BatchChunk withEpochs = (ReplicaProtocol.BatchChunk) serialization.verifySerialization(
        new ReplicaProtocol.BatchChunk("s2", "c1", 8, 20, List.of(new EncodedBatch(8, blob)),
            new SeqEpochs(List.of(new SeqEpochs.Run(8, 8, 2)))), false);
    assertEquals(2, withEpochs.epochs().epochOf(8));
    roundTrip(new ReplicaProtocol.DigestRange("c1", 1, 500, true, ref()));
    roundTrip(new ReplicaProtocol.RangeDigest("s2", "c1", 1, 3, -42L, List.of(0xFFFFFFFFL, -1L, -2L),
        new SeqEpochs(List.of(new SeqEpochs.Run(1, 3, 2))), 3900, null));
    roundTrip(new ReplicaProtocol.RangeDigest("s2", "c1", 1, 3, 0, List.of(), SeqEpochs.EMPTY, 0, "store closed"));
    ReplicaProtocol.RepairBatch repair = (ReplicaProtocol.RepairBatch) serialization.verifySerialization(
        new ReplicaProtocol.RepairBatch("c1", 8, -2, blob, ref()), false);
    assertArrayEquals(blob, repair.blob());
    roundTrip(new ReplicaProtocol.RepairResult("s1", "c1", 8, null));
    roundTrip(new ReplicaProtocol.FinishRecovery("c1", record, true, ref()));
    roundTrip(new ReplicaHost.ListCollectors(ref()));
    roundTrip(new ReplicaHost.CollectorList("s1", List.of("a", "b")));
    roundTrip(new ReplicaHost.Describe(ref()));
    roundTrip(new ReplicaHost.HostInfo("s1", "http://127.0.0.1:8081", true));
  }

  @Test
  void replicaEventsAndSnapshot() {
    roundTrip(new ReplicaEvent.BatchStored("s1", 7, 3, 1000, 10, 130, 5, 9, 0xFFFFFFFFL, 2000));
    roundTrip(new ReplicaEvent.RecordingStopped("s1", StopReason.COLLECTOR_STOPPED, 8, 0, "maintenance", 1000, 2000));
    roundTrip(new ReplicaEvent.RecordingStopped("s1", StopReason.UNCLEAN_SHUTDOWN, 8, 7, "", 1000, 2000));
    roundTrip(new ReplicaEvent.RecordingResumed("s1", ResumeReason.RECOVERED, 9, "stopped", 1000, 2000));
    roundTrip(new ReplicaEvent.PeerUnreachable("s1", "s2", 40, 2000));
    roundTrip(new ReplicaEvent.PeerSyncConfirmed("s1", "s2", 40, 2000));
    roundTrip(new ReplicaEvent.GapRecovered("s1", List.of(new SeqRange(3, 9)), List.of("s2"), 7, 70, 700, 15, 2000));
    roundTrip(new ReplicaState(SeqRanges.of(new SeqRange(1, 5), new SeqRange(9, 9)), 60, 700, -123456789L,
        List.of(new StatusMark(3, CollectorStatus.STOPPED, "m", 10), new StatusMark(4, CollectorStatus.RUNNING, "", 20)),
        Map.of("s2", 5L), new ServerStop(StopReason.UNCLEAN_SHUTDOWN, 5, 9, 100),
        new RecoveryRecord(List.of(new SeqRange(6, 8)), List.of("s3"), 3, 30, 300, 9, 99),
        new SeqEpochs(List.of(new SeqEpochs.Run(1, 4, 1), new SeqEpochs.Run(5, 5, 2))), 3, "gw2", "3f0c-store", 1_700_000_000_000L));
    roundTrip(ReplicaState.EMPTY);
    roundTrip(new ReplicaEvent.StoreBound("s1", "3f0c-store", 2000));
    roundTrip(new ReplicaEvent.StoreLost("s1", "3f0c-store", "9a1d-store", SeqRanges.of(new SeqRange(1, 5)), 2000));
    roundTrip(new ReplicaEvent.EpochPromised("s1", 4, "gw2", 2000));
    roundTrip(new ReplicaEvent.BatchReplaced("s1", 7, 4, 1000, 0, 12, 1000, 1000, 0xFFFFFFFEL, null, null,
        2, 0xFFFFFFFFL, 10, 130, 2000));
    roundTrip(new ReplicaEvent.BatchReplaced("s1", 8, 4, 1000, 0, 12, 1000, 1000, 77, CollectorStatus.STOPPED, "maintenance",
        0, 78, 3, 60, 2000));
  }

  /** {@code o} serialized, with {@code fields} taken out of its CBOR: what a version without them wrote. */
  private static Object withoutFields(Object o, String... fields) throws IOException {
    Serialization ser = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    Serializer serializer = ser.findSerializerFor(o);
    ObjectMapper cbor = JacksonObjectMapperProvider.get(Adapter.toClassic(testKit.system()))
        .getOrCreate("jackson-cbor", Optional.of(new CBORFactory()));
    ObjectNode tree = (ObjectNode) cbor.readTree(serializer.toBinary(o));
    for (String f : fields) {
      assertTrue(tree.has(f), f);
      tree.remove(f);
    }
    return ser.deserialize(cbor.writeValueAsBytes(tree), serializer.identifier(), Serializers.manifestFor(serializer, o)).get();
  }

  @Test
  void eventsAndSnapshotsWrittenBeforeEpochsReadWithEpochZeroAndNoPromise() throws IOException {
    ReplicaEvent.BatchStored stored = new ReplicaEvent.BatchStored("s1", 7, 3, 1000, 10, 130, 5, 9, 0xFFFFFFFFL, 2000);
    assertEquals(new ReplicaEvent.BatchStored("s1", 7, 0, 1000, 10, 130, 5, 9, 0xFFFFFFFFL, 2000), withoutFields(stored, "epoch"));
    ReplicaState state = new ReplicaState(SeqRanges.of(new SeqRange(1, 5)), 60, 700, -123456789L, List.of(), Map.of("s2", 5L),
        null, null, new SeqEpochs(List.of(new SeqEpochs.Run(1, 5, 2))), 3, "gw2", "3f0c-store", 1_700_000_000_000L);
    ReplicaState old = (ReplicaState) withoutFields(state, "epochs", "promisedEpoch", "promisedOwner", "storeId", "newestAcceptedAt");
    assertEquals(new ReplicaState(SeqRanges.of(new SeqRange(1, 5)), 60, 700, -123456789L, List.of(), Map.of("s2", 5L),
        null, null, SeqEpochs.EMPTY, 0, null, null, 0), old);
    assertEquals(SeqEpochs.EMPTY, old.epochs());

  }

  @Test
  void replicaEventsJournaledUnderTheirOldNestedNamesStillRead() {
    // The events were Replica$BatchStored etc.; the journal keeps that name as the manifest.
    Serialization ser = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    List<ReplicaEvent> events = List.of(
        new ReplicaEvent.BatchStored("s1", 7, 3, 1000, 10, 130, 5, 9, 0xFFFFFFFFL, 2000),
        new ReplicaEvent.RecordingStopped("s1", StopReason.SHUTDOWN, 8, 7, "", 1000, 2000),
        new ReplicaEvent.RecordingResumed("s1", ResumeReason.RECOVERED, 9, "stopped", 1000, 2000),
        new ReplicaEvent.PeerUnreachable("s1", "s2", 40, 2000),
        new ReplicaEvent.PeerSyncConfirmed("s1", "s2", 40, 2000),
        new ReplicaEvent.GapRecovered("s1", List.of(new SeqRange(3, 9)), List.of("s2"), 7, 70, 700, 15, 2000));
    for (ReplicaEvent e : events) {
      Serializer serializer = ser.findSerializerFor(e);
      assertEquals(e.getClass().getName(), Serializers.manifestFor(serializer, e), "new events carry the new name");
      Object back = ser.deserialize(serializer.toBinary(e), serializer.identifier(),
          "gapless.replica.Replica$" + e.getClass().getSimpleName()).get();
      assertEquals(e, back);
    }
  }

  @Test
  void collectorProtocol() {
    byte[] blob = {1, 2, 3};
    CollectorProtocol.Submit submit = (CollectorProtocol.Submit) serialization.verifySerialization(
        new CollectorProtocol.Submit(blob, 1, ref()), false);
    assertArrayEquals(blob, submit.blob());
    CollectorProtocol.Resubmit resubmit = (CollectorProtocol.Resubmit) serialization.verifySerialization(
        new CollectorProtocol.Resubmit(4, 17, blob, ref()), false);
    assertArrayEquals(blob, resubmit.blob());
    assertEquals(17, resubmit.seq());
    roundTrip(new CollectorProtocol.IngestResult("c1", 3, 2, 3, CollectorProtocol.Outcome.BUFFERED, ""));
  }

  @Test
  void eventLogProtocol() {
    ClusterEvent e = ClusterEvents.gapRecovered("s1", "c1", SeqRanges.of(new SeqRange(32, 334), new SeqRange(400, 410)),
        314, 6280, 70_000L, 1245, List.of("s2", "s3"));
    ClusterEvent back = (ClusterEvent) serialization.verifySerialization(e, false);
    assertEquals(e.toJsonLine(), back.toJsonLine());
    assertEquals(EventType.GAP_RECOVERED, back.event());
    ClusterEvent member = ClusterEvents.memberUp("s1", "s2", "akka://gapless@127.0.0.1:2552", List.of("storage"));
    assertEquals(member.toJsonLine(), ((ClusterEvent) serialization.verifySerialization(member, false)).toJsonLine());
    serialization.verifySerialization(new EventLog.Recent(List.of(e)), false);
  }

  @Test
  void aNodesOwnMessagesCannotBeSerialized() {
    Serialization classic = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    ClusterEvent e = ClusterEvents.securityOff("s1", "x");
    List<Object> local = List.of(
        new EventLog.Emit(e),
        new EventLog.GetRecent(10, ref()),
        new ReplicaHost.RecoverAll(RecoveryTrigger.NODE_UP),
        new ReplicaHost.PeerDown("s2"),
        new ReplicaHost.StopAllRecording(StopReason.SHUTDOWN, ref()),
        new RecoveryRequest.Recover("c1", RecoveryTrigger.NODE_UP, ""),
        CollectorProtocol.Passivate.INSTANCE);
    for (Object m : local) {
      assertTrue(classic.serialize(m).isFailure(), m.getClass().getName() + " must not be serializable");
    }
    // A forger takes a real message's bytes and names a local class as its manifest: not read.
    Object ack = new ReplicaProtocol.StoreAck("s1", "c1", 7);
    byte[] bytes = classic.serialize(ack).get();
    int id = classic.findSerializerFor(ack).identifier();
    for (Class<?> c : List.of(EventLog.Emit.class, ReplicaHost.RecoverAll.class)) {
      assertTrue(classic.deserialize(bytes, id, c.getName()).isFailure(), c.getName());
    }
    assertTrue(classic.deserialize(bytes, id, Serializers.manifestFor(classic.findSerializerFor(ack), ack)).isSuccess());
  }
}

package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import com.typesafe.config.ConfigFactory;
import gapless.TestBatches;
import gapless.TestConfig;
import gapless.TestEvents;
import gapless.config.GaplessSettings;
import gapless.config.NodeConfig;
import gapless.events.ClusterEvent;
import gapless.events.EventField;
import gapless.events.EventLog;
import gapless.events.EventType;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.model.EncodedBatch;
import gapless.model.RecoveryTrigger;
import gapless.model.SeqEpochs;
import gapless.model.SeqRange;
import gapless.model.StopInterval;
import gapless.model.StopReason;
import gapless.store.JournalMarks;
import gapless.store.SampleStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReplicaTest {

  private static final List<String> SET = List.of("s1", "s2", "s3");
  private static Path dir;
  private static ActorTestKit testKit;
  private static SampleStore store;
  private static TestProbe<EventLog.Command> eventLog;
  private static TestProbe<RecoveryRequest> recovery;

  @BeforeAll
  static void setUp() throws IOException {
    dir = Files.createTempDirectory("replica-test");
    testKit = ActorTestKit.create("ReplicaTest", TestConfig.withDataDir(dir));
    store = SampleStore.open(dir.resolve("samples"), 3_600_000L);
    eventLog = testKit.createTestProbe();
    recovery = testKit.createTestProbe();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
    store.close();
  }

  static GaplessSettings settings() {
    return GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(
        "gapless.node-id = s1\n"
            + "akka.cluster.roles = [storage]\n"
            + "gapless.replica.snapshot-every = 5\n"
            + "gapless.replica.confirm-every-seqs = 10\n"
            + "gapless.replica.confirm-max-delay = 1h\n"
            + "gapless.query.max-samples = 1000\n")));
  }

  private static ActorRef<ReplicaProtocol.Command> spawn(String collector) {
    GaplessSettings settings = settings();
    ReplicaServices services = new ReplicaServices(settings, store,
        Placement.of(settings), eventLog.getRef());
    return testKit.spawn(Replica.create(collector, services, testKit.system().ignoreRef(), recovery.getRef()));
  }

  private static byte[] blob(long seq, int samples) {
    return TestBatches.blob(seq, samples);
  }

  private static ReplicaProtocol.StoreAck store(ActorRef<ReplicaProtocol.Command> replica, String collector, long seq, byte[] blob) {
    TestProbe<ReplicaProtocol.StoreReply> probe = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.StoreBatch(collector, seq, 0, blob, ReplicaProtocol.WriteKind.OWNER, probe.getRef()));
    return (ReplicaProtocol.StoreAck) probe.receiveMessage(Duration.ofSeconds(10));
  }

  private static ReplicaView view(ActorRef<ReplicaProtocol.Command> replica, String collector) {
    TestProbe<ReplicaView> probe = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.GetView(collector, probe.getRef()));
    return probe.receiveMessage();
  }

  @Test
  void acksOnceDurableAndCountsEachSeqOnce() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("idem");
    assertEquals(new ReplicaProtocol.StoreAck("s1", "idem", 1), store(replica, "idem", 1, blob(1, 10)));
    ReplicaView first = view(replica, "idem");
    // The same seq again is acked, and changes nothing.
    assertEquals(new ReplicaProtocol.StoreAck("s1", "idem", 1), store(replica, "idem", 1, blob(1, 10)));
    ReplicaView again = view(replica, "idem");
    assertEquals(first, again);
    assertEquals(1, again.batches());
    assertEquals(10, again.samples());
    assertEquals(1, again.contiguousSeq());
    assertArrayEquals(blob(1, 10), TestBatches.stored(store, "idem", 1).orElseThrow());
  }

  /** The next BATCH_CONFLICT of {@code collector} (other replicas of this class may emit events too). */
  private static ClusterEvent conflictOf(String collector) {
    return TestEvents.next(eventLog, EventType.BATCH_CONFLICT, collector, Duration.ofSeconds(10));
  }

  @Test
  void otherContentForAHeldSeqIsRefusedAndTheFirstIsKept() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("conflict");
    byte[] first = blob(1, 10);
    byte[] other = blob(1, 11);
    store(replica, "conflict", 1, first);
    ReplicaView before = view(replica, "conflict");

    TestProbe<ReplicaProtocol.StoreReply> probe = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.StoreBatch("conflict", 1, 0, other, ReplicaProtocol.WriteKind.OWNER, probe.getRef()));
    ClusterEvent conflict = conflictOf("conflict");
    assertEquals(1L, ((Number) conflict.get(EventField.SEQ)).longValue());
    String detail = (String) conflict.get(EventField.DETAIL);
    assertTrue(detail.contains("stored crc32c=" + BatchCodec.checksum(first))
        && detail.contains("offered crc32c=" + BatchCodec.checksum(other)), detail);
    // A resend of the refused batch is refused again.
    replica.tell(new ReplicaProtocol.StoreBatch("conflict", 1, 0, other, ReplicaProtocol.WriteKind.OWNER, probe.getRef()));
    probe.expectNoMessage(Duration.ofMillis(500));

    assertArrayEquals(first, TestBatches.stored(store, "conflict", 1).orElseThrow());
    assertEquals(before, view(replica, "conflict"));
    // The batch that is kept is still acked.
    assertEquals(new ReplicaProtocol.StoreAck("s1", "conflict", 1), store(replica, "conflict", 1, first));
  }

  @Test
  void otherContentForASeqInTheSameGroupIsRefusedAndTheFirstIsKept() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("conflict-group");
    byte[] first = blob(2, 10);
    byte[] other = blob(2, 11);
    TestProbe<ReplicaProtocol.StoreReply> one = testKit.createTestProbe();
    TestProbe<ReplicaProtocol.StoreReply> firstProbe = testKit.createTestProbe();
    TestProbe<ReplicaProtocol.StoreReply> sameProbe = testKit.createTestProbe();
    TestProbe<ReplicaProtocol.StoreReply> otherProbe = testKit.createTestProbe();
    // Seq 1 is written at once; both requests for seq 2 wait behind it, in one group.
    replica.tell(new ReplicaProtocol.StoreBatch("conflict-group", 1, 0, blob(1, 10), ReplicaProtocol.WriteKind.OWNER, one.getRef()));
    replica.tell(new ReplicaProtocol.StoreBatch("conflict-group", 2, 0, first, ReplicaProtocol.WriteKind.OWNER, firstProbe.getRef()));
    replica.tell(new ReplicaProtocol.StoreBatch("conflict-group", 2, 0, other, ReplicaProtocol.WriteKind.OWNER, otherProbe.getRef()));
    replica.tell(new ReplicaProtocol.StoreBatch("conflict-group", 2, 0, first, ReplicaProtocol.WriteKind.OWNER, sameProbe.getRef()));
    one.receiveMessage(Duration.ofSeconds(10));
    assertEquals(new ReplicaProtocol.StoreAck("s1", "conflict-group", 2), firstProbe.receiveMessage(Duration.ofSeconds(10)));
    assertEquals(new ReplicaProtocol.StoreAck("s1", "conflict-group", 2), sameProbe.receiveMessage(Duration.ofSeconds(10)));
    ClusterEvent conflict = conflictOf("conflict-group");
    assertEquals(2L, ((Number) conflict.get(EventField.SEQ)).longValue());
    otherProbe.expectNoMessage(Duration.ofMillis(500));

    assertArrayEquals(first, TestBatches.stored(store, "conflict-group", 2).orElseThrow());
    ReplicaView v = view(replica, "conflict-group");
    assertEquals(2, v.batches());
    assertEquals(20, v.samples());
  }

  @Test
  void outOfOrderSeqsLeaveMissingRanges() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("holes");
    for (long seq : new long[] {1, 2, 5, 9}) {
      store(replica, "holes", seq, blob(seq, 2));
    }
    ReplicaView v = view(replica, "holes");
    assertEquals(2, v.contiguousSeq());
    assertEquals(9, v.highestSeq());
    assertEquals(List.of(new SeqRange(3, 4), new SeqRange(6, 8)), v.missing());
    assertEquals(4, v.batches());
  }

  @Test
  void aBurstIsGroupCommittedAndEveryBatchAcked() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("burst");
    TestProbe<ReplicaProtocol.StoreReply> probe = testKit.createTestProbe();
    for (long seq = 1; seq <= 200; seq++) {
      replica.tell(new ReplicaProtocol.StoreBatch("burst", seq, 0, blob(seq, 5), ReplicaProtocol.WriteKind.OWNER, probe.getRef()));
    }
    Set<Long> acked = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      acked.add(probe.receiveMessage(Duration.ofSeconds(10)).seq());
    }
    assertEquals(200, acked.size());
    ReplicaView v = view(replica, "burst");
    assertEquals(200, v.contiguousSeq());
    assertEquals(1000, v.samples());
  }

  @Test
  void digestDependsOnContentNotArrivalOrder() {
    ActorRef<ReplicaProtocol.Command> a = spawn("order-a");
    ActorRef<ReplicaProtocol.Command> b = spawn("order-b");
    for (long seq = 1; seq <= 6; seq++) {
      store(a, "order-a", seq, blob(seq, 4));
      store(b, "order-b", 7 - seq, blob(7 - seq, 4));
    }
    assertEquals(view(a, "order-a").digest(), view(b, "order-b").digest());
    ActorRef<ReplicaProtocol.Command> c = spawn("order-c");
    for (long seq = 1; seq <= 6; seq++) {
      store(c, "order-c", seq, blob(seq, seq == 3 ? 5 : 4));
    }
    assertNotEquals(view(a, "order-a").digest(), view(c, "order-c").digest());
  }

  @Test
  void stateSurvivesACrashAndTheCrashIsRecordedAsAStop() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("restart");
    for (long seq = 1; seq <= 12; seq++) {
      store(replica, "restart", seq, blob(seq, 3));
    }
    ReplicaView before = view(replica, "restart");
    assertNull(before.serverStop());
    // Stopping the actor without StopRecording is what a kill -9 leaves behind.
    testKit.stop(replica);
    ActorRef<ReplicaProtocol.Command> again = spawn("restart");
    // The stop is recorded just after the journal replay.
    TestProbe<ReplicaView> probe = testKit.createTestProbe();
    ReplicaView after = probe.awaitAssert(() -> {
      ReplicaView v = view(again, "restart");
      assertEquals(StopReason.UNCLEAN_SHUTDOWN, v.serverStop().reason());
      return v;
    });
    assertEquals(before.digest(), after.digest());
    assertEquals(before.missing(), after.missing());
    assertEquals(12, after.contiguousSeq());
    assertEquals(StopReason.UNCLEAN_SHUTDOWN, after.serverStop().reason());
    assertEquals(12, after.serverStop().highestSeq());
  }

  /**
   * The node's sample store was deleted (or replaced) while it was down: the replica's journal
   * lists seqs the new store does not have. It must not claim them: it records the loss, holds
   * nothing, and asks for a recovery of everything.
   */
  @Test
  void aReplicaWhoseStoreIsGoneHoldsNothingAndAsksForEverything() throws IOException {
    ActorRef<ReplicaProtocol.Command> replica = spawn("lost");
    for (long seq = 1; seq <= 4; seq++) {
      store(replica, "lost", seq, blob(seq, 3));
    }
    testKit.stop(replica);
    GaplessSettings settings = settings();
    try (SampleStore fresh = SampleStore.open(Files.createTempDirectory("replica-test-new-store"), 3_600_000L, "s1")) {
      ActorRef<ReplicaProtocol.Command> again = testKit.spawn(Replica.create("lost",
          new ReplicaServices(settings, fresh, Placement.of(settings), eventLog.getRef()), testKit.system().ignoreRef(), recovery.getRef()));
      ClusterEvent rebuild = TestEvents.next(eventLog, EventType.STORE_REBUILD, "lost", Duration.ofSeconds(10));
      assertEquals("lost", rebuild.get(EventField.COLLECTOR));
      assertEquals(4L, ((Number) rebuild.get(EventField.BATCHES)).longValue());
      assertEquals("1..4", rebuild.get(EventField.RANGES));
      recovery.fishForMessage(Duration.ofSeconds(10), r -> r instanceof RecoveryRequest.Recover rr
          && rr.collector().equals("lost") && rr.trigger() == RecoveryTrigger.STORE_LOST
          ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      ReplicaView after = view(again, "lost");
      assertEquals(0, after.batches());
      assertEquals(0, after.contiguousSeq());
      assertEquals(StopReason.UNCLEAN_SHUTDOWN, after.serverStop().reason());
      testKit.stop(again);
    }
  }

  @Test
  void aCleanStopIsRecordedOnceAndARecoveryResumesRecording() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("clean");
    store(replica, "clean", 1, blob(1, 2));
    TestProbe<akka.Done> done = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.StopRecording("clean", StopReason.SHUTDOWN, done.getRef()));
    done.receiveMessage();
    testKit.stop(replica);
    ActorRef<ReplicaProtocol.Command> again = spawn("clean");
    // Not an unclean shutdown: the stop was recorded before the actor went.
    assertEquals(StopReason.SHUTDOWN, view(again, "clean").serverStop().reason());

    RecoveryRecord filled = new RecoveryRecord(List.of(new SeqRange(2, 3)), List.of("s2"), 2, 4, 100, 7, 0);
    again.tell(new ReplicaProtocol.FinishRecovery("clean", filled, true, done.getRef()));
    done.receiveMessage();
    ReplicaView v = view(again, "clean");
    assertNull(v.serverStop());
    assertEquals(filled.ranges(), v.lastRecovery().ranges());
    assertEquals(2, v.lastRecovery().batches());
  }

  @Test
  void answersSiblingsWithRangesAfterTheConfirmedSeqAndBoundedChunks() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("serve");
    for (long seq : new long[] {1, 2, 3, 4, 5, 8, 9}) {
      store(replica, "serve", seq, blob(seq, 20));
    }
    TestProbe<ReplicaProtocol.EventIndex> index = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.EventsAfter("serve", 3, index.getRef()));
    ReplicaProtocol.EventIndex idx = index.receiveMessage();
    assertEquals(List.of(new SeqRange(4, 5), new SeqRange(8, 9)), idx.held().ranges());
    assertEquals(9, idx.highestSeq());

    TestProbe<ReplicaProtocol.BatchChunk> chunk = testKit.createTestProbe();
    int oneBatch = blob(4, 20).length;
    // Room for one batch and a half: the chunk stops before the batch that would go over.
    replica.tell(new ReplicaProtocol.FetchBatches("serve", 4, 9, oneBatch + oneBatch / 2, chunk.getRef()));
    ReplicaProtocol.BatchChunk c = chunk.receiveMessage();
    assertEquals(List.of(4L), c.batches().stream().map(EncodedBatch::seq).toList());
    assertArrayEquals(blob(4, 20), c.batches().get(0).blob());
    // Room for two: both, and the hole 6..7 is not asked for.
    replica.tell(new ReplicaProtocol.FetchBatches("serve", 5, 9, 2L * oneBatch, chunk.getRef()));
    assertEquals(List.of(5L, 8L), chunk.receiveMessage().batches().stream().map(EncodedBatch::seq).toList());
  }

  @Test
  void confirmsSyncWithASiblingThrottledAndAsksForRecoveryWhenBehind() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("sync");
    for (long seq = 1; seq <= 25; seq++) {
      store(replica, "sync", seq, blob(seq, 1));
    }
    replica.tell(new ReplicaProtocol.SyncStatus("sync", "s2", 5, SeqEpochs.EMPTY));
    assertTrue(view(replica, "sync").confirmed().isEmpty(), "5 seqs is below the throttle of 10");
    replica.tell(new ReplicaProtocol.SyncStatus("sync", "s2", 30, SeqEpochs.EMPTY));
    // Both hold 1..25: that is what is confirmed, not the sibling's 30.
    assertEquals(Map.of("s2", 25L), view(replica, "sync").confirmed());
    // Still behind the sibling's 30 after a few sync intervals: ask for a recovery.
    RecoveryRequest asked = recovery.receiveMessage(Duration.ofSeconds(10));
    assertEquals("sync", ((RecoveryRequest.Recover) asked).collector());
  }

  @Test
  void statusChangesBecomeStopIntervalsReportedAsGaps() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("stops");
    store(replica, "stops", 1, blob(1, 6));
    // The RUNNING arrives before the STOPPED it closes, as it can during catch-up.
    store(replica, "stops", 3, BatchCodec.encode(Batch.ofStatus(3, 5000, CollectorStatus.RUNNING, "")));
    store(replica, "stops", 2, BatchCodec.encode(Batch.ofStatus(2, 4000, CollectorStatus.STOPPED, "maintenance")));
    ReplicaView v = view(replica, "stops");
    assertEquals(CollectorStatus.RUNNING, v.status());
    assertEquals(List.of(new StopInterval(4000, 5000L, "maintenance", 2)), v.stops());
    store(replica, "stops", 4, BatchCodec.encode(Batch.ofStatus(4, 9000, CollectorStatus.STOPPED, "shutdown")));
    ReplicaView open = view(replica, "stops");
    assertEquals(CollectorStatus.STOPPED, open.status());
    assertNull(open.stops().get(1).to());

    TestProbe<StatusReply<ReplicaProtocol.SampleAnswer>> probe = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.QuerySamples("stops", "T0.PV", 0, Long.MAX_VALUE, 100, probe.getRef()));
    ReplicaProtocol.SampleAnswer answer = probe.receiveMessage().getValue();
    assertEquals(2, answer.decodeSamples().size());
    assertEquals(2, answer.gaps().size());
    assertFalse(answer.truncated());
    assertEquals(4, answer.contiguousSeq());
  }

  @Test
  void aQueryTheStoreCannotAnswerGetsAnErrorWithTheReason() {
    SampleStore broken = SampleStore.open(dir.resolve("broken-samples"), 3_600_000L);
    GaplessSettings settings = settings();
    ReplicaServices services = new ReplicaServices(settings, broken,
        Placement.of(settings), eventLog.getRef());
    ActorRef<ReplicaProtocol.Command> replica = testKit.spawn(Replica.create("broken", services, testKit.system().ignoreRef(), recovery.getRef()));
    TestProbe<StatusReply<ReplicaProtocol.SampleAnswer>> probe = testKit.createTestProbe();
    // Answered once the replica has started (it reads the store's journal marks first), then the store goes.
    replica.tell(new ReplicaProtocol.QuerySamples("broken", "T0.PV", 0, Long.MAX_VALUE, 100, probe.getRef()));
    assertTrue(probe.receiveMessage(Duration.ofSeconds(10)).isSuccess());
    broken.close();
    replica.tell(new ReplicaProtocol.QuerySamples("broken", "T0.PV", 0, Long.MAX_VALUE, 100, probe.getRef()));
    StatusReply<ReplicaProtocol.SampleAnswer> reply = probe.receiveMessage(Duration.ofSeconds(10));
    assertTrue(reply.isError());
    assertTrue(reply.getError().getMessage().contains("closed"), reply.getError().getMessage());
  }

  /**
   * What a power cut leaves: the store's synced write of a batch (with its journal mark), not the
   * journal's unsynced event. The first answer of the replica started again already counts it, so
   * a new owner cannot give that seq again.
   */
  @Test
  void aBatchWhoseJournalEventWasLostIsHeldAgainBeforeTheReplicaAnswersAClaim() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("cut");
    store(replica, "cut", 1, blob(1, 3));
    store(replica, "cut", 2, blob(2, 3));
    testKit.stop(replica);
    // A data batch and a collector's stop, stored and marked, their journal events lost.
    store.write("cut", List.of(new EncodedBatch(3, blob(3, 3)),
            new EncodedBatch(4, BatchCodec.encode(Batch.ofStatus(4, 5000, CollectorStatus.STOPPED, "maintenance")))),
        List.of(), List.of(new JournalMarks.Mark(3, 2), new JournalMarks.Mark(4, 2)));

    ActorRef<ReplicaProtocol.Command> again = spawn("cut");
    TestProbe<ReplicaProtocol.EpochClaimed> claimed = testKit.createTestProbe();
    again.tell(new ReplicaProtocol.ClaimEpoch("cut", 5, "gw1/a", claimed.getRef()));
    ReplicaProtocol.EpochClaimed answer = claimed.receiveMessage(Duration.ofSeconds(10));
    assertTrue(answer.granted());
    assertEquals(4, answer.held().contiguous());
    assertEquals(2, answer.epochs().epochOf(3));
    ClusterEvent restored = TestEvents.next(eventLog, EventType.JOURNAL_RESTORED, "cut", Duration.ofSeconds(10));
    assertEquals("cut", restored.get(EventField.COLLECTOR));
    assertEquals("3..4", restored.get(EventField.RANGES));
    assertEquals(2L, ((Number) restored.get(EventField.BATCHES)).longValue());
  }

  @Test
  void journalMarksAreForgottenOnceASnapshotHoldsTheirBatches() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("snap");
    for (long seq = 1; seq <= 12; seq++) {
      store(replica, "snap", seq, blob(seq, 3));
    }
    // Snapshots every 5 events: the batches of the last snapshot's events keep no mark.
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      List<JournalMarks.Mark> marks = store.journalMarks("snap");
      assertTrue(marks.size() < 5, marks.toString());
      marks.forEach(m -> assertTrue(m.seq() > 7, marks.toString()));
      return null;
    });
  }
}

package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import gapless.TestBatches;
import gapless.TestConfig;
import gapless.TestEvents;
import gapless.config.GaplessSettings;
import gapless.events.ClusterEvent;
import gapless.events.EventField;
import gapless.events.EventLog;
import gapless.events.EventType;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.model.EncodedBatch;
import gapless.model.RecoveryTrigger;
import gapless.model.Sample;
import gapless.model.SeqEpochs;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.model.StopInterval;
import gapless.replica.ReplicaProtocol.StoreReply;
import gapless.replica.ReplicaProtocol.WriteKind;
import gapless.store.SampleStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Owner epochs on a real replica (journal and sample store on disk): promise, fencing, replacement. */
class ReplicaEpochTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static Path dir;
  private static ActorTestKit testKit;
  private static SampleStore store;
  private static TestProbe<EventLog.Command> eventLog;
  private static TestProbe<RecoveryRequest> recovery;

  @BeforeAll
  static void setUp() throws IOException {
    dir = Files.createTempDirectory("replica-epoch-test");
    testKit = ActorTestKit.create("ReplicaEpochTest", TestConfig.withDataDir(dir));
    store = SampleStore.open(dir.resolve("samples"), 3_600_000L);
    eventLog = testKit.createTestProbe();
    recovery = testKit.createTestProbe();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
    store.close();
  }

  private static ActorRef<ReplicaProtocol.Command> spawn(String collector) {
    GaplessSettings settings = ReplicaTest.settings();
    return testKit.spawn(Replica.create(collector,
        new ReplicaServices(settings, store, Placement.of(settings), eventLog.getRef()), testKit.system().ignoreRef(), recovery.getRef()));
  }

  private static StoreReply write(ActorRef<ReplicaProtocol.Command> replica, String collector, long seq, long epoch,
      byte[] blob, WriteKind kind) {
    TestProbe<StoreReply> probe = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.StoreBatch(collector, seq, epoch, blob, kind, probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  private static void stored(ActorRef<ReplicaProtocol.Command> replica, String collector, long seq, long epoch, byte[] blob) {
    assertEquals(new ReplicaProtocol.StoreAck("s1", collector, seq), write(replica, collector, seq, epoch, blob, WriteKind.OWNER));
  }

  private static ReplicaProtocol.EpochClaimed claim(ActorRef<ReplicaProtocol.Command> replica, String collector, long epoch, String owner) {
    TestProbe<ReplicaProtocol.EpochClaimed> probe = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.ClaimEpoch(collector, epoch, owner, probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  private static ReplicaView view(ActorRef<ReplicaProtocol.Command> replica, String collector) {
    TestProbe<ReplicaView> probe = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.GetView(collector, probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  private static SeqEpochs epochs(ActorRef<ReplicaProtocol.Command> replica, String collector) {
    TestProbe<ReplicaProtocol.EventIndex> probe = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.EventsAfter(collector, 0, probe.getRef()));
    return probe.receiveMessage(WAIT).epochs();
  }

  private static List<Sample> query(ActorRef<ReplicaProtocol.Command> replica, String collector, String tag) {
    TestProbe<StatusReply<ReplicaProtocol.SampleAnswer>> probe = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.QuerySamples(collector, tag, 0, Long.MAX_VALUE, 1000, probe.getRef()));
    return probe.receiveMessage(WAIT).getValue().decodeSamples();
  }

  /** The next event of {@code type} about {@code collector}. */
  private static ClusterEvent next(EventType type, String collector) {
    return TestEvents.next(eventLog, type, collector, WAIT);
  }

  /** Another owner's content for {@code seq}: one tag, other timestamps and values than {@link TestBatches#blob}. */
  private static byte[] otherBlob(long seq) {
    return BatchCodec.encode(Batch.ofSamples(seq, 1_800_000_000_000L, List.of(
        new Sample("T0.PV", 1_700_000_000_500L + seq * 1000, -1, 192), new Sample("T0.PV", 1_700_000_000_600L + seq * 1000, -2, 192))));
  }

  private static byte[] empty(long seq) {
    return BatchCodec.encode(Batch.ofSamples(0, 1_800_000_000_000L + seq, List.of()));
  }

  @Test
  void aFreshReplicaWhoseFirstCommandIsAClaimIsRecordingNotStoppedUncleanly() {
    // The claim waits for the replay and persists its promise before the start-up check runs;
    // the check must still see a replica that never ran before.
    ActorRef<ReplicaProtocol.Command> replica = spawn("claim-first");
    assertTrue(claim(replica, "claim-first", 1, "gw-a").granted());
    ReplicaView v = view(replica, "claim-first");
    assertNull(v.serverStop(), "a new replica has no stop to recover from: " + v.serverStop());
  }

  @Test
  void aClaimIsGrantedAboveThePromiseOrRetriedByTheSameOwnerAndSurvivesARestart() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("claims");
    for (long seq = 1; seq <= 3; seq++) {
      stored(replica, "claims", seq, 1, TestBatches.blob(seq, 4));
    }
    ReplicaProtocol.EpochClaimed first = claim(replica, "claims", 2, "gw-a");
    // The newest batch held was accepted at 1_700_000_000_003 (TestBatches: the epoch ms plus its seq).
    assertEquals(new ReplicaProtocol.EpochClaimed("s1", "claims", 2, true, 2, SeqRanges.of(new SeqRange(1, 3)),
        new SeqEpochs(List.of(new SeqEpochs.Run(1, 3, 1))), 1_700_000_000_003L), first);
    assertTrue(claim(replica, "claims", 2, "gw-a").granted(), "a retried claim");
    ReplicaProtocol.EpochClaimed other = claim(replica, "claims", 2, "gw-b");
    assertFalse(other.granted(), "the same epoch by another owner");
    assertEquals(2, other.promisedEpoch());
    assertFalse(claim(replica, "claims", 1, "gw-b").granted());
    assertTrue(claim(replica, "claims", 3, "gw-b").granted());

    testKit.stop(replica);
    ActorRef<ReplicaProtocol.Command> again = spawn("claims");
    ReplicaProtocol.EpochClaimed afterRestart = claim(again, "claims", 3, "gw-a");
    assertFalse(afterRestart.granted(), "the promise is durable");
    assertEquals(3, afterRestart.promisedEpoch());
    assertTrue(claim(again, "claims", 3, "gw-b").granted());
  }

  @Test
  void aClaimAnswersWritesStillBeingWrittenAndThoseWritesStillLand() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("claim-inflight");
    TestProbe<StoreReply> acks = testKit.createTestProbe();
    TestProbe<ReplicaProtocol.EpochClaimed> claimed = testKit.createTestProbe();
    for (long seq = 1; seq <= 200; seq++) {
      replica.tell(new ReplicaProtocol.StoreBatch("claim-inflight", seq, 1, TestBatches.blob(seq, 5), WriteKind.OWNER, acks.getRef()));
    }
    // Most of the burst is still waiting behind the first group when the claim arrives.
    replica.tell(new ReplicaProtocol.ClaimEpoch("claim-inflight", 2, "gw-b", claimed.getRef()));
    ReplicaProtocol.EpochClaimed answer = claimed.receiveMessage(WAIT);
    assertTrue(answer.granted());
    assertEquals(SeqRanges.of(new SeqRange(1, 200)), answer.held());
    assertEquals(new SeqEpochs(List.of(new SeqEpochs.Run(1, 200, 1))), answer.epochs());
    Set<Long> acked = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      StoreReply reply = acks.receiveMessage(WAIT);
      assertTrue(reply instanceof ReplicaProtocol.StoreAck, "accepted before the promise: " + reply);
      acked.add(reply.seq());
    }
    assertEquals(200, acked.size());
  }

  @Test
  void anOlderOwnersWriteIsFencedAndStoresNothingButACopyIsNever() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("fence");
    // Nobody claimed yet: epoch 0 writes are accepted as before epochs.
    stored(replica, "fence", 1, 0, TestBatches.blob(1, 3));
    assertTrue(claim(replica, "fence", 3, "gw-c").granted());
    assertEquals(new ReplicaProtocol.StoreFenced("s1", "fence", 2, 2, 3),
        write(replica, "fence", 2, 2, TestBatches.blob(2, 3), WriteKind.OWNER));
    assertEquals(new ReplicaProtocol.StoreFenced("s1", "fence", 1, 0, 3),
        write(replica, "fence", 1, 0, TestBatches.blob(1, 3), WriteKind.OWNER), "a held seq too");
    assertTrue(TestBatches.stored(store, "fence", 2).isEmpty());
    assertEquals(1, view(replica, "fence").batches());
    // Recovery copying a batch of the history under the epoch that wrote it.
    assertEquals(new ReplicaProtocol.StoreAck("s1", "fence", 2), write(replica, "fence", 2, 2, TestBatches.blob(2, 3), WriteKind.COPY));
    stored(replica, "fence", 3, 3, TestBatches.blob(3, 3));
    assertEquals(3, view(replica, "fence").contiguousSeq());
    assertEquals(2, epochs(replica, "fence").epochOf(2));
  }

  @Test
  void aNewerEpochReplacesOtherContentLikeAReplicaThatGotItDirectly() {
    ActorRef<ReplicaProtocol.Command> replaced = spawn("replace-a");
    ActorRef<ReplicaProtocol.Command> direct = spawn("replace-b");
    for (long seq = 1; seq <= 3; seq++) {
      stored(replaced, "replace-a", seq, 1, TestBatches.blob(seq, 10));
      stored(direct, "replace-b", seq, 1, seq == 2 ? otherBlob(2) : TestBatches.blob(seq, 10));
    }
    // Resent by the new owner: once replaced, then acked again as the same content.
    stored(replaced, "replace-a", 2, 1, TestBatches.blob(2, 10));
    stored(replaced, "replace-a", 2, 2, otherBlob(2));
    ClusterEvent event = next(EventType.BATCH_REPLACED, "replace-a");
    assertEquals(2L, ((Number) event.get(EventField.SEQ)).longValue());
    assertEquals(1L, ((Number) event.get(EventField.REPLACED_EPOCH)).longValue());
    assertEquals(2L, ((Number) event.get(EventField.EPOCH)).longValue());
    stored(replaced, "replace-a", 2, 2, otherBlob(2));
    assertArrayEquals(otherBlob(2), TestBatches.stored(store, "replace-a", 2).orElseThrow());

    List<Sample> samples = query(replaced, "replace-a", "T0.PV");
    assertEquals(query(direct, "replace-b", "T0.PV"), samples);
    assertTrue(samples.stream().anyMatch(s -> s.value() == -1), "the new samples");
    assertTrue(samples.stream().noneMatch(s -> s.ts() / 1000 == 1_700_000_002L && s.value() >= 0), "none of the old: " + samples);
    assertTrue(query(replaced, "replace-a", "T1.PV").stream().noneMatch(s -> s.ts() / 1000 == 1_700_000_002L));
    assertSameHistory(view(direct, "replace-b"), view(replaced, "replace-a"));
    assertEquals(2, epochs(replaced, "replace-a").epochOf(2));

    // The replacement is in the journal: the same after a restart.
    ReplicaView before = view(replaced, "replace-a");
    testKit.stop(replaced);
    assertSameHistory(before, view(spawn("replace-a"), "replace-a"));
  }

  private static void assertSameHistory(ReplicaView expected, ReplicaView actual) {
    assertEquals(expected.batches(), actual.batches());
    assertEquals(expected.samples(), actual.samples());
    assertEquals(expected.bytes(), actual.bytes());
    assertEquals(expected.digest(), actual.digest());
    assertEquals(expected.stops(), actual.stops());
  }

  @Test
  void otherContentOfAnOlderOrTheSameEpochIsRefused() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("older");
    byte[] kept = TestBatches.blob(1, 10);
    stored(replica, "older", 1, 2, kept);
    ReplicaView before = view(replica, "older");
    TestProbe<StoreReply> probe = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.StoreBatch("older", 1, 1, otherBlob(1), WriteKind.COPY, probe.getRef()));
    assertEquals(1L, ((Number) next(EventType.BATCH_CONFLICT, "older").get(EventField.SEQ)).longValue());
    replica.tell(new ReplicaProtocol.StoreBatch("older", 1, 2, TestBatches.blob(1, 11), WriteKind.OWNER, probe.getRef()));
    next(EventType.BATCH_CONFLICT, "older");
    probe.expectNoMessage(Duration.ofMillis(300));
    assertArrayEquals(kept, TestBatches.stored(store, "older", 1).orElseThrow());
    assertEquals(before, view(replica, "older"));
    // The same content is acked whatever the epoch.
    assertEquals(new ReplicaProtocol.StoreAck("s1", "older", 1), write(replica, "older", 1, 1, kept, WriteKind.COPY));
  }

  @Test
  void statusAndEmptyBatchesReplaceEachOther() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("status-swap");
    stored(replica, "status-swap", 1, 1, TestBatches.blob(1, 6));
    stored(replica, "status-swap", 2, 1, BatchCodec.encode(Batch.ofStatus(2, 4000, CollectorStatus.STOPPED, "maintenance")));
    assertEquals(CollectorStatus.STOPPED, view(replica, "status-swap").status());
    // A new owner fills seq 2 with an empty batch, and replaces seq 1 by a status change.
    stored(replica, "status-swap", 2, 2, empty(2));
    ReplicaView emptied = view(replica, "status-swap");
    assertEquals(CollectorStatus.RUNNING, emptied.status());
    assertEquals(List.of(), emptied.stops());
    assertEquals(6, emptied.samples());
    stored(replica, "status-swap", 1, 2, BatchCodec.encode(Batch.ofStatus(1, 3000, CollectorStatus.STOPPED, "new owner")));
    ReplicaView v = view(replica, "status-swap");
    assertEquals(CollectorStatus.STOPPED, v.status());
    assertEquals(List.of(new StopInterval(3000, null, "new owner", 1)), v.stops());
    assertEquals(0, v.samples());
    assertEquals(List.of(), query(replica, "status-swap", "T0.PV"));
    assertEquals(2, v.contiguousSeq());
  }

  @Test
  void aReplacementInTheStoreButNotTheJournalIsRecordedWhenTheWriteComesAgain() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("half-done");
    ActorRef<ReplicaProtocol.Command> direct = spawn("half-done-b");
    for (long seq = 1; seq <= 3; seq++) {
      stored(replica, "half-done", seq, 1, TestBatches.blob(seq, 10));
      stored(direct, "half-done-b", seq, seq == 2 ? 2 : 1, seq == 2 ? otherBlob(2) : TestBatches.blob(seq, 10));
    }
    // What a crash right after the store write of a replacement leaves.
    store.replace("half-done", 2, TestBatches.blob(2, 10), otherBlob(2), 2);
    stored(replica, "half-done", 2, 2, otherBlob(2));
    assertSameHistory(view(direct, "half-done-b"), view(replica, "half-done"));
    assertEquals(2, epochs(replica, "half-done").epochOf(2));
  }

  @Test
  void syncDoesNotConfirmPastASeqASiblingHoldsUnderANewerEpoch() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("stale-sync");
    for (long seq = 1; seq <= 25; seq++) {
      stored(replica, "stale-sync", seq, 1, TestBatches.blob(seq, 1));
    }
    replica.tell(new ReplicaProtocol.SyncStatus("stale-sync", "s2", 25,
        new SeqEpochs(List.of(new SeqEpochs.Run(1, 19, 1), new SeqEpochs.Run(20, 25, 2)))));
    RecoveryRequest.Recover asked = (RecoveryRequest.Recover) recovery.fishForMessage(WAIT, m ->
        m instanceof RecoveryRequest.Recover r && r.collector().equals("stale-sync")
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
    assertEquals(RecoveryTrigger.STALE_EPOCH, asked.trigger());
    assertTrue(asked.detail().contains("seq 20"), asked.detail());
    assertEquals(Map.of("s2", 19L), view(replica, "stale-sync").confirmed());
  }

  @Test
  void theSiblingExchangeCarriesTheEpochsOfWhatItLists() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("serve-epochs");
    List<Long> epochs = new ArrayList<>(List.of(1L, 1L, 2L, 2L));
    for (long seq = 1; seq <= 4; seq++) {
      stored(replica, "serve-epochs", seq, epochs.get((int) seq - 1), TestBatches.blob(seq, 2));
    }
    TestProbe<ReplicaProtocol.EventIndex> index = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.EventsAfter("serve-epochs", 1, index.getRef()));
    assertEquals(new SeqEpochs(List.of(new SeqEpochs.Run(2, 2, 1), new SeqEpochs.Run(3, 4, 2))), index.receiveMessage(WAIT).epochs());
    TestProbe<ReplicaProtocol.BatchChunk> chunk = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.FetchBatches("serve-epochs", 3, 3, 1 << 20, chunk.getRef()));
    assertEquals(new SeqEpochs(List.of(new SeqEpochs.Run(3, 3, 2))), chunk.receiveMessage(WAIT).epochs());
    TestProbe<ReplicaProtocol.RecoveryInfo> info = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.StartRecovery("serve-epochs", info.getRef()));
    assertEquals(new SeqEpochs(List.of(new SeqEpochs.Run(1, 2, 1), new SeqEpochs.Run(3, 4, 2))), info.receiveMessage(WAIT).epochs());
  }

  private static ReplicaProtocol.KeyHolding findKey(ActorRef<ReplicaProtocol.Command> replica, String collector, String key) {
    TestProbe<ReplicaProtocol.KeyHolding> probe = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.FindKey(collector, key, probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  @Test
  void aReplicaSaysWhichBatchItHoldsUnderAnIdempotencyKeyAndWhichEpochWroteIt() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("keys");
    byte[] keyed = BatchCodec.encode(Batch.ofSamples(0, 1_800_000_000_000L, List.of(new Sample("T0.PV", 1, 1, 192))), "order-1");
    stored(replica, "keys", 1, 3, TestBatches.blob(1, 2));
    stored(replica, "keys", 2, 3, keyed);
    assertEquals(new ReplicaProtocol.KeyHolding("s1", "keys", "order-1", new EncodedBatch(2, keyed), 3),
        findKey(replica, "keys", "order-1"));
    assertEquals(new ReplicaProtocol.KeyHolding("s1", "keys", "order-2", null, 0), findKey(replica, "keys", "order-2"));
    // A newer owner's content replaces seq 2: the key names no batch here any more.
    stored(replica, "keys", 2, 4, empty(2));
    assertEquals(new ReplicaProtocol.KeyHolding("s1", "keys", "order-1", null, 0), findKey(replica, "keys", "order-1"));
  }
}

package gapless.replica;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.ConfigFactory;
import gapless.TestBatches;
import gapless.TestConfig;
import gapless.config.GaplessSettings;
import gapless.config.NodeConfig;
import gapless.events.EventField;
import gapless.events.EventLog;
import gapless.events.EventType;
import gapless.model.RecoveryTrigger;
import gapless.model.StopReason;
import gapless.store.DiskSpace;
import gapless.store.SampleStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failures of a replica stay visible and are survived: a failed journal write restarts the
 * replica (Akka's in-memory test journal, which can be told to fail), and a replica that stops is
 * started again by its host.
 */
class ReplicaFailureTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static Path dir;
  private static ActorTestKit testKit;
  private static PersistenceTestKit journal;
  private static SampleStore store;
  private static final List<SampleStore> hostStores = new ArrayList<>();
  private static TestProbe<EventLog.Command> eventLog;

  @BeforeAll
  static void setUp() throws IOException {
    dir = Files.createTempDirectory("replica-failure-test");
    testKit = ActorTestKit.create("ReplicaFailureTest",
        PersistenceTestKitPlugin.getInstance().config().withFallback(TestConfig.withDataDir(dir)));
    journal = PersistenceTestKit.create(testKit.system());
    store = SampleStore.open(dir.resolve("samples"), 3_600_000L);
    eventLog = testKit.createTestProbe();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
    store.close();
    hostStores.forEach(SampleStore::close);
  }

  private static GaplessSettings settings() {
    return GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(
        "gapless.node-id = s1\n"
            + "akka.cluster.roles = [storage]\n"
            + "gapless.replica.restart-backoff.min = 50ms\n"
            + "gapless.replica.restart-backoff.max = 500ms\n"
            + "gapless.replica.stop-timeout = 500ms\n")));
  }

  /** Each host gets its own store, so it never starts a replica another test's actor also runs. */
  private static SampleStore hostStore(String name) {
    SampleStore s = SampleStore.open(dir.resolve("samples-" + name), 3_600_000L);
    hostStores.add(s);
    return s;
  }

  private static ReplicaServices services() {
    GaplessSettings settings = settings();
    return new ReplicaServices(settings, store, Placement.of(settings),
        eventLog.getRef());
  }

  private static <T> ReplicaView view(ActorRef<T> to, String collector, java.util.function.Function<ActorRef<ReplicaView>, T> ask) {
    TestProbe<ReplicaView> probe = testKit.createTestProbe();
    to.tell(ask.apply(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  @Test
  void aFailedJournalWriteRestartsTheReplicaAndLaterBatchesAreStoredAndAcked() {
    TestProbe<RecoveryRequest> recovery = testKit.createTestProbe();
    ActorRef<ReplicaProtocol.Command> replica = testKit.spawn(Replica.create("flaky", services(), testKit.system().ignoreRef(), recovery.getRef()));
    TestProbe<ReplicaProtocol.StoreReply> acks = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.StoreBatch("flaky", 1, 0, TestBatches.blob(1, 3), ReplicaProtocol.WriteKind.OWNER, acks.getRef()));
    assertEquals(1, acks.receiveMessage(WAIT).seq());

    journal.failNextPersisted(Replica.persistenceId("flaky").id());
    // 2's journal write fails; 3 arrives while that write, or the restart, is under way.
    replica.tell(new ReplicaProtocol.StoreBatch("flaky", 2, 0, TestBatches.blob(2, 3), ReplicaProtocol.WriteKind.OWNER, acks.getRef()));
    replica.tell(new ReplicaProtocol.StoreBatch("flaky", 3, 0, TestBatches.blob(3, 3), ReplicaProtocol.WriteKind.OWNER, acks.getRef()));
    Set<Long> acked = new HashSet<>();
    acked.add(acks.receiveMessage(WAIT).seq());
    acked.add(acks.receiveMessage(WAIT).seq());
    assertEquals(Set.of(2L, 3L), acked, "the lost group is written again after the restart");

    replica.tell(new ReplicaProtocol.StoreBatch("flaky", 4, 0, TestBatches.blob(4, 3), ReplicaProtocol.WriteKind.OWNER, acks.getRef()));
    assertEquals(4, acks.receiveMessage(WAIT).seq());
    ReplicaView v = view(replica, "flaky", r -> new ReplicaProtocol.GetView("flaky", r));
    assertEquals(4, v.contiguousSeq());
    assertEquals(12, v.samples());
    // The node did not crash: no stop of recording is recorded for a journal hiccup.
    assertNull(v.serverStop());
  }

  @Test
  void aDiskBelowItsReserveRefusesWritesAtOnceAndTheyAreStoredOnceItHasRoom() {
    AtomicLong free = new AtomicLong(0);
    Path samples = dir.resolve("samples-disk");
    SampleStore small = SampleStore.open(samples, 3_600_000L, "s1", DiskSpace.of(samples, 1 << 20, free::get));
    hostStores.add(small);
    GaplessSettings settings = settings();
    ActorRef<ReplicaProtocol.Command> replica = testKit.spawn(Replica.create("full",
        new ReplicaServices(settings, small, Placement.of(settings), eventLog.getRef()), testKit.system().ignoreRef(),
        testKit.<RecoveryRequest>createTestProbe().getRef()));
    TestProbe<ReplicaProtocol.StoreReply> replies = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.StoreBatch("full", 1, 0, TestBatches.blob(1, 3), ReplicaProtocol.WriteKind.OWNER, replies.getRef()));
    ReplicaProtocol.StoreRefused refused = replies.expectMessageClass(ReplicaProtocol.StoreRefused.class, WAIT);
    assertTrue(refused.diskFull());
    assertTrue(refused.reason().contains("gapless.disk.min-free"), refused.reason());
    assertEquals(0, view(replica, "full", r -> new ReplicaProtocol.GetView("full", r)).contiguousSeq(), "nothing held");

    free.set(1L << 30);
    replica.tell(new ReplicaProtocol.StoreBatch("full", 1, 0, TestBatches.blob(1, 3), ReplicaProtocol.WriteKind.OWNER, replies.getRef()));
    assertEquals(new ReplicaProtocol.StoreAck("s1", "full", 1), replies.receiveMessage(WAIT));
  }

  @Test
  void aBatchThatArrivesDamagedIsRefusedAndReportedAndNothingIsStored() {
    ActorRef<ReplicaProtocol.Command> replica = testKit.spawn(Replica.create("damaged", services(), testKit.system().ignoreRef(),
        testKit.<RecoveryRequest>createTestProbe().getRef()));
    TestProbe<ReplicaProtocol.StoreReply> replies = testKit.createTestProbe();
    byte[] blob = TestBatches.blob(1, 3);
    blob[blob.length - 7] ^= 0x40;
    replica.tell(new ReplicaProtocol.StoreBatch("damaged", 1, 0, blob, ReplicaProtocol.WriteKind.OWNER, replies.getRef()));
    ReplicaProtocol.StoreRefused refused = replies.expectMessageClass(ReplicaProtocol.StoreRefused.class, WAIT);
    assertTrue(refused.reason().contains("damaged"), refused.reason());
    eventLog.fishForMessage(WAIT, m -> ((EventLog.Emit) m).event().event() == EventType.BATCH_CORRUPT
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    assertEquals(0, view(replica, "damaged", r -> new ReplicaProtocol.GetView("damaged", r)).contiguousSeq(), "nothing held");
  }

  @Test
  void aFlappingSiblingIsJournaledLostOncePerConfirmedSeq() {
    ActorRef<ReplicaProtocol.Command> replica = testKit.spawn(Replica.create("flap", services(), testKit.system().ignoreRef(),
        testKit.<RecoveryRequest>createTestProbe().getRef()));
    for (int i = 0; i < 5; i++) {
      replica.tell(new ReplicaProtocol.PeerLost("flap", "s2"));
    }
    replica.tell(new ReplicaProtocol.PeerLost("flap", "s3"));
    view(replica, "flap", r -> new ReplicaProtocol.GetView("flap", r));
    List<String> lost = journal.persistedInStorage(Replica.persistenceId("flap").id()).stream()
        .filter(e -> e instanceof ReplicaEvent.PeerUnreachable).map(e -> ((ReplicaEvent.PeerUnreachable) e).peer()).toList();
    assertEquals(List.of("s2", "s3"), lost);
  }

  @Test
  void aReplicaThatStopsIsStartedAgainByItsHostAndAnswers() throws Exception {
    TestProbe<RecoveryRequest> recovery = testKit.createTestProbe();
    ActorRef<ReplicaHost.Command> host = testKit.spawn(ReplicaHost.create(settings(), hostStore("respawn"), eventLog.getRef(),
        (h, s) -> Behaviors.monitor(RecoveryRequest.class, recovery.getRef(), Behaviors.ignore())), "host");
    TestProbe<ReplicaProtocol.StoreReply> acks = testKit.createTestProbe();
    host.tell(new ReplicaProtocol.StoreBatch("respawn", 1, 0, TestBatches.blob(1, 3), ReplicaProtocol.WriteKind.OWNER, acks.getRef()));
    assertEquals(1, acks.receiveMessage(WAIT).seq());

    akka.actor.ActorRef first = child(host, "replica-respawn");
    testKit.system().classicSystem().stop(first);
    TestProbe<Object> watcher = testKit.createTestProbe();
    watcher.expectTerminated(Adapter.toTyped(first), WAIT);

    RecoveryRequest.Recover asked = (RecoveryRequest.Recover) recovery.fishForMessage(WAIT, m ->
        m instanceof RecoveryRequest.Recover
            ? FishingOutcomes.complete()
            : FishingOutcomes.continueAndIgnore()).get(0);
    assertEquals("respawn", asked.collector());
    assertEquals(RecoveryTrigger.REPLICA_RESTARTED, asked.trigger());

    host.tell(new ReplicaProtocol.StoreBatch("respawn", 2, 0, TestBatches.blob(2, 3), ReplicaProtocol.WriteKind.OWNER, acks.getRef()));
    assertEquals(2, acks.receiveMessage(WAIT).seq());
    TestProbe<ReplicaView> probe = testKit.createTestProbe();
    ReplicaView v = probe.awaitAssert(WAIT, () -> {
      ReplicaView now = view(host, "respawn", r -> new ReplicaProtocol.GetView("respawn", r));
      // It stopped without recording a stop: the new one records it, and the recovery closes it.
      assertEquals(StopReason.UNCLEAN_SHUTDOWN, now.serverStop().reason());
      return now;
    });
    assertEquals(2, v.contiguousSeq());
    assertNotEquals(first, child(host, "replica-respawn"));
  }

  @Test
  void aStopOfRecordingAReplicaCannotWriteIsStillAnswered() {
    ActorRef<ReplicaHost.Command> host = testKit.spawn(
        ReplicaHost.create(settings(), hostStore("unstoppable"), eventLog.getRef(), (h, s) -> Behaviors.ignore()));
    TestProbe<ReplicaProtocol.StoreReply> acks = testKit.createTestProbe();
    host.tell(new ReplicaProtocol.StoreBatch("unstoppable", 1, 0, TestBatches.blob(1, 3), ReplicaProtocol.WriteKind.OWNER, acks.getRef()));
    assertEquals(1, acks.receiveMessage(WAIT).seq());

    // The replica's RecordingStopped never reaches the journal, so the replica never answers.
    journal.failNextPersisted(Replica.persistenceId("unstoppable").id());
    TestProbe<akka.Done> done = testKit.createTestProbe();
    host.tell(new ReplicaHost.StopAllRecording(StopReason.SHUTDOWN, done.getRef()));
    done.receiveMessage(WAIT);
    // Nor does it hold up the next one.
    host.tell(new ReplicaHost.StopAllRecording(StopReason.SHUTDOWN, done.getRef()));
    done.receiveMessage(WAIT);
  }

  @Test
  void aStoreThatCannotListItsCollectorsIsRetriedAndReportedNotTakenForEmpty() {
    SampleStore broken = SampleStore.open(dir.resolve("broken-samples"), 3_600_000L);
    broken.close();
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    ActorRef<ReplicaHost.Command> host = testKit.spawn(
        ReplicaHost.create(settings(), broken, log.getRef(), (h, s) -> Behaviors.ignore()));
    TestProbe<ReplicaHost.CollectorList> lists = testKit.createTestProbe();
    host.tell(new ReplicaHost.ListCollectors(lists.getRef()));
    for (int attempt = 1; attempt <= 2; attempt++) {
      EventLog.Emit failed = (EventLog.Emit) log.receiveMessage(WAIT);
      assertEquals(EventType.STORE_FAILED, failed.event().event());
      assertTrue(String.valueOf(failed.event().get(EventField.REASON)).contains("closed"));
    }
    // No answer rather than a wrong one: an empty list would leave every replica here unrecovered.
    lists.expectNoMessage(Duration.ofMillis(200));
  }

  private static akka.actor.ActorRef child(ActorRef<?> parent, String name) throws Exception {
    return testKit.system().classicSystem().actorSelection(parent.path().child(name))
        .resolveOne(WAIT).toCompletableFuture().get();
  }
}

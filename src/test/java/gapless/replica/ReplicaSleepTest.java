package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.ConfigFactory;
import gapless.TestBatches;
import gapless.TestConfig;
import gapless.config.GaplessSettings;
import gapless.config.NodeConfig;
import gapless.events.EventLog;
import gapless.events.EventType;
import gapless.model.RecoveryTrigger;
import gapless.model.SeqEpochs;
import gapless.model.StopReason;
import gapless.store.SampleStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replica passivation through a real host, journal and store: an idle, settled replica's actor
 * stops; its host answers views for it and wakes it for writes and for a sibling that reports
 * another contiguous seq; a sleep is not taken for a crash; a replica out of step stays awake.
 */
class ReplicaSleepTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static Path dir;
  private static ActorTestKit testKit;
  private static final List<SampleStore> stores = new ArrayList<>();

  @BeforeAll
  static void setUp() throws IOException {
    dir = Files.createTempDirectory("replica-sleep-test");
    testKit = ActorTestKit.create("ReplicaSleepTest", TestConfig.withDataDir(dir));
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
    stores.forEach(SampleStore::close);
  }

  private record Host(ActorRef<ReplicaHost.Command> ref, TestProbe<EventLog.Command> events, TestProbe<RecoveryRequest> recovery) {}

  /**
   * A host of s1 with its own store, in a set of two (s2 never starts: the tests speak for it);
   * replicas sleep after {@code passivateAfter}.
   */
  private static Host host(String name, String passivateAfter) {
    return host(name, passivateAfter, "");
  }

  /** ... with {@code extra} settings. */
  private static Host host(String name, String passivateAfter, String extra) {
    GaplessSettings settings = GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(
        "gapless.node-id = s1\n"
            + "akka.cluster.roles = [storage]\n"
            + "gapless.storage-nodes = [s1, s2]\n"
            + "gapless.replication-factor = 2\n"
            + "gapless.write-quorum = 1\n"
            + "gapless.replica.passivate-after = " + passivateAfter + "\n"
            + "gapless.replica.sync-interval = 100ms\n"
            + "gapless.replica.confirm-max-delay = 100ms\n" + extra)));
    SampleStore store = SampleStore.open(dir.resolve("samples-" + name), 3_600_000L);
    stores.add(store);
    TestProbe<EventLog.Command> events = testKit.createTestProbe();
    TestProbe<RecoveryRequest> recovery = testKit.createTestProbe();
    ActorRef<ReplicaHost.Command> ref = testKit.spawn(ReplicaHost.create(settings, store, events.getRef(),
        (h, s) -> Behaviors.monitor(RecoveryRequest.class, recovery.getRef(), Behaviors.ignore())), "host-" + name);
    return new Host(ref, events, recovery);
  }

  private static void store(Host host, String collector, long seq) {
    store(host, collector, seq, 0);
  }

  private static void store(Host host, String collector, long seq, long epoch) {
    TestProbe<ReplicaProtocol.StoreReply> acks = testKit.createTestProbe();
    host.ref().tell(new ReplicaProtocol.StoreBatch(collector, seq, epoch, TestBatches.blob(seq, 3), ReplicaProtocol.WriteKind.OWNER, acks.getRef()));
    assertEquals(seq, acks.receiveMessage(WAIT).seq());
  }

  private static ReplicaView view(Host host, String collector) {
    TestProbe<ReplicaView> probe = testKit.createTestProbe();
    host.ref().tell(new ReplicaProtocol.GetView(collector, probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  /** Whether the replica's actor runs. */
  private static boolean awake(Host host, String collector) {
    try {
      testKit.system().classicSystem().actorSelection(host.ref().path().child("replica-" + collector))
          .resolveOne(Duration.ofMillis(500)).toCompletableFuture().get(1, TimeUnit.SECONDS);
      return true;
    } catch (Exception notThere) {
      return false;
    }
  }

  /** The next report about {@code collector} a sibling host probe gets (other tests' hosts report to it too). */
  private static ReplicaProtocol.SyncStatus reportOf(TestProbe<ReplicaHost.Command> probe, String collector) {
    ReplicaHost.Command got = probe.fishForMessage(WAIT, m -> about(m, collector).isEmpty()
        ? FishingOutcomes.continueAndIgnore() : FishingOutcomes.complete()).get(0);
    return about(got, collector).get(0);
  }

  /** The reports about {@code collector} in a message to a sibling host (hosts send them gathered). */
  private static List<ReplicaProtocol.SyncStatus> about(ReplicaHost.Command m, String collector) {
    return m instanceof ReplicaProtocol.SyncReports r
        ? r.reports().stream().filter(s -> s.collector().equals(collector)).toList() : List.of();
  }

  /** What the probe got so far. */
  private static <T> List<T> drain(TestProbe<T> probe) {
    List<T> got = new ArrayList<>();
    while (true) {
      try {
        got.add(probe.receiveMessage(Duration.ofMillis(300)));
      } catch (AssertionError nothingMore) {
        return got;
      }
    }
  }

  /** s2 says it holds 1..{@code seq} too, as its heartbeats would, until the replica confirmed it and sleeps. */
  private static void awaitAsleep(Host host, String collector, long seq) {
    testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(150), () -> {
      host.ref().tell(new ReplicaProtocol.SyncStatus(collector, "s2", seq, SeqEpochs.EMPTY));
      assertFalse(awake(host, collector), "asleep");
      return null;
    });
  }

  @Test
  void anIdleReplicaSleepsIsAnsweredForAndWakesForAWriteWithoutTakingTheSleepForACrash() {
    Host host = host("idle", "500ms");
    store(host, "c1", 1);
    store(host, "c1", 2);
    awaitAsleep(host, "c1", 2);

    ReplicaView asleep = view(host, "c1");
    assertEquals(2, asleep.contiguousSeq());
    assertTrue(asleep.asleep());
    assertEquals(6, asleep.samples());
    TestProbe<ReplicaHost.CollectorList> lists = testKit.createTestProbe();
    host.ref().tell(new ReplicaHost.ListCollectors(lists.getRef()));
    assertEquals(List.of("c1"), lists.receiveMessage(WAIT).collectors());
    assertFalse(awake(host, "c1"), "a view does not wake it");

    store(host, "c1", 3);
    ReplicaView woken = view(host, "c1");
    assertEquals(3, woken.contiguousSeq());
    assertFalse(woken.asleep());
    assertNull(woken.serverStop(), "a sleep is not an unclean stop");
    for (EventLog.Command e : drain(host.events())) {
      assertNotEquals(EventType.REPLICA_RESTARTED, ((EventLog.Emit) e).event().event(), "a woken replica is no restarted one");
    }
    awaitAsleep(host, "c1", 3);
    store(host, "c1", 4);
    assertEquals(4, view(host, "c1").contiguousSeq());
  }

  @Test
  void aSiblingReportingTheSameSeqLetsItSleepAndOneAheadWakesItToRecover() {
    Host host = host("sibling", "500ms");
    store(host, "c2", 1);
    awaitAsleep(host, "c2", 1);

    host.ref().tell(new ReplicaProtocol.SyncStatus("c2", "s2", 1, SeqEpochs.EMPTY));
    assertFalse(awake(host, "c2"), "nothing to do for a sibling in step");

    host.ref().tell(new ReplicaProtocol.SyncStatus("c2", "s2", 5, SeqEpochs.EMPTY));
    RecoveryRequest.Recover asked = (RecoveryRequest.Recover) host.recovery().fishForMessage(WAIT, m ->
        m instanceof RecoveryRequest.Recover ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
    assertEquals(RecoveryTrigger.BEHIND_SIBLING, asked.trigger());
    assertEquals(4, view(host, "c2").lag());
  }

  @Test
  void aHostSendsTheReportsOfItsReplicasToASiblingTogether() {
    // Its sibling is s3, so no other test's host reports to it.
    TestProbe<ReplicaHost.Command> s3 = testKit.createTestProbe();
    testKit.system().receptionist().tell(Receptionist.register(ReplicaHost.serviceKey("s3"), s3.getRef()));
    Host host = host("gather", "0", "gapless.storage-nodes = [s1, s3]\ngapless.replica.sync-gather = 2s\n");
    List<String> collectors = List.of("g1", "g2", "g3", "g4");
    collectors.forEach(c -> store(host, c, 1));
    // Each replica reports seq 1 at its next tick (100 ms); the host sends them two seconds after the first.
    ReplicaHost.Command got = s3.fishForMessage(WAIT, m -> collectors.stream().anyMatch(c -> !about(m, c).isEmpty())
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
    for (String c : collectors) {
      assertEquals(List.of(new ReplicaProtocol.SyncStatus(c, "s1", 1, SeqEpochs.EMPTY)),
          about(got, c).stream().distinct().toList(), "in one message: " + got);
    }
  }

  @Test
  void siblingsThatHaveNotConfirmedASleepingReplicaOrAppearGetItsReportFromTheHost() {
    TestProbe<ReplicaHost.Command> s2 = testKit.createTestProbe();
    testKit.system().receptionist().tell(Receptionist.register(ReplicaHost.serviceKey("s2"), s2.getRef()));
    Host host = host("answer", "500ms");
    store(host, "c5", 1, 1);
    awaitAsleep(host, "c5", 1);
    drain(s2);

    // s2 holds seq 1 under the same epoch and has not confirmed it with s1 yet: it is answered.
    SeqEpochs unconfirmed = new SeqEpochs(List.of(new SeqEpochs.Run(1, 1, 1)));
    host.ref().tell(new ReplicaProtocol.SyncStatus("c5", "s2", 1, unconfirmed));
    assertEquals(new ReplicaProtocol.SyncStatus("c5", "s1", 1, SeqEpochs.EMPTY), reportOf(s2, "c5"));
    // Confirmed on both sides: nothing more to say.
    host.ref().tell(new ReplicaProtocol.SyncStatus("c5", "s2", 1, SeqEpochs.EMPTY));
    for (ReplicaHost.Command m : drain(s2)) {
      assertTrue(about(m, "c5").isEmpty(), "answered a report that needed none: " + m);
    }
    assertFalse(awake(host, "c5"));

    // A sibling host that appears (restarted, back, or a new node) hears what heartbeats would have told it.
    testKit.system().receptionist().tell(Receptionist.deregister(ReplicaHost.serviceKey("s2"), s2.getRef()));
    TestProbe<ReplicaHost.Command> restarted = testKit.createTestProbe();
    testKit.system().receptionist().tell(Receptionist.register(ReplicaHost.serviceKey("s2"), restarted.getRef()));
    assertEquals(new ReplicaProtocol.SyncStatus("c5", "s1", 1, SeqEpochs.EMPTY), reportOf(restarted, "c5"));
    // And once more a heartbeat (1 s) later: a node that has just started drops what reaches it
    // before its handshake with the sender completes.
    long first = System.nanoTime();
    assertEquals(new ReplicaProtocol.SyncStatus("c5", "s1", 1, SeqEpochs.EMPTY), reportOf(restarted, "c5"));
    assertTrue(System.nanoTime() - first > 500_000_000L, "the second report came at once, not a heartbeat later");
    assertFalse(awake(host, "c5"));
  }

  @Test
  void aStopOfRecordingWhileAsleepIsRecordedWhenTheReplicaWakesAtTheTimeItHappened() throws InterruptedException {
    Host host = host("offline", "500ms");
    store(host, "c4", 1);
    awaitAsleep(host, "c4", 1);

    long before = System.currentTimeMillis();
    TestProbe<akka.Done> done = testKit.createTestProbe();
    host.ref().tell(new ReplicaHost.StopAllRecording(StopReason.SERVER_OFFLINE, done.getRef()));
    done.receiveMessage(WAIT);
    long after = System.currentTimeMillis();
    assertFalse(awake(host, "c4"), "not started to record it");
    Thread.sleep(300);

    store(host, "c4", 2);
    ServerStop stop = view(host, "c4").serverStop();
    assertEquals(StopReason.SERVER_OFFLINE, stop.reason());
    assertEquals(1, stop.contiguousSeq(), "stopped where it slept, before the write that woke it");
    assertTrue(stop.time() >= before && stop.time() <= after, "recorded at the time recording stopped");
  }

  @Test
  void aReplicaOutOfStepWithASiblingStaysAwakeUntilTheyAgree() throws InterruptedException {
    Host host = host("behind", "300ms");
    store(host, "c3", 1);
    store(host, "c3", 2);
    // s2 holds less: this replica's reports are what tells s2 it is behind, so it keeps sending them.
    for (int i = 0; i < 10; i++) {
      host.ref().tell(new ReplicaProtocol.SyncStatus("c3", "s2", 1, SeqEpochs.EMPTY));
      Thread.sleep(100);
    }
    assertTrue(awake(host, "c3"), "awake while s2 is behind");
    awaitAsleep(host, "c3", 2);
    assertEquals(2, view(host, "c3").confirmed().get("s2"), "confirmed with s2 before it slept");
  }

  @Test
  void writesThatArriveWhileReplicasFallAsleepAreAllStoredAndAcked() throws InterruptedException {
    Host host = host("race", "100ms");
    // Each replica is idle for about the passivation time between writes, so writes keep meeting
    // replicas that are being asked to sleep, falling asleep, or waking.
    for (long seq = 1; seq <= 30; seq++) {
      for (String c : List.of("r1", "r2", "r3")) {
        store(host, c, seq);
        host.ref().tell(new ReplicaProtocol.SyncStatus(c, "s2", seq, SeqEpochs.EMPTY));
      }
      Thread.sleep(80 + (seq % 5) * 20);
    }
    for (String c : List.of("r1", "r2", "r3")) {
      ReplicaView v = view(host, c);
      assertEquals(30, v.contiguousSeq());
      assertEquals(90, v.samples());
      assertNull(v.serverStop());
    }
  }
}

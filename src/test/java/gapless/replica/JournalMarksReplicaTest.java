package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import gapless.TestBatches;
import gapless.TestConfig;
import gapless.config.GaplessSettings;
import gapless.events.EventLog;
import gapless.model.EncodedBatch;
import gapless.store.JournalMarks;
import gapless.store.SampleStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replica's journal events of its batches are written without an fsync; the store's synced
 * write marks each batch until a snapshot holds it. A power cut that takes the journal's tail
 * must not make a replica forget a batch it acked.
 */
class JournalMarksReplicaTest {

  private static Path dir;
  private static ActorTestKit testKit;
  private static SampleStore store;
  private static TestProbe<EventLog.Command> eventLog;

  @BeforeAll
  static void setUp() throws IOException {
    dir = Files.createTempDirectory("journal-marks-test");
    testKit = ActorTestKit.create("JournalMarksReplicaTest", TestConfig.withDataDir(dir));
    store = SampleStore.open(dir.resolve("samples"), 3_600_000L);
    eventLog = testKit.createTestProbe();
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
    store.close();
  }

  private static ActorRef<ReplicaProtocol.Command> spawn(String collector) {
    GaplessSettings settings = ReplicaTest.settings();
    ReplicaServices services = new ReplicaServices(settings, store, Placement.of(settings), eventLog.getRef());
    return testKit.spawn(Replica.create(collector, services, testKit.system().ignoreRef(), testKit.system().ignoreRef()));
  }

  private static void store(ActorRef<ReplicaProtocol.Command> replica, String collector, long seq) {
    TestProbe<ReplicaProtocol.StoreReply> probe = testKit.createTestProbe();
    replica.tell(new ReplicaProtocol.StoreBatch(collector, seq, 1, TestBatches.blob(seq, 3), ReplicaProtocol.WriteKind.OWNER,
        probe.getRef()));
    assertEquals(new ReplicaProtocol.StoreAck("s1", collector, seq), probe.receiveMessage(Duration.ofSeconds(10)));
  }

  @Test
  void aBatchWhoseJournalEventWasLostIsHeldAgainBeforeTheReplicaAnswersAClaim() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("cut");
    store(replica, "cut", 1);
    store(replica, "cut", 2);
    testKit.stop(replica);
    // What a power cut leaves: the store's synced write of seq 3 (and its mark), not the journal's unsynced event.
    store.write("cut", List.of(new EncodedBatch(3, TestBatches.blob(3, 3))), List.of(), List.of(new JournalMarks.Mark(3, 2)));

    ActorRef<ReplicaProtocol.Command> again = spawn("cut");
    TestProbe<ReplicaProtocol.EpochClaimed> claimed = testKit.createTestProbe();
    // The first command it answers already counts seq 3, so a new owner cannot give it again.
    again.tell(new ReplicaProtocol.ClaimEpoch("cut", 5, "gw1/a", claimed.getRef()));
    ReplicaProtocol.EpochClaimed answer = claimed.receiveMessage(Duration.ofSeconds(10));
    assertTrue(answer.granted());
    assertEquals(3, answer.held().contiguous());
    assertEquals(2, answer.epochs().epochOf(3));
    assertEquals(1, answer.epochs().epochOf(2));
  }

  @Test
  void marksAreForgottenOnceASnapshotHoldsTheirBatches() {
    ActorRef<ReplicaProtocol.Command> replica = spawn("snap");
    for (long seq = 1; seq <= 12; seq++) {
      store(replica, "snap", seq);
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

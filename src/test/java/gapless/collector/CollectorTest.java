package gapless.collector;

import static gapless.collector.CollectorFixture.fakeHost;
import static gapless.collector.CollectorFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import gapless.TestConfig;
import gapless.config.GaplessSettings;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.model.Sample;
import gapless.replica.ReplicaProtocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's collector against fake replica hosts registered in the receptionist. Each test
 * uses its own storage node ids so the hosts one test starts do not serve another.
 */
class CollectorTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void setUp() throws IOException {
    Path dir = Files.createTempDirectory("collector-test");
    testKit = ActorTestKit.create("CollectorTest", TestConfig.withDataDir(dir));
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private static CollectorProtocol.IngestResult ingest(ActorRef<CollectorProtocol.Command> c, int samples) {
    return CollectorFixture.ingest(testKit, c, samples);
  }

  @Test
  void assignsConsecutiveSeqsAndAnswersStoredOnWriteQuorum() {
    TestProbe<ReplicaProtocol.StoreBatch> seen = testKit.createTestProbe();
    for (String n : List.of("a1", "a2", "a3")) {
      testKit.spawn(fakeHost(n, seen.getRef()));
    }
    ActorRef<CollectorProtocol.Command> c = testKit.spawn(Collector.create("ca", settings("a", 100)));
    for (long seq = 1; seq <= 3; seq++) {
      CollectorProtocol.IngestResult r = ingest(c, 5);
      assertEquals(CollectorProtocol.Outcome.STORED, r.outcome());
      assertEquals(seq, r.seq());
      assertTrue(r.acks() >= 2, "acks " + r.acks());
    }
    ReplicaProtocol.StoreBatch first = seen.receiveMessage();
    assertEquals(5, BatchCodec.decode(first.seq(), first.blob()).samples().size());
  }

  @Test
  void buffersBelowQuorumThenForwardsWhenAReplicaAppears() {
    TestProbe<ReplicaProtocol.StoreBatch> seenB1 = testKit.createTestProbe();
    testKit.spawn(fakeHost("b1", seenB1.getRef()));
    ActorRef<CollectorProtocol.Command> c = testKit.spawn(Collector.create("cb", settings("b", 100)));
    CollectorProtocol.IngestResult r = ingest(c, 3);
    assertEquals(CollectorProtocol.Outcome.BUFFERED, r.outcome());
    assertEquals(1, r.acks());
    assertEquals(1, r.seq());

    TestProbe<ReplicaProtocol.StoreBatch> seenB2 = testKit.createTestProbe();
    testKit.spawn(fakeHost("b2", seenB2.getRef()));
    assertEquals(1, seenB2.receiveMessage(Duration.ofSeconds(5)).seq());
    // With W = 2 reached the next batch is stored at once.
    assertEquals(CollectorProtocol.Outcome.STORED, ingest(c, 3).outcome());
  }

  @Test
  void rejectsWhenTheBufferIsFullAndKeepsSeqsWithoutHoles() {
    ActorRef<CollectorProtocol.Command> c = testKit.spawn(Collector.create("cc", settings("c", 2)));
    assertEquals(CollectorProtocol.Outcome.BUFFERED, ingest(c, 1).outcome());
    assertEquals(CollectorProtocol.Outcome.BUFFERED, ingest(c, 1).outcome());
    CollectorProtocol.IngestResult full = ingest(c, 1);
    assertEquals(CollectorProtocol.Outcome.REJECTED, full.outcome());
    assertTrue(full.error().contains("buffer"), full.error());

    TestProbe<ReplicaProtocol.StoreBatch> seen = testKit.createTestProbe();
    testKit.spawn(fakeHost("c1", seen.getRef()));
    testKit.spawn(fakeHost("c2", seen.getRef()));
    // Once the buffer drains, the next batch takes seq 3: the rejected one used no seq.
    TestProbe<CollectorProtocol.IngestResult> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(10), Duration.ofMillis(200), () -> {
      c.tell(new CollectorProtocol.Ingest(List.of(new Sample("X", 1, 1, 192)), probe.getRef()));
      CollectorProtocol.IngestResult next = probe.receiveMessage(Duration.ofSeconds(3));
      assertEquals(CollectorProtocol.Outcome.STORED, next.outcome());
      assertEquals(3, next.seq());
      return null;
    });
  }

  @Test
  void refusesABatchTooLargeToTravelBeforeJournalingIt() {
    TestProbe<ReplicaProtocol.StoreBatch> seen = testKit.createTestProbe();
    for (String n : List.of("t1", "t2", "t3")) {
      testKit.spawn(fakeHost(n, seen.getRef()));
    }
    GaplessSettings settings = settings("t", 100, "gapless.ingest.max-encoded-bytes = 1k");
    ActorRef<CollectorProtocol.Command> c = testKit.spawn(Collector.create("ct", settings));
    // 200 samples encode to about 2.4 KB.
    CollectorProtocol.IngestResult tooLarge = ingest(c, 200);
    assertEquals(CollectorProtocol.Outcome.TOO_LARGE, tooLarge.outcome());
    assertEquals(0, tooLarge.seq());
    assertTrue(tooLarge.error().contains("over the limit of 1024 bytes"), tooLarge.error());
    seen.expectNoMessage(Duration.ofMillis(300));
    // It took no seq and reached no replica: the next batch is seq 1, and the only one sent.
    CollectorProtocol.IngestResult next = ingest(c, 5);
    assertEquals(CollectorProtocol.Outcome.STORED, next.outcome());
    assertEquals(1, next.seq());
    assertEquals(1, seen.receiveMessage().seq());
  }

  @Test
  void seqContinuesAfterRestartAndStatusChangesTakeASeq() {
    TestProbe<ReplicaProtocol.StoreBatch> seen = testKit.createTestProbe();
    for (String n : List.of("d1", "d2")) {
      testKit.spawn(fakeHost(n, seen.getRef()));
    }
    GaplessSettings s = settings("d", 100);
    ActorRef<CollectorProtocol.Command> c = testKit.spawn(Collector.create("cd", s));
    ingest(c, 2);
    TestProbe<CollectorProtocol.IngestResult> probe = testKit.createTestProbe();
    c.tell(new CollectorProtocol.ChangeStatus(CollectorStatus.STOPPED, "maintenance", probe.getRef()));
    assertEquals(2, probe.receiveMessage(Duration.ofSeconds(5)).seq());
    testKit.stop(c);
    ActorRef<CollectorProtocol.Command> again = testKit.spawn(Collector.create("cd", s));
    assertEquals(3, ingest(again, 2).seq());
  }
}

package gapless.collector;

import static gapless.collector.CollectorFixture.fakeHost;
import static gapless.collector.CollectorFixture.ingest;
import static gapless.collector.CollectorFixture.samples;
import static gapless.collector.CollectorFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.persistence.testkit.JournalOperation;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.WriteEvents;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import gapless.TestConfig;
import gapless.replica.ReplicaProtocol;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Journal failures at the gateway, through Akka's in-memory test journal: a failed write restarts
 * the collector, a rejected one stops it and the gateway starts it again; either way every request
 * is answered and the next one is stored.
 */
class CollectorSupervisionTest {

  private static ActorTestKit testKit;
  private static PersistenceTestKit journal;

  @BeforeAll
  static void setUp() throws IOException {
    testKit = ActorTestKit.create("CollectorSupervisionTest", PersistenceTestKitPlugin.config()
        .withFallback(TestConfig.withDataDir(Files.createTempDirectory("collector-supervision-test"))));
    journal = PersistenceTestKit.create(testKit.system());
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void clearJournal() {
    journal.clearAll();
  }

  private static void startHosts(String prefix) {
    TestProbe<ReplicaProtocol.StoreBatch> seen = testKit.createTestProbe();
    for (int i = 1; i <= 3; i++) {
      testKit.spawn(fakeHost(prefix + i, seen.getRef()));
    }
  }

  /** Collector {@code c<prefix>} with its replica hosts, past its first stored batch. */
  private static ActorRef<CollectorProtocol.Command> runningCollector(String prefix) {
    startHosts(prefix);
    ActorRef<CollectorProtocol.Command> c = testKit.spawn(Collector.create("c" + prefix, settings(prefix, 100)));
    assertEquals(CollectorProtocol.Outcome.STORED, ingest(testKit, c, 1).outcome());
    return c;
  }

  /**
   * The journal writes that accept a batch. The faults target these alone: a timer's flush of
   * deliveries may come first, and failing it instead would make the test depend on timing.
   */
  private static boolean acceptsBatch(String persistenceId, JournalOperation op) {
    return op instanceof WriteEvents w && w.batch().exists(e -> e instanceof Collector.BatchAccepted);
  }

  @Test
  void aFailedWriteIsRejectedAndTheNextIngestIsStored() {
    ActorRef<CollectorProtocol.Command> c = runningCollector("e");

    journal.failNextNOpsCond(CollectorSupervisionTest::acceptsBatch, 1);
    CollectorProtocol.IngestResult failed = ingest(testKit, c, 2);
    assertEquals(CollectorProtocol.Outcome.REJECTED, failed.outcome());
    assertTrue(failed.error().contains("journal write failed"), failed.error());

    // Restarted after the back-off, with its seq replayed: the failed batch took no seq.
    CollectorProtocol.IngestResult next = ingest(testKit, c, 2);
    assertEquals(CollectorProtocol.Outcome.STORED, next.outcome());
    assertEquals(2, next.seq());
  }

  @Test
  void requestsQueuedBehindAFailedWriteAreAnswered() {
    ActorRef<CollectorProtocol.Command> c = runningCollector("g");

    journal.failNextNOpsCond(CollectorSupervisionTest::acceptsBatch, 1);
    List<TestProbe<CollectorProtocol.IngestResult>> probes = List.of(
        testKit.createTestProbe(), testKit.createTestProbe(), testKit.createTestProbe());
    // Sent together: the second and third wait in Akka's stash while the first write fails.
    probes.forEach(p -> c.tell(new CollectorProtocol.Ingest(samples(1), p.getRef())));
    assertEquals(CollectorProtocol.Outcome.REJECTED, probes.get(0).receiveMessage(Duration.ofSeconds(5)).outcome());
    for (TestProbe<CollectorProtocol.IngestResult> p : probes.subList(1, 3)) {
      CollectorProtocol.Outcome outcome = p.receiveMessage(Duration.ofSeconds(5)).outcome();
      assertTrue(outcome == CollectorProtocol.Outcome.REJECTED || outcome == CollectorProtocol.Outcome.STORED, outcome.toString());
    }
    assertEquals(CollectorProtocol.Outcome.STORED, ingest(testKit, c, 1).outcome());
  }

  @Test
  void theGatewayStartsAStoppedCollectorAgain() {
    startHosts("h");
    ActorRef<IngestGateway.Command> gateway = testKit.spawn(IngestGateway.create(settings("h", 100)));
    TestProbe<CollectorProtocol.IngestResult> probe = testKit.createTestProbe();
    gateway.tell(new IngestGateway.ToCollector("ch", new CollectorProtocol.Ingest(samples(1), probe.getRef())));
    assertEquals(CollectorProtocol.Outcome.STORED, probe.receiveMessage(Duration.ofSeconds(10)).outcome());

    // A rejected write is not retried by the back-off: the collector stops.
    journal.rejectNextNOpsCond(CollectorSupervisionTest::acceptsBatch, 1);
    gateway.tell(new IngestGateway.ToCollector("ch", new CollectorProtocol.Ingest(samples(1), probe.getRef())));
    assertEquals(CollectorProtocol.Outcome.REJECTED, probe.receiveMessage(Duration.ofSeconds(5)).outcome());

    probe.awaitAssert(Duration.ofSeconds(10), Duration.ofMillis(200), () -> {
      gateway.tell(new IngestGateway.ToCollector("ch", new CollectorProtocol.Ingest(samples(1), probe.getRef())));
      CollectorProtocol.IngestResult next = probe.receiveMessage(Duration.ofSeconds(2));
      assertEquals(CollectorProtocol.Outcome.STORED, next.outcome());
      assertEquals(2, next.seq());
      return null;
    });
  }
}

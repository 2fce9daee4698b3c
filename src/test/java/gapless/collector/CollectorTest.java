package gapless.collector;

import static gapless.collector.CollectorFixture.blob;
import static gapless.collector.CollectorFixture.buffer;
import static gapless.collector.CollectorFixture.keyed;
import static gapless.collector.CollectorFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import gapless.TestConfig;
import gapless.collector.CollectorFixture.FakeHost;
import gapless.collector.CollectorProtocol.IngestResult;
import gapless.collector.CollectorProtocol.Outcome;
import gapless.events.EventLog;
import gapless.events.EventType;
import gapless.model.BatchCodec;
import gapless.model.EncodedBatch;
import gapless.model.SeqEpochs;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.replica.ReplicaProtocol;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A collector's owner against fake replica hosts registered in the receptionist. Each test uses
 * its own storage node ids so the hosts one test starts do not serve another.
 */
class CollectorTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void setUp() throws IOException {
    testKit = ActorTestKit.create("CollectorTest", TestConfig.withDataDir(Files.createTempDirectory("collector-test")));
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
  }

  private record Owner(ActorRef<CollectorProtocol.Command> ref, List<FakeHost> hosts, TestProbe<Object> seen,
      TestProbe<EventLog.Command> events, TestProbe<BufferRedrive.Command> redrive, GatewayBuffer buffer) {}

  /** Hosts {@code <prefix>1..count} (of 3 in the replica set), then the owner of collector {@code c<prefix>}. */
  private static Owner owner(String prefix, int count, long bufferBytes, java.util.function.Consumer<List<FakeHost>> prepare) {
    return owner(prefix, count, buffer(bufferBytes), "", prepare);
  }

  private static Owner owner(String prefix, int count, GatewayBuffer buffer, String settings,
      java.util.function.Consumer<List<FakeHost>> prepare) {
    TestProbe<Object> seen = testKit.createTestProbe();
    List<FakeHost> hosts = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      hosts.add(new FakeHost(prefix + i));
    }
    prepare.accept(hosts);
    hosts.forEach(h -> testKit.spawn(h.behavior(seen.getRef())));
    TestProbe<EventLog.Command> events = testKit.createTestProbe();
    TestProbe<BufferRedrive.Command> redrive = testKit.createTestProbe();
    ActorRef<CollectorProtocol.Command> ref = testKit.spawn(Collector.create("c" + prefix, settings(prefix, settings), buffer,
        events.getRef(), redrive.getRef()));
    return new Owner(ref, hosts, seen, events, redrive, buffer);
  }

  private static IngestResult submit(Owner o, int samples) {
    return CollectorFixture.submit(testKit, o.ref(), samples);
  }

  /** What the hosts saw until they have been quiet for a second. */
  private static List<Object> drain(TestProbe<Object> seen) {
    List<Object> out = new ArrayList<>();
    while (true) {
      try {
        out.add(seen.receiveMessage(Duration.ofSeconds(1)));
      } catch (AssertionError quiet) {
        return out;
      }
    }
  }

  private static EventType nextEvent(TestProbe<EventLog.Command> events) {
    return ((EventLog.Emit) events.receiveMessage(Duration.ofSeconds(5))).event().event();
  }

  @Test
  void claimsAnEpochThenGivesConsecutiveSeqsStoredOnWriteQuorum() {
    Owner o = owner("a", 3, 1 << 20, hosts -> {});
    for (long seq = 1; seq <= 3; seq++) {
      IngestResult r = submit(o, 5);
      assertEquals(Outcome.STORED, r.outcome());
      assertEquals(seq, r.seq());
      assertTrue(r.acks() >= 2, "acks " + r.acks());
    }
    assertEquals(EventType.OWNER_CLAIMED, nextEvent(o.events()));
    assertEquals(1, o.hosts().get(0).promised.get());
    assertEquals(0, o.buffer().bytes(), "stored batches leave no room taken");
  }

  @Test
  void continuesAboveWhatTheQuorumHoldsAndFillsSeqsNobodyHoldsWithEmptyBatches() {
    // b1 holds 1..3 and 5 (seq 4 never reached it); b2 holds 1..3; b3 promised epoch 7 to someone else before.
    Owner o = owner("b", 3, 1 << 20, hosts -> {
      hosts.get(0).held.set(SeqRanges.of(new SeqRange(1, 3), new SeqRange(5, 5)));
      hosts.get(0).epochs.set(new SeqEpochs(List.of(new SeqEpochs.Run(1, 3, 6), new SeqEpochs.Run(5, 5, 7))));
      hosts.get(1).held.set(SeqRanges.of(new SeqRange(1, 3)));
      hosts.get(2).promised.set(7);
    });
    IngestResult r = submit(o, 5);
    assertEquals(Outcome.STORED, r.outcome());
    assertEquals(6, r.seq(), "above the highest seq any promising replica holds");
    // Outbid by b3's promise of 7, the owner claimed again above it.
    assertEquals(8, o.hosts().get(2).promised.get());
    List<ReplicaProtocol.StoreBatch> writes = drain(o.seen()).stream()
        .filter(m -> m instanceof ReplicaProtocol.StoreBatch).map(m -> (ReplicaProtocol.StoreBatch) m).toList();
    ReplicaProtocol.StoreBatch empty = writes.stream().filter(w -> w.seq() == 4).findFirst().orElseThrow();
    assertEquals(0, BatchCodec.sampleCount(empty.blob()));
    assertEquals(8, empty.epoch());
    assertEquals(ReplicaProtocol.WriteKind.OWNER, empty.kind());
  }

  @Test
  void belowWriteQuorumTheBatchGoesToDiskAnd202SaysItsCopiesThenItDrainsWhenAReplicaReturns() throws Exception {
    Owner o = owner("d", 3, 1 << 20, hosts -> hosts.subList(1, 3).forEach(h -> h.acks.set(false)));
    IngestResult r = submit(o, 5);
    assertEquals(Outcome.BUFFERED, r.outcome());
    assertEquals(1, r.acks());
    assertEquals(2, r.copies(), "one replica and the gateway's disk");
    assertEquals(List.of(new GatewayBuffer.Key("cd", 1, 1)), o.buffer().keys());
    o.hosts().get(1).acks.set(true);
    // Resent from the disk buffer until W hold it, then forgotten there.
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertTrue(o.buffer().keys().isEmpty(), "left the buffer: " + o.buffer().keys());
      assertEquals(0, o.buffer().bytes());
      return null;
    });
  }

  @Test
  void anAckInTheNameOfAnotherReplicaIsNotCounted() {
    // Only the first replica acks; it also acks in the second's name. Two acks would make a 200
    // for a batch on one replica: the forged one goes to the first replica's inbox and is dropped.
    Owner o = owner("v", 3, 1 << 20, hosts -> {
      hosts.subList(1, 3).forEach(h -> h.acks.set(false));
      hosts.get(0).forgesAcksOf.set(hosts.get(1).node);
    });
    IngestResult r = submit(o, 5);
    assertEquals(Outcome.BUFFERED, r.outcome(), r.toString());
    assertEquals(1, r.acks());
  }

  @Test
  void aFullBufferAnswersWithoutGivingASeq() {
    Owner o = owner("f", 3, blob(5).length + 10, hosts -> hosts.subList(1, 3).forEach(h -> h.acks.set(false)));
    assertEquals(Outcome.BUFFERED, submit(o, 5).outcome());
    IngestResult full = submit(o, 5);
    assertEquals(Outcome.BUFFER_FULL, full.outcome());
    assertTrue(full.error().contains("buffer-max-bytes"), full.error());
    o.hosts().get(1).acks.set(true);
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(0, o.buffer().bytes());
      return null;
    });
    assertEquals(2, submit(o, 5).seq(), "the refused batch took no seq");
  }

  @Test
  void fullDisksAnswer202AtOnceThen503WithoutASeqAndIngestGoesOnWhenSpaceIsFreed() {
    AtomicLong free = new AtomicLong(1L << 30);
    // An ack timeout no submit waits out: a 202 comes from the replicas' refusals.
    Owner o = owner("g", 3, buffer(1 << 20, free), "gapless.ingest.ack-timeout = 60s\ngapless.http.request-timeout = 120s",
        hosts -> hosts.subList(1, 3).forEach(h -> h.diskFull.set(true)));
    IngestResult buffered = submit(o, 5);
    assertEquals(Outcome.BUFFERED, buffered.outcome(), buffered.error());
    assertEquals(1, buffered.acks());

    // The gateway's disk goes below its reserve too: refused before a seq, saying why.
    free.set(1000);
    IngestResult refused = submit(o, 5);
    assertEquals(Outcome.DISK_FULL, refused.outcome());
    assertTrue(refused.error().contains("g2: g2's disk is full") && refused.error().contains("gapless.disk.min-free"),
        refused.error());

    free.set(1L << 30);
    o.hosts().forEach(h -> h.diskFull.set(false));
    IngestResult stored = submit(o, 5);
    assertEquals(Outcome.STORED, stored.outcome(), stored.error());
    assertEquals(2, stored.seq(), "the refused batch took no seq");
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertTrue(o.buffer().keys().isEmpty(), "the 202 batch left the buffer: " + o.buffer().keys());
      return null;
    });
  }

  @Test
  void withFewerThanAReadQuorumOfReplicasNothingIsTakenAndTheClaimFailureIsReported() {
    Owner o = owner("s", 1, 1 << 20, hosts -> {});
    IngestResult r = submit(o, 5);
    assertEquals(Outcome.REJECTED, r.outcome());
    assertTrue(r.error().contains("1 of the 3 replicas are reachable"), r.error());
    assertEquals(EventType.OWNER_CLAIM_FAILED, nextEvent(o.events()));
  }

  @Test
  void aNewerOwnersPromiseFencesThisOne() {
    Owner o = owner("n", 3, 1 << 20, hosts -> {});
    assertEquals(Outcome.STORED, submit(o, 5).outcome());
    o.hosts().forEach(h -> h.promised.set(50));
    IngestResult r = submit(o, 5);
    assertEquals(Outcome.UNKNOWN, r.outcome());
    assertEquals(EventType.OWNER_CLAIMED, nextEvent(o.events()));
    assertEquals(EventType.OWNER_FENCED, nextEvent(o.events()));
    testKit.createTestProbe().expectTerminated(o.ref(), Duration.ofSeconds(5));
  }

  @Test
  void aResubmittedBatchKeepsItsSeqOnlyWhenTheHistoryHasItThere() {
    Owner o = owner("r", 3, 1 << 20, hosts -> {
      for (FakeHost h : hosts.subList(0, 2)) {
        h.held.set(SeqRanges.of(new SeqRange(1, 4)));
        h.epochs.set(new SeqEpochs(List.of(new SeqEpochs.Run(1, 2, 3), new SeqEpochs.Run(3, 4, 4))));
        h.promised.set(4);
      }
    });
    TestProbe<IngestResult> probe = testKit.createTestProbe();
    // Seq 3 of epoch 3: the history has seq 3 from epoch 4, so this content takes a new seq.
    o.ref().tell(new CollectorProtocol.Resubmit(3, 3, blob(2), probe.getRef()));
    IngestResult moved = probe.receiveMessage(Duration.ofSeconds(10));
    assertEquals(Outcome.STORED, moved.outcome());
    assertEquals(5, moved.seq());
    // Seq 2 of epoch 3 is in the history as it is: written again under its own seq, with this
    // owner's epoch (5), so it also wins over any stray content of a newer dead owner at seq 2.
    o.ref().tell(new CollectorProtocol.Resubmit(3, 2, blob(2), probe.getRef()));
    IngestResult kept = probe.receiveMessage(Duration.ofSeconds(10));
    assertEquals(Outcome.STORED, kept.outcome());
    assertEquals(2, kept.seq());
    assertTrue(drain(o.seen()).stream()
        .anyMatch(m -> m instanceof ReplicaProtocol.StoreBatch w && w.seq() == 2 && w.epoch() == 5
            && w.kind() == ReplicaProtocol.WriteKind.OWNER));
    // The same old batch again (its sender's ask timed out): no seq of its own.
    o.ref().tell(new CollectorProtocol.Resubmit(3, 3, blob(2), probe.getRef()));
    assertEquals(5, probe.receiveMessage(Duration.ofSeconds(10)).seq());
    assertEquals(6, submit(o, 1).seq());
  }

  @Test
  void passivationWaitsForBatchesOnlyInMemoryThenStops() {
    Owner o = owner("p", 3, 1 << 20, hosts -> hosts.subList(1, 3).forEach(h -> h.acks.set(false)));
    TestProbe<IngestResult> probe = testKit.createTestProbe();
    o.ref().tell(new CollectorProtocol.Submit(blob(3), 3, probe.getRef()));
    o.ref().tell(CollectorProtocol.Passivate.INSTANCE);
    // Short of W acks, the batch goes to disk (202); then nothing is only in memory and the owner stops.
    assertEquals(Outcome.BUFFERED, probe.receiveMessage(Duration.ofSeconds(10)).outcome());
    testKit.createTestProbe().expectTerminated(o.ref(), Duration.ofSeconds(5));
    assertEquals(1, o.buffer().keys().size(), "left for the redrive");
    assertEquals(blob(3).length, o.buffer().bytes());
  }

  private static long writesOf(List<Object> seen, long seq) {
    return seen.stream().filter(m -> m instanceof ReplicaProtocol.StoreBatch w && w.seq() == seq).count();
  }

  @Test
  void aRequestSentAgainWithItsIdempotencyKeyGetsTheFirstAnswerAndStoresNothingTwice() {
    Owner o = owner("i", 3, 1 << 20, hosts -> {});
    IngestResult first = CollectorFixture.submit(testKit, o.ref(), keyed("k1", 5, 0));
    assertEquals(Outcome.STORED, first.outcome());
    assertEquals(1, first.seq());
    // The same body again, encoded again at another time: the same seq, no second write.
    IngestResult again = CollectorFixture.submit(testKit, o.ref(), keyed("k1", 5, 0));
    assertEquals(Outcome.STORED, again.outcome());
    assertEquals(1, again.seq());
    IngestResult other = CollectorFixture.submit(testKit, o.ref(), keyed("k1", 5, 100));
    assertEquals(Outcome.KEY_REUSED, other.outcome());
    assertTrue(other.error().contains("seq 1"), other.error());
    assertEquals(2, CollectorFixture.submit(testKit, o.ref(), keyed("k2", 5, 100)).seq());
    List<Object> seen = drain(o.seen());
    assertEquals(3, writesOf(seen, 1), "seq 1 went once to each of the 3 replicas");
    // The replicas held nothing of the collector when this owner claimed it: no key to look up.
    assertEquals(0, seen.stream().filter(m -> m instanceof ReplicaProtocol.FindKey).count());
  }

  @Test
  void anOwnerAfterAnotherAsksTheReplicasAboutEachNewKeyOnce() {
    // The replicas hold a batch the owner before accepted a minute ago, so its key may still be sent again.
    Owner o = owner("j", 3, 1 << 20, hosts -> hosts.forEach(h -> {
      h.held.set(SeqRanges.of(new SeqRange(1, 1)));
      h.newestAcceptedAt.set(System.currentTimeMillis() - 60_000);
    }));
    assertEquals(2, CollectorFixture.submit(testKit, o.ref(), keyed("k1", 5, 0)).seq());
    assertEquals(2, CollectorFixture.submit(testKit, o.ref(), keyed("k1", 5, 0)).seq());
    assertEquals(3, CollectorFixture.submit(testKit, o.ref(), keyed("k2", 5, 0)).seq());
    // Each new key asked once of each replica.
    assertEquals(6, drain(o.seen()).stream().filter(m -> m instanceof ReplicaProtocol.FindKey).count());
  }

  @Test
  void anOwnerAfterAnotherWhoseBatchesAreOlderThanTheWindowAsksNothing() {
    // Only one replica that grants holds the newest batch, accepted 16 min ago: every key is past its 15-min window.
    Owner o = owner("w", 3, 1 << 20, hosts -> {
      hosts.forEach(h -> h.held.set(SeqRanges.of(new SeqRange(1, 1))));
      hosts.get(1).newestAcceptedAt.set(System.currentTimeMillis() - 16 * 60_000);
      hosts.get(2).newestAcceptedAt.set(System.currentTimeMillis() - 20 * 60_000);
    });
    assertEquals(2, CollectorFixture.submit(testKit, o.ref(), keyed("k1", 5, 0)).seq());
    assertEquals(2, CollectorFixture.submit(testKit, o.ref(), keyed("k1", 5, 0)).seq());
    assertEquals(0, drain(o.seen()).stream().filter(m -> m instanceof ReplicaProtocol.FindKey).count());
  }

  @Test
  void aNewOwnerFindsAKeyOnTheReplicasAndAnswersWithItsSeq() {
    byte[] firstSent = keyed("k", 5, 0);
    Owner o = owner("k", 3, 1 << 20, hosts -> {
      for (FakeHost h : hosts.subList(0, 2)) {
        h.held.set(SeqRanges.of(new SeqRange(1, 3)));
        h.epochs.set(new SeqEpochs(List.of(new SeqEpochs.Run(1, 3, 2))));
        h.promised.set(2);
      }
      // Only one replica still holds the batch under its key: enough to find it.
      hosts.get(0).keys.put("k", new ReplicaProtocol.KeyHolding("k1", "ck", "k", new EncodedBatch(2, firstSent), 2));
      hosts.get(0).newestAcceptedAt.set(BatchCodec.acceptedAt(firstSent));
    });
    IngestResult retried = CollectorFixture.submit(testKit, o.ref(), keyed("k", 5, 0));
    assertEquals(Outcome.STORED, retried.outcome());
    assertEquals(2, retried.seq(), "the seq the first owner gave");
    assertTrue(drain(o.seen()).stream().anyMatch(m -> m instanceof ReplicaProtocol.StoreBatch w && w.seq() == 2
        && w.epoch() == 3 && java.util.Arrays.equals(w.blob(), firstSent)), "the first content, written again under this epoch");
    assertEquals(Outcome.KEY_REUSED, CollectorFixture.submit(testKit, o.ref(), keyed("k", 5, 100)).outcome());
    assertEquals(4, CollectorFixture.submit(testKit, o.ref(), keyed("new", 5, 0)).seq());
  }

  @Test
  void whenTooFewReplicasSayWhetherTheyHoldAKeyTheRequestIsRefusedAndKeepsNothing() {
    Owner o = owner("q", 3, 1 << 20, hosts -> hosts.forEach(h -> {
      h.held.set(SeqRanges.of(new SeqRange(1, 1)));
      h.newestAcceptedAt.set(System.currentTimeMillis());
      h.answersKeys.set(false);
    }));
    IngestResult r = CollectorFixture.submit(testKit, o.ref(), keyed("k", 5, 0));
    assertEquals(Outcome.REJECTED, r.outcome());
    assertTrue(r.error().contains("0 of the 3 replicas"), r.error());
    assertEquals(2, submit(o, 5).seq(), "the refused batch took no seq");
  }

  @Test
  void aBatchAnswered202IsKeptWhenResubmittedEvenIfItsKeyWasReusedMeanwhile() {
    Owner o = owner("u", 3, 1 << 20, hosts -> {});
    assertEquals(1, CollectorFixture.submit(testKit, o.ref(), keyed("k", 5, 100)).seq());
    // An old owner's 202 batch with the same key and another body: kept (new seq), never refused.
    TestProbe<IngestResult> probe = testKit.createTestProbe();
    o.ref().tell(new CollectorProtocol.Resubmit(0, 9, keyed("k", 5, 0), probe.getRef()));
    IngestResult r = probe.receiveMessage(Duration.ofSeconds(10));
    assertEquals(Outcome.STORED, r.outcome());
    assertEquals(2, r.seq());
  }
}

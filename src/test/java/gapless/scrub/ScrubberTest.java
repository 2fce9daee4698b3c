package gapless.scrub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.ConfigFactory;
import gapless.TestBatches;
import gapless.TestConfig;
import gapless.config.GaplessSettings;
import gapless.config.NodeConfig;
import gapless.events.ClusterEvent;
import gapless.events.EventField;
import gapless.events.EventLog;
import gapless.events.EventType;
import gapless.model.BatchCodec;
import gapless.model.EncodedBatch;
import gapless.model.SeqEpochs;
import gapless.recovery.RecoveryCoordinator;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol;
import gapless.replica.ReplicaProtocol.RangeDigest;
import gapless.store.SampleStore;
import gapless.store.StoredBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real replica host (journal and sample store on disk) whose store was damaged under it, scrubbed
 * against two fake siblings that answer digests and fetches from memory.
 */
class ScrubberTest {

  private static Path dir;
  private static ActorTestKit testKit;
  private static SampleStore store;

  @BeforeAll
  static void setUp() throws IOException {
    dir = Files.createTempDirectory("scrubber-test");
    testKit = ActorTestKit.create("ScrubberTest", TestConfig.withDataDir(dir));
    store = SampleStore.open(dir.resolve("samples"), 3_600_000L);
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
    store.close();
  }

  private static GaplessSettings settings() {
    return GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(
        "gapless.node-id = s1\n"
            + "akka.cluster.roles = [storage]\n"
            + "gapless.storage-nodes = [s1, k2, k3]\n"
            + "gapless.scrub.interval = 100ms\n"
            + "gapless.scrub.window-seqs = 8\n"
            + "gapless.scrub.ask-timeout = 2s\n")));
  }

  /** A sibling holding {@code batches}: answers digests (seq by seq when asked) and fetches. */
  private static Behavior<ReplicaHost.Command> sibling(String node, NavigableMap<Long, byte[]> batches) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(ReplicaHost.serviceKey(node), ctx.getSelf()));
      return Behaviors.receive(ReplicaHost.Command.class)
          .onMessage(ReplicaProtocol.DigestRange.class, m -> {
            List<Long> states = new ArrayList<>();
            for (long seq = m.fromSeq(); seq <= m.toSeq(); seq++) {
              states.add(StoredBatch.stateOf(batches.get(seq)));
            }
            m.replyTo().tell(new RangeDigest(node, m.collector(), m.fromSeq(), m.toSeq(),
                RangeDigest.digestOf(m.fromSeq(), states), m.perSeq() ? states : List.of(), SeqEpochs.EMPTY, 0, null));
            return Behaviors.same();
          })
          .onMessage(ReplicaProtocol.FetchBatches.class, m -> {
            List<EncodedBatch> chunk = new ArrayList<>();
            batches.subMap(m.fromSeq(), true, m.toSeq(), true).forEach((seq, blob) -> chunk.add(new EncodedBatch(seq, blob)));
            m.replyTo().tell(new ReplicaProtocol.BatchChunk(node, m.collector(), m.fromSeq(), m.toSeq(), chunk, SeqEpochs.EMPTY));
            return Behaviors.same();
          })
          .onAnyMessage(m -> Behaviors.same())
          .build();
    });
  }

  @Test
  void damagedAndOutvotedCopiesAreRepairedFromTheSiblingsAndReported() {
    NavigableMap<Long, byte[]> history = new TreeMap<>();
    for (long seq = 1; seq <= 20; seq++) {
      history.put(seq, TestBatches.blob(seq, 8));
    }
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    ActorRef<ReplicaHost.Command> host = testKit.spawn(ReplicaHost.create(settings(), store, log.getRef(), RecoveryCoordinator::create));
    TestProbe<ReplicaProtocol.StoreReply> acks = testKit.createTestProbe();
    history.forEach((seq, blob) -> host.tell(new ReplicaProtocol.StoreBatch("cs", seq, 0, blob, ReplicaProtocol.WriteKind.OWNER, acks.getRef())));
    history.forEach((seq, blob) -> acks.expectMessageClass(ReplicaProtocol.StoreAck.class, Duration.ofSeconds(10)));
    // Under the replica: seq 5's blob damaged on the disk, seq 12 holding other (intact) content.
    byte[] damaged = history.get(5L).clone();
    damaged[damaged.length - 6] ^= 0x01;
    byte[] other = TestBatches.blob(12, 9);
    store.write("cs", List.of(new EncodedBatch(5, damaged), new EncodedBatch(12, other)));
    testKit.spawn(sibling("k2", history));
    testKit.spawn(sibling("k3", history));
    // What the siblings last reported: the scrub only looks at seqs every replica holds.
    host.tell(new ReplicaProtocol.SyncStatus("cs", "k2", 20, SeqEpochs.EMPTY));
    host.tell(new ReplicaProtocol.SyncStatus("cs", "k3", 20, SeqEpochs.EMPTY));

    testKit.spawn(Scrubber.create(settings(), host, log.getRef()));

    Map<String, ClusterEvent> seen = new TreeMap<>();
    log.fishForMessage(Duration.ofSeconds(20), m -> {
      ClusterEvent e = ((EventLog.Emit) m).event();
      if (e.event() == EventType.REPLICA_DIVERGED || e.event() == EventType.REPLICA_REPAIRED) {
        seen.put(e.event() + " " + e.get(EventField.RANGES), e);
      }
      return seen.size() == 4 ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore();
    });
    assertEquals(List.of("REPLICA_DIVERGED 12", "REPLICA_DIVERGED 5", "REPLICA_REPAIRED 12", "REPLICA_REPAIRED 5"),
        List.copyOf(seen.keySet()));
    assertEquals("seq 5 damaged", seen.get("REPLICA_DIVERGED 5").get(EventField.DETAIL));
    assertEquals("seq 12 unlike the copy of k2,k3", seen.get("REPLICA_DIVERGED 12").get(EventField.DETAIL));
    assertEquals("k2", seen.get("REPLICA_REPAIRED 5").get(EventField.PEER));
    assertArrayEquals(history.get(5L), TestBatches.stored(store, "cs", 5).orElseThrow());
    assertArrayEquals(history.get(12L), TestBatches.stored(store, "cs", 12).orElseThrow());
    // The repaired index answers queries with the good copy's samples.
    assertEquals(BatchCodec.decode(12, history.get(12L)).samples().stream().filter(s -> s.tag().equals("T0.PV")).toList(),
        store.query("cs", "T0.PV", 1_700_000_000_000L + 12_000, 1_700_000_000_000L + 12_999, 100).samples());

    // Caught up: a batch damaged behind the pass waits for the next one (scrub.pass-every, 24 h),
    // while new batches are read as soon as every replica holds them.
    byte[] rotten = history.get(7L).clone();
    rotten[rotten.length - 6] ^= 0x01;
    store.write("cs", List.of(new EncodedBatch(7, rotten)));
    for (long seq = 21; seq <= 22; seq++) {
      history.put(seq, TestBatches.blob(seq, 8));
      host.tell(new ReplicaProtocol.StoreBatch("cs", seq, 0, history.get(seq), ReplicaProtocol.WriteKind.OWNER, acks.getRef()));
      acks.expectMessageClass(ReplicaProtocol.StoreAck.class, Duration.ofSeconds(10));
    }
    byte[] fresh = history.get(22L).clone();
    fresh[fresh.length - 6] ^= 0x01;
    store.write("cs", List.of(new EncodedBatch(22, fresh)));
    host.tell(new ReplicaProtocol.SyncStatus("cs", "k2", 22, SeqEpochs.EMPTY));
    host.tell(new ReplicaProtocol.SyncStatus("cs", "k3", 22, SeqEpochs.EMPTY));
    List<Object> diverged = new ArrayList<>();
    log.fishForMessage(Duration.ofSeconds(20), m -> {
      ClusterEvent e = ((EventLog.Emit) m).event();
      if (e.event() == EventType.REPLICA_DIVERGED) {
        diverged.add(e.get(EventField.RANGES));
      }
      return e.event() == EventType.REPLICA_REPAIRED && "22".equals(e.get(EventField.RANGES))
          ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore();
    });
    assertEquals(List.of("22"), diverged);
    assertArrayEquals(rotten, TestBatches.stored(store, "cs", 7).orElseThrow());
  }
}

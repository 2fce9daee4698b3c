package gapless.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
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
import gapless.events.EventLog;
import gapless.model.EncodedBatch;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.replica.RecoveryTrigger;
import gapless.replica.ReplicaProtocol;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaView;
import gapless.store.SampleStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real replica host (journal and sample store on disk) recovering from two fake siblings that
 * serve {@code EventsAfter} and {@code FetchBatches} from memory. Each test names its own
 * sibling nodes so the fakes of one test do not serve another.
 */
class RecoveryTest {

  private static Path dir;
  private static ActorTestKit testKit;
  private static final List<SampleStore> stores = new ArrayList<>();

  @BeforeAll
  static void setUp() throws IOException {
    dir = Files.createTempDirectory("recovery-test");
    testKit = ActorTestKit.create("RecoveryTest", TestConfig.withDataDir(dir));
  }

  @AfterAll
  static void tearDown() {
    testKit.shutdownTestKit();
    stores.forEach(SampleStore::close);
  }

  private static GaplessSettings settings(String prefix) {
    return GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(
        "gapless.node-id = s1\n"
            + "akka.cluster.roles = [storage]\n"
            + "gapless.storage-nodes = [s1, " + prefix + "2, " + prefix + "3]\n"
            + "gapless.recovery.ask-timeout = 1s\n"
            + "gapless.recovery.chunk-bytes = 2k\n")));
  }

  private static ActorRef<ReplicaHost.Command> host(String prefix, ActorRef<EventLog.Command> eventLog) {
    SampleStore store = SampleStore.open(dir.resolve("samples-" + prefix), 3_600_000L);
    stores.add(store);
    return testKit.spawn(ReplicaHost.create(settings(prefix), store, eventLog, RecoveryCoordinator::create));
  }

  /** A sibling holding {@code batches}; when {@code silent} it lists them but never sends one. */
  private static Behavior<ReplicaHost.Command> sibling(
      String node, NavigableMap<Long, byte[]> batches, boolean silent, ConcurrentLinkedQueue<ReplicaProtocol.FetchBatches> fetches) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(ReplicaHost.serviceKey(node), ctx.getSelf()));
      return Behaviors.receive(ReplicaHost.Command.class)
          .onMessage(ReplicaProtocol.EventsAfter.class, m -> {
            SeqRanges held = SeqRanges.EMPTY;
            for (long seq : batches.tailMap(m.afterSeq(), false).keySet()) {
              held = held.add(seq);
            }
            m.replyTo().tell(new ReplicaProtocol.EventIndex(node, m.collector(), m.afterSeq(), held, List.of(), batches.lastKey()));
            return Behaviors.same();
          })
          .onMessage(ReplicaProtocol.FetchBatches.class, m -> {
            fetches.add(m);
            if (!silent) {
              List<EncodedBatch> chunk = new ArrayList<>();
              long size = 0;
              for (Map.Entry<Long, byte[]> e : batches.subMap(m.fromSeq(), true, m.toSeq(), true).entrySet()) {
                if (!chunk.isEmpty() && size >= m.maxBytes()) {
                  break;
                }
                chunk.add(new EncodedBatch(e.getKey(), e.getValue()));
                size += e.getValue().length;
              }
              m.replyTo().tell(new ReplicaProtocol.BatchChunk(node, m.collector(), m.fromSeq(), m.toSeq(), chunk));
            }
            return Behaviors.same();
          })
          .onAnyMessage(m -> Behaviors.same())
          .build();
    });
  }

  private static NavigableMap<Long, byte[]> history(long upTo) {
    NavigableMap<Long, byte[]> h = new TreeMap<>();
    for (long seq = 1; seq <= upTo; seq++) {
      h.put(seq, TestBatches.blob(seq, 8));
    }
    return h;
  }

  private static void storeLocally(ActorRef<ReplicaHost.Command> host, String collector, NavigableMap<Long, byte[]> batches) {
    TestProbe<ReplicaProtocol.StoreAck> acks = testKit.createTestProbe();
    batches.forEach((seq, blob) -> host.tell(new ReplicaProtocol.StoreBatch(collector, seq, blob, acks.getRef())));
    batches.forEach((seq, blob) -> acks.receiveMessage(Duration.ofSeconds(10)));
  }

  private static ReplicaView awaitRecovered(ActorRef<ReplicaHost.Command> host, String collector, long contiguous) {
    TestProbe<ReplicaView> probe = testKit.createTestProbe();
    return probe.awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(200), () -> {
      host.tell(new ReplicaProtocol.GetView(collector, probe.getRef()));
      ReplicaView v = probe.receiveMessage();
      assertEquals(contiguous, v.contiguousSeq());
      assertTrue(v.lastRecovery() != null && !v.recovering());
      return v;
    });
  }

  private static List<String> events(TestProbe<EventLog.Command> log, String collector, String until) {
    List<String> seen = new ArrayList<>();
    log.fishForMessage(Duration.ofSeconds(20), m -> {
      ClusterEvent e = ((EventLog.Emit) m).event();
      if (!collector.equals(e.fields().get("collector"))) {
        return akka.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore();
      }
      seen.add(e.event());
      return e.event().equals(until)
          ? akka.actor.testkit.typed.javadsl.FishingOutcomes.complete()
          : akka.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore();
    });
    return seen;
  }

  @Test
  void pullsExactlyTheMissingRangesFromSiblings() {
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    ConcurrentLinkedQueue<ReplicaProtocol.FetchBatches> fetches = new ConcurrentLinkedQueue<>();
    NavigableMap<Long, byte[]> all = history(60);
    testKit.spawn(sibling("a2", all, false, fetches));
    testKit.spawn(sibling("a3", all, false, fetches));
    ActorRef<ReplicaHost.Command> host = host("a", log.getRef());
    // This replica holds 1..10 and 21..30: the holes are 11..20 and 31..60.
    storeLocally(host, "ca", all.subMap(1L, true, 10L, true));
    storeLocally(host, "ca", all.subMap(21L, true, 30L, true));

    host.tell(new ReplicaHost.RecoverAll(RecoveryTrigger.NODE_UP));
    ReplicaView v = awaitRecovered(host, "ca", 60);
    assertEquals(40, v.lastRecovery().batches());
    assertEquals(List.of(new SeqRange(11, 20), new SeqRange(31, 60)), v.lastRecovery().ranges());
    // Nothing the replica held was asked for: the cost follows the gap.
    fetches.forEach(f -> assertTrue(f.fromSeq() >= 11 && !(f.fromSeq() >= 21 && f.fromSeq() <= 30), "fetched " + f));
    assertTrue(fetches.size() > 2, "chunked: " + fetches.size() + " fetches");
    List<String> seen = events(log, "ca", "RECOVERY_COMPLETED");
    assertTrue(seen.containsAll(List.of("RECOVERY_STARTED", "GAP_DETECTED", "GAP_RECOVERED", "RECOVERY_COMPLETED")), seen.toString());
  }

  @Test
  void aSiblingThatStopsAnsweringIsReplacedByAnother() {
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    ConcurrentLinkedQueue<ReplicaProtocol.FetchBatches> silentFetches = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<ReplicaProtocol.FetchBatches> goodFetches = new ConcurrentLinkedQueue<>();
    // Two slices of missing seqs, so each sibling is preferred for one of them.
    NavigableMap<Long, byte[]> all = history(1500);
    testKit.spawn(sibling("b2", all, true, silentFetches));
    testKit.spawn(sibling("b3", all, false, goodFetches));
    ActorRef<ReplicaHost.Command> host = host("b", log.getRef());
    storeLocally(host, "cb", all.subMap(1L, true, 1L, true));

    host.tell(new ReplicaHost.RecoverAll(RecoveryTrigger.NODE_UP));
    ReplicaView v = awaitRecovered(host, "cb", 1500);
    assertEquals(1499, v.lastRecovery().batches());
    assertEquals(List.of("b3"), v.lastRecovery().sources().stream().filter("b3"::equals).toList());
    assertTrue(!silentFetches.isEmpty(), "the silent sibling was asked first for one slice");
    List<String> seen = events(log, "cb", "RECOVERY_COMPLETED");
    assertTrue(seen.contains("SYNC_PROGRESS"), seen.toString());
  }
}

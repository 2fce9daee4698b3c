package gapless.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
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
import gapless.model.EncodedBatch;
import gapless.model.RecoveryTrigger;
import gapless.model.SeqRange;
import gapless.model.SeqEpochs;
import gapless.model.SeqRanges;
import gapless.replica.Placement;
import gapless.replica.RecoveryRequest;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol;
import gapless.replica.ReplicaServices;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

  /** Settings of node s1 whose siblings are {@code <prefix>2} and {@code <prefix>3}; {@code extra} overrides. */
  private static GaplessSettings settings(String prefix, String extra) {
    return GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(
        "gapless.node-id = s1\n"
            + "akka.cluster.roles = [storage]\n"
            + "gapless.storage-nodes = [s1, " + prefix + "2, " + prefix + "3]\n"
            + "gapless.recovery.ask-timeout = 1s\n"
            + "gapless.recovery.chunk-bytes = 2k\n"
            + extra)));
  }

  private static ActorRef<ReplicaHost.Command> host(String prefix, ActorRef<EventLog.Command> eventLog) {
    return host(prefix, "", eventLog);
  }

  private static ActorRef<ReplicaHost.Command> host(String prefix, String extra, ActorRef<EventLog.Command> eventLog) {
    SampleStore store = SampleStore.open(dir.resolve("samples-" + prefix), 3_600_000L);
    stores.add(store);
    return testKit.spawn(ReplicaHost.create(settings(prefix, extra), store, eventLog, RecoveryCoordinator::create));
  }

  /** A sibling holding {@code batches}; when {@code silent} it lists them but never sends one. */
  private static Behavior<ReplicaHost.Command> sibling(
      String node, NavigableMap<Long, byte[]> batches, boolean silent, ConcurrentLinkedQueue<ReplicaProtocol.FetchBatches> fetches) {
    return sibling(node, batches, silent, fetches, new AtomicBoolean(false));
  }

  /**
   * A sibling as above; while {@code malformed} is set, its index lists no holdings at all (null),
   * which makes the recovery that plans with it throw.
   */
  private static Behavior<ReplicaHost.Command> sibling(
      String node, NavigableMap<Long, byte[]> batches, boolean silent, ConcurrentLinkedQueue<ReplicaProtocol.FetchBatches> fetches,
      AtomicBoolean malformed) {
    return sibling(node, batches, silent, fetches, malformed, Set.of());
  }

  /** ... and that lists the {@code withheld} seqs but leaves them out of every answer. */
  private static Behavior<ReplicaHost.Command> sibling(
      String node, NavigableMap<Long, byte[]> batches, boolean silent, ConcurrentLinkedQueue<ReplicaProtocol.FetchBatches> fetches,
      AtomicBoolean malformed, Set<Long> withheld) {
    return sibling(node, batches, silent, fetches, malformed, withheld, SeqEpochs.EMPTY);
  }

  /** ... and whose batches were written by {@code epochs}. */
  private static Behavior<ReplicaHost.Command> sibling(
      String node, NavigableMap<Long, byte[]> batches, boolean silent, ConcurrentLinkedQueue<ReplicaProtocol.FetchBatches> fetches,
      AtomicBoolean malformed, Set<Long> withheld, SeqEpochs epochs) {
    return sibling(node, batches, silent, fetches, malformed, withheld, epochs, new TreeMap<>());
  }

  /** ... and that gets the {@code arriving} batches right after it answered its first probe. */
  private static Behavior<ReplicaHost.Command> sibling(
      String node, NavigableMap<Long, byte[]> held, boolean silent, ConcurrentLinkedQueue<ReplicaProtocol.FetchBatches> fetches,
      AtomicBoolean malformed, Set<Long> withheld, SeqEpochs epochs, NavigableMap<Long, byte[]> arriving) {
    NavigableMap<Long, byte[]> batches = new TreeMap<>(held);
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(ReplicaHost.serviceKey(node), ctx.getSelf()));
      return Behaviors.receive(ReplicaHost.Command.class)
          .onMessage(ReplicaProtocol.EventsAfter.class, m -> {
            m.replyTo().tell(new ReplicaProtocol.EventIndex(node, m.collector(), m.afterSeq(),
                malformed.get() ? null : heldAfter(batches, m.afterSeq()), epochs.clip(m.afterSeq() + 1, Long.MAX_VALUE), List.of(),
                batches.lastKey()));
            batches.putAll(arriving);
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
                if (withheld.contains(e.getKey())) {
                  continue;
                }
                chunk.add(new EncodedBatch(e.getKey(), e.getValue()));
                size += e.getValue().length;
              }
              m.replyTo().tell(new ReplicaProtocol.BatchChunk(node, m.collector(), m.fromSeq(), m.toSeq(), chunk,
                  epochs.clip(m.fromSeq(), m.toSeq())));
            }
            return Behaviors.same();
          })
          .onAnyMessage(m -> Behaviors.same())
          .build();
    });
  }

  /** The seqs of {@code batches} after {@code afterSeq}, as a sibling's index lists them. */
  private static SeqRanges heldAfter(NavigableMap<Long, byte[]> batches, long afterSeq) {
    SeqRanges held = SeqRanges.EMPTY;
    for (long seq : batches.tailMap(afterSeq, false).keySet()) {
      held = held.add(seq);
    }
    return held;
  }

  private static NavigableMap<Long, byte[]> history(long upTo) {
    NavigableMap<Long, byte[]> h = new TreeMap<>();
    for (long seq = 1; seq <= upTo; seq++) {
      h.put(seq, TestBatches.blob(seq, 8));
    }
    return h;
  }

  private static void storeLocally(ActorRef<ReplicaHost.Command> host, String collector, NavigableMap<Long, byte[]> batches) {
    TestProbe<ReplicaProtocol.StoreReply> acks = testKit.createTestProbe();
    batches.forEach((seq, blob) -> host.tell(new ReplicaProtocol.StoreBatch(collector, seq, 0, blob, ReplicaProtocol.WriteKind.OWNER, acks.getRef())));
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

  private static List<EventType> events(TestProbe<EventLog.Command> log, String collector, EventType until) {
    List<EventType> seen = new ArrayList<>();
    log.fishForMessage(Duration.ofSeconds(20), m -> {
      ClusterEvent e = ((EventLog.Emit) m).event();
      if (!collector.equals(e.get(EventField.COLLECTOR))) {
        return FishingOutcomes.continueAndIgnore();
      }
      seen.add(e.event());
      return e.event() == until
          ? FishingOutcomes.complete()
          : FishingOutcomes.continueAndIgnore();
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
    List<EventType> seen = events(log, "ca", EventType.RECOVERY_COMPLETED);
    assertTrue(seen.containsAll(List.of(EventType.RECOVERY_STARTED, EventType.GAP_DETECTED, EventType.GAP_RECOVERED,
        EventType.RECOVERY_COMPLETED)), seen.toString());
  }

  @Test
  void aSeqTheOthersAckedJustBeforeTheLivePathCameBackIsFetchedOnASecondLook() {
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    ConcurrentLinkedQueue<ReplicaProtocol.FetchBatches> fetches = new ConcurrentLinkedQueue<>();
    NavigableMap<Long, byte[]> all = history(50);
    // The siblings hold 1..40 when first asked, and 41..50 right after; of those this replica gets
    // 42..50 by the live path, not 41 (acked by the siblings alone).
    for (String sibling : List.of("w2", "w3")) {
      testKit.spawn(sibling(sibling, all.headMap(40L, true), false, fetches, new AtomicBoolean(false), Set.of(), SeqEpochs.EMPTY,
          all.tailMap(40L, false)));
    }
    ActorRef<ReplicaHost.Command> host = host("w", log.getRef());
    storeLocally(host, "cw", all.subMap(1L, true, 10L, true));
    storeLocally(host, "cw", all.subMap(42L, true, 50L, true));

    host.tell(new ReplicaHost.RecoverAll(RecoveryTrigger.NODE_UP));
    ReplicaView v = awaitRecovered(host, "cw", 50);
    assertEquals(List.of(new SeqRange(11, 41)), v.lastRecovery().ranges());
    fetches.forEach(f -> assertTrue(f.fromSeq() <= 41, "fetched " + f));
    // One recovery: the second look is part of it, not a new one the lag check starts later.
    List<EventType> seen = events(log, "cw", EventType.RECOVERY_COMPLETED);
    assertEquals(1, seen.stream().filter(EventType.RECOVERY_STARTED::equals).count(), seen.toString());
    assertEquals(2, seen.stream().filter(EventType.GAP_DETECTED::equals).count(), seen.toString());
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
    List<EventType> seen = events(log, "cb", EventType.RECOVERY_COMPLETED);
    assertTrue(seen.contains(EventType.SYNC_PROGRESS), seen.toString());
  }

  @Test
  void aSeqASiblingListedButLeftOutOfItsAnswerIsFetchedFromAnother() {
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    NavigableMap<Long, byte[]> all = history(12);
    // The replica holds 1. h2 alone holds the whole slice 2..12, so it is asked; it lists seq 5
    // but never returns it. h3 holds 5..12.
    testKit.spawn(sibling("h2", all, false, new ConcurrentLinkedQueue<>(), new AtomicBoolean(false), Set.of(5L)));
    testKit.spawn(sibling("h3", new TreeMap<>(all.tailMap(5L, true)), false, new ConcurrentLinkedQueue<>()));
    ActorRef<ReplicaHost.Command> host = host("h", "gapless.recovery.chunk-bytes = 1\n", log.getRef());
    storeLocally(host, "ch", all.subMap(1L, true, 1L, true));

    host.tell(new ReplicaHost.RecoverAll(RecoveryTrigger.NODE_UP));
    // Taking the answer after the hole for progress would end "complete" with seq 5 missing.
    ReplicaView v = awaitRecovered(host, "ch", 12);
    assertEquals(List.of(new SeqRange(2, 12)), v.lastRecovery().ranges());
    assertTrue(v.lastRecovery().sources().contains("h3"), v.lastRecovery().toString());
  }

  @Test
  void aCopyThatArrivesDamagedIsReportedNeverStoredAndTakenFromAnotherSibling() {
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    NavigableMap<Long, byte[]> all = history(12);
    // m2 alone holds the whole slice 2..12, so it is asked, but its copy of seq 5 has a flipped bit; m3 holds 5..12.
    NavigableMap<Long, byte[]> damaged = new TreeMap<>(all);
    byte[] five = all.get(5L).clone();
    five[five.length / 2] ^= 0x01;
    damaged.put(5L, five);
    testKit.spawn(sibling("m2", damaged, false, new ConcurrentLinkedQueue<>()));
    testKit.spawn(sibling("m3", new TreeMap<>(all.tailMap(5L, true)), false, new ConcurrentLinkedQueue<>()));
    ActorRef<ReplicaHost.Command> host = host("m", "gapless.recovery.chunk-bytes = 1\n", log.getRef());
    storeLocally(host, "cm", all.subMap(1L, true, 1L, true));

    host.tell(new ReplicaHost.RecoverAll(RecoveryTrigger.NODE_UP));
    List<ClusterEvent> seen = eventsUntil(log, "cm", EventType.RECOVERY_COMPLETED, 1);
    ClusterEvent corrupt = seen.stream().filter(e -> e.event() == EventType.BATCH_CORRUPT).findFirst().orElseThrow(
        () -> new AssertionError("no BATCH_CORRUPT in " + names(seen)));
    assertEquals(5L, ((Number) corrupt.get(EventField.SEQ)).longValue());
    assertEquals("m2", corrupt.get(EventField.PEER));
    ReplicaView v = awaitRecovered(host, "cm", 12);
    assertTrue(v.lastRecovery().sources().contains("m3"), v.lastRecovery().toString());
  }

  @Test
  void aSiblingThatCannotReadItsBatchesSaysSoAndTheRangeIsTakenFromAnother() {
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    NavigableMap<Long, byte[]> all = history(12);
    testKit.spawn(unreadable("u2", all));
    testKit.spawn(sibling("u3", new TreeMap<>(all.tailMap(2L, true)), false, new ConcurrentLinkedQueue<>()));
    // One seq a slice: the preferred source alternates, so u2 is asked whichever sibling answered first.
    ActorRef<ReplicaHost.Command> host = host("u", "gapless.recovery.slice-seqs = 1\n", log.getRef());
    storeLocally(host, "cu", all.subMap(1L, true, 1L, true));

    host.tell(new ReplicaHost.RecoverAll(RecoveryTrigger.NODE_UP));
    List<ClusterEvent> seen = eventsUntil(log, "cu", EventType.RECOVERY_COMPLETED, 1);
    assertTrue(seen.stream().anyMatch(e -> e.event() == EventType.BATCH_CORRUPT && "u2".equals(e.get(EventField.PEER))
        && String.valueOf(e.get(EventField.DETAIL)).contains("checksum mismatch")), "u2 was asked and said why: " + names(seen));
    ReplicaView v = awaitRecovered(host, "cu", 12);
    assertTrue(v.lastRecovery().sources().contains("u3"), v.lastRecovery().toString());
  }

  /** A sibling that lists everything it holds but answers every fetch with a read failure. */
  private static Behavior<ReplicaHost.Command> unreadable(String node, NavigableMap<Long, byte[]> batches) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(ReplicaHost.serviceKey(node), ctx.getSelf()));
      return Behaviors.receive(ReplicaHost.Command.class)
          .onMessage(ReplicaProtocol.EventsAfter.class, m -> {
            m.replyTo().tell(new ReplicaProtocol.EventIndex(node, m.collector(), m.afterSeq(), heldAfter(batches, m.afterSeq()),
                SeqEpochs.EMPTY, List.of(), batches.lastKey()));
            return Behaviors.same();
          })
          .onMessage(ReplicaProtocol.FetchBatches.class, m -> {
            m.replyTo().tell(new ReplicaProtocol.BatchChunk(node, m.collector(), m.fromSeq(), m.toSeq(), List.of(), SeqEpochs.EMPTY,
                "Corruption: block checksum mismatch"));
            return Behaviors.same();
          })
          .onAnyMessage(m -> Behaviors.same())
          .build();
    });
  }

  /** A sibling that is reachable but never answers which events it holds. */
  private static Behavior<ReplicaHost.Command> mute(String node, AtomicInteger asked) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(ReplicaHost.serviceKey(node), ctx.getSelf()));
      return Behaviors.receive(ReplicaHost.Command.class)
          .onMessage(ReplicaProtocol.EventsAfter.class, m -> {
            asked.incrementAndGet();
            return Behaviors.same();
          })
          .onAnyMessage(m -> Behaviors.same())
          .build();
    });
  }

  /** This collector's recovery events, in order, up to and including the {@code n}th {@code until}. */
  private static List<ClusterEvent> eventsUntil(TestProbe<EventLog.Command> log, String collector, EventType until, int n) {
    List<ClusterEvent> seen = new ArrayList<>();
    AtomicInteger count = new AtomicInteger();
    log.fishForMessage(Duration.ofSeconds(20), m -> {
      ClusterEvent e = ((EventLog.Emit) m).event();
      if (!collector.equals(e.get(EventField.COLLECTOR)) || e.event() == (EventType.SYNC_PROGRESS)) {
        return FishingOutcomes.continueAndIgnore();
      }
      seen.add(e);
      return e.event().equals(until) && count.incrementAndGet() == n ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore();
    });
    return seen;
  }

  private static List<EventType> names(List<ClusterEvent> events) {
    return events.stream().map(ClusterEvent::event).filter(e -> !e.equals(EventType.GAP_DETECTED)).toList();
  }

  private static String reason(ClusterEvent e) {
    return String.valueOf(e.get(EventField.REASON));
  }

  @Test
  void aSiblingThatNeverListsItsEventsFailsTheProbeWhichIsRetried() {
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    AtomicInteger asked = new AtomicInteger();
    testKit.spawn(mute("d2", asked));
    testKit.spawn(mute("d3", asked));
    ActorRef<ReplicaHost.Command> host = host("d",
        "gapless.recovery.probe-timeout = 300ms\ngapless.recovery.retry-after = 200ms\n", log.getRef());
    storeLocally(host, "cd", history(5));

    host.tell(new ReplicaHost.RecoverAll(RecoveryTrigger.NODE_UP));
    List<ClusterEvent> events = eventsUntil(log, "cd", EventType.RECOVERY_STARTED, 3);
    // Each failure reaches the coordinator once: one retry per failure, never two at a time.
    assertEquals(List.of(EventType.RECOVERY_STARTED, EventType.RECOVERY_FAILED, EventType.RECOVERY_STARTED, EventType.RECOVERY_FAILED, EventType.RECOVERY_STARTED),
        names(events));
    assertTrue(reason(events.get(1)).startsWith("probing timed out after 300 ms"), reason(events.get(1)));
    assertTrue(asked.get() >= 4, "both siblings asked in each attempt: " + asked.get());
  }

  @Test
  void aSiblingThatNeverSendsBatchesFailsTheFetchWhichIsRetried() {
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    ConcurrentLinkedQueue<ReplicaProtocol.FetchBatches> fetches = new ConcurrentLinkedQueue<>();
    NavigableMap<Long, byte[]> all = history(20);
    testKit.spawn(sibling("e2", all, true, fetches));
    testKit.spawn(sibling("e3", all, true, fetches));
    // The phase times out before any single sibling would be given up on.
    ActorRef<ReplicaHost.Command> host = host("e", "gapless.recovery.fetch-timeout = 400ms\n"
        + "gapless.recovery.ask-timeout = 10s\ngapless.recovery.retry-after = 200ms\n", log.getRef());
    storeLocally(host, "ce", all.subMap(1L, true, 5L, true));

    host.tell(new ReplicaHost.RecoverAll(RecoveryTrigger.NODE_UP));
    List<ClusterEvent> events = eventsUntil(log, "ce", EventType.RECOVERY_STARTED, 2);
    assertEquals(List.of(EventType.RECOVERY_STARTED, EventType.RECOVERY_FAILED, EventType.RECOVERY_STARTED), names(events));
    ClusterEvent failed = events.stream().filter(e -> e.event() == (EventType.RECOVERY_FAILED)).findFirst().orElseThrow();
    assertTrue(reason(failed).startsWith("fetching timed out after 400 ms"), reason(failed));
    assertTrue(!fetches.isEmpty());
  }

  @Test
  void aLateAckAfterAFailureIsDroppedAndTheRecoveryIsRecordedOnce() {
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    TestProbe<ReplicaHost.Command> replica = testKit.createTestProbe();
    TestProbe<RecoveryCoordinator.Command> coordinator = testKit.createTestProbe();
    NavigableMap<Long, byte[]> all = history(3);
    testKit.spawn(sibling("f2", all, false, new ConcurrentLinkedQueue<>()));
    testKit.spawn(sibling("f3", all, false, new ConcurrentLinkedQueue<>()));
    // One batch per chunk; the local store "hangs" on the second one past ask-timeout.
    GaplessSettings settings = settings("f", "gapless.recovery.chunk-bytes = 1\ngapless.recovery.ask-timeout = 300ms\n");
    ReplicaServices services = new ReplicaServices(settings, null,
        new Placement(settings.storageNodes(), settings.replicationFactor()), log.getRef());
    testKit.spawn(Recovery.create(new RecoveryRequest.Recover("cf", RecoveryTrigger.NODE_UP, ""), replica.getRef(), services, coordinator.getRef()));

    ReplicaProtocol.StartRecovery start = replica.expectMessageClass(ReplicaProtocol.StartRecovery.class);
    start.replyTo().tell(new ReplicaProtocol.RecoveryInfo("cf", SeqRanges.EMPTY, SeqEpochs.EMPTY, Map.of(), null));
    ReplicaProtocol.StoreBatch first = replica.expectMessageClass(ReplicaProtocol.StoreBatch.class, Duration.ofSeconds(10));
    assertEquals(1, first.seq());
    first.replyTo().tell(new ReplicaProtocol.StoreAck("s1", "cf", 1));
    ReplicaProtocol.StoreBatch second = replica.expectMessageClass(ReplicaProtocol.StoreBatch.class);
    assertEquals(2, second.seq());

    ReplicaProtocol.FinishRecovery finish = replica.expectMessageClass(ReplicaProtocol.FinishRecovery.class, Duration.ofSeconds(5));
    assertFalse(finish.complete());
    assertEquals(List.of(SeqRange.of(1)), finish.filled().ranges());
    // The ack arrives after the recovery gave up and before the replica confirms the finish.
    second.replyTo().tell(new ReplicaProtocol.StoreAck("s1", "cf", 2));
    finish.replyTo().tell(Done.getInstance());

    RecoveryCoordinator.Finished finished = coordinator.expectMessageClass(RecoveryCoordinator.Finished.class);
    assertFalse(finished.complete());
    List<ClusterEvent> events = eventsUntil(log, "cf", EventType.RECOVERY_FAILED, 1);
    assertEquals(1, events.stream().filter(e -> e.event() == (EventType.GAP_RECOVERED)).count());
    ClusterEvent failed = events.get(events.size() - 1);
    assertTrue(reason(failed).startsWith("fetching: the local replica did not store"), reason(failed));
    assertEquals(1L, ((Number) failed.get(EventField.DROPPED)).longValue());
    // Nothing acts on the late ack: no next fetch, no second finish, no second report.
    replica.expectNoMessage(Duration.ofMillis(300));
    coordinator.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aRecoveryThatCrashesEndsTheReplicasRecoveryAndIsRetried() {
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    AtomicBoolean malformed = new AtomicBoolean(true);
    NavigableMap<Long, byte[]> all = history(10);
    testKit.spawn(sibling("g2", all, false, new ConcurrentLinkedQueue<>(), malformed));
    testKit.spawn(sibling("g3", all, false, new ConcurrentLinkedQueue<>(), malformed));
    ActorRef<ReplicaHost.Command> host = host("g", "gapless.recovery.retry-after = 300ms\n", log.getRef());
    storeLocally(host, "cg", all.subMap(1L, true, 5L, true));

    host.tell(new ReplicaHost.RecoverAll(RecoveryTrigger.NODE_UP));
    List<ClusterEvent> events = eventsUntil(log, "cg", EventType.RECOVERY_FAILED, 1);
    assertEquals(List.of(EventType.RECOVERY_STARTED, EventType.RECOVERY_FAILED), names(events));
    assertTrue(reason(events.get(1)).contains("crashed"), reason(events.get(1)));
    // The replica was told the recovery ended, so it checks its lag again.
    TestProbe<ReplicaView> view = testKit.createTestProbe();
    view.awaitAssert(Duration.ofSeconds(5), Duration.ofMillis(50), () -> {
      host.tell(new ReplicaProtocol.GetView("cg", view.getRef()));
      assertFalse(view.receiveMessage().recovering());
      return null;
    });

    malformed.set(false);
    ReplicaView v = awaitRecovered(host, "cg", 10);
    assertEquals(5, v.lastRecovery().batches());
    List<EventType> retried = names(eventsUntil(log, "cg", EventType.RECOVERY_COMPLETED, 1));
    assertEquals(EventType.RECOVERY_COMPLETED, retried.get(retried.size() - 1));
    assertEquals(EventType.RECOVERY_STARTED, retried.get(retried.size() - 3));
  }

  @Test
  void aSeqASiblingHoldsUnderANewerEpochIsFetchedAndReplacesTheStaleOne() {
    TestProbe<EventLog.Command> log = testKit.createTestProbe();
    ConcurrentLinkedQueue<ReplicaProtocol.FetchBatches> newerFetches = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<ReplicaProtocol.FetchBatches> olderFetches = new ConcurrentLinkedQueue<>();
    NavigableMap<Long, byte[]> old = history(12);
    // A newer owner (epoch 2) replaced seqs 5..6 on k2; k3 and this replica hold the old content (epoch 0).
    NavigableMap<Long, byte[]> newer = new TreeMap<>(old);
    newer.put(5L, TestBatches.blob(5, 3));
    newer.put(6L, TestBatches.blob(6, 3));
    testKit.spawn(sibling("k2", newer, false, newerFetches, new AtomicBoolean(false), Set.of(),
        new SeqEpochs(List.of(new SeqEpochs.Run(5, 6, 2)))));
    testKit.spawn(sibling("k3", old, false, olderFetches));
    ActorRef<ReplicaHost.Command> host = host("k", log.getRef());
    storeLocally(host, "ck", old);

    host.tell(new ReplicaHost.RecoverAll(RecoveryTrigger.NODE_UP));
    ReplicaView v = awaitRecovered(host, "ck", 12);
    assertEquals(List.of(new SeqRange(5, 6)), v.lastRecovery().ranges());
    assertEquals(2, v.lastRecovery().batches());
    assertEquals(List.of("k2"), v.lastRecovery().sources());
    assertTrue(olderFetches.isEmpty(), "the sibling with the old content is not asked: " + olderFetches);
    assertEquals(12 * 8 - 2 * 5, v.samples(), "seqs 5 and 6 now hold 3 samples each");
    List<EventType> seen = events(log, "ck", EventType.RECOVERY_COMPLETED);
    assertTrue(seen.containsAll(List.of(EventType.GAP_DETECTED, EventType.BATCH_REPLACED, EventType.GAP_RECOVERED)), seen.toString());
    TestProbe<ReplicaProtocol.EventIndex> index = testKit.createTestProbe();
    host.tell(new ReplicaProtocol.EventsAfter("ck", 0, index.getRef()));
    assertEquals(new SeqEpochs(List.of(new SeqEpochs.Run(5, 6, 2))), index.receiveMessage().epochs());
  }
}

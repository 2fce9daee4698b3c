package gapless.recovery;

import akka.Done;
import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import gapless.events.ClusterEvent;
import gapless.events.EventLog;
import gapless.model.BatchCodec;
import gapless.model.EncodedBatch;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.replica.RecoveryRecord;
import gapless.replica.ReplicaProtocol;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaServices;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.Arrays;
import java.util.Collections;

/**
 * Recovers this node's replica of one collector, as an explicit state machine:
 * <ol>
 *   <li>Starting: asks the local replica what it holds and what it confirmed with each sibling;</li>
 *   <li>Probing: asks every reachable sibling for its events after the seq confirmed with it
 *       ({@code EventsAfter}: seq ranges, never one entry per batch);</li>
 *   <li>Fetching: missing = what siblings hold minus what this replica holds; pulls those ranges
 *       with {@code FetchBatches} in chunks of a bounded byte size, over two slots that prefer
 *       different siblings, storing each chunk before asking for the next; a sibling that does not
 *       answer is dropped and its remaining range goes to another sibling that holds it;</li>
 *   <li>Finishing: the replica records {@code GapRecovered} and {@code RecordingResumed}.</li>
 * </ol>
 * Every step shows in the cluster event log. Memory is bounded by two chunks whatever the gap,
 * and cost follows the gap: nothing before the confirmed seq is read on either side.
 */
public final class Recovery extends AbstractBehavior<Recovery.Command> {

  /** Messages a recovery handles; all local (adapters and timers). */
  interface Command extends NoSerializationVerificationNeeded {}

  private record Started(ReplicaProtocol.RecoveryInfo info) implements Command {}

  private record Listed(Receptionist.Listing listing) implements Command {}

  private record Indexed(ReplicaProtocol.EventIndex index) implements Command {}

  private record Chunk(ReplicaProtocol.BatchChunk chunk) implements Command {}

  private record Stored(ReplicaProtocol.StoreAck ack) implements Command {}

  private record SlotTimeout(int slot, long request) implements Command {}

  private record Finished(Done done) implements Command {}

  private enum Tick implements Command {
    PROBE_TIMEOUT,
    PROBE_GRACE,
    PROGRESS
  }

  /** A range to fetch, and the siblings that hold all of it, preferred first. */
  private record Task(SeqRange range, List<String> sources) {}

  /** One fetch in flight: a task, its source, the next seq to ask for, acks awaited. */
  private static final class Slot {
    Task task;
    String source;
    long nextFrom;
    long request;
    final Set<Long> awaitingAcks = new HashSet<>();
    List<Long> chunkSeqs = List.of();
    long chunkSamples;
    long chunkBytes;
  }

  private static final int SLOTS = 2;
  private static final long SLICE = 1000;
  private static final int MAX_GAP_EVENTS = 20;
  private static final Duration PROBE_GRACE = Duration.ofMillis(500);

  private final String collector;
  private final String reason;
  private final ActorRef<ReplicaHost.Command> host;
  private final ReplicaServices services;
  private final ActorRef<RecoveryCoordinator.Command> coordinator;
  private final TimerScheduler<Command> timers;
  private final String node;
  private final List<String> siblings;
  private final long startNanos = System.nanoTime();
  private final ActorRef<ReplicaProtocol.StoreAck> storedAdapter;
  private final ActorRef<ReplicaProtocol.BatchChunk> chunkAdapter;

  private ReplicaProtocol.RecoveryInfo info;
  private final Map<String, ActorRef<ReplicaHost.Command>> reachable = new LinkedHashMap<>();
  private final Map<String, ReplicaProtocol.EventIndex> indexes = new LinkedHashMap<>();
  private final ArrayDeque<Task> tasks = new ArrayDeque<>();
  private final Slot[] slots = {new Slot(), new Slot()};
  private final Set<String> failedSources = new HashSet<>();
  private final Set<String> sourcesUsed = new LinkedHashSet<>();
  private SeqRanges filled = SeqRanges.EMPTY;
  private SeqRanges unrecoverable = SeqRanges.EMPTY;
  private long batches;
  private long samples;
  private long bytes;
  private boolean planned;
  private boolean complete = true;
  private String failure = "";

  static Behavior<Command> create(
      String collector, String reason, ActorRef<ReplicaHost.Command> host, ReplicaServices services,
      ActorRef<RecoveryCoordinator.Command> coordinator) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Recovery(ctx, timers, collector, reason, host, services, coordinator)));
  }

  private Recovery(
      ActorContext<Command> context, TimerScheduler<Command> timers, String collector, String reason,
      ActorRef<ReplicaHost.Command> host, ReplicaServices services, ActorRef<RecoveryCoordinator.Command> coordinator) {
    super(context);
    this.timers = timers;
    this.collector = collector;
    this.reason = reason;
    this.host = host;
    this.services = services;
    this.coordinator = coordinator;
    this.node = services.node();
    this.siblings = services.placement().replicaSet(collector).stream().filter(n -> !n.equals(node)).toList();
    this.storedAdapter = context.messageAdapter(ReplicaProtocol.StoreAck.class, Stored::new);
    this.chunkAdapter = context.messageAdapter(ReplicaProtocol.BatchChunk.class, Chunk::new);
    host.tell(new ReplicaProtocol.StartRecovery(collector, context.messageAdapter(ReplicaProtocol.RecoveryInfo.class, Started::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Started.class, this::onStarted)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Indexed.class, this::onIndexed)
        .onMessageEquals(Tick.PROBE_TIMEOUT, this::planFetch)
        .onMessageEquals(Tick.PROBE_GRACE, this::planFetch)
        .onMessageEquals(Tick.PROGRESS, this::onProgress)
        .onMessage(Chunk.class, this::onChunk)
        .onMessage(Stored.class, this::onStored)
        .onMessage(SlotTimeout.class, this::onSlotTimeout)
        .onMessage(Finished.class, this::onFinished)
        .build();
  }

  // ---- starting and probing

  private Behavior<Command> onStarted(Started s) {
    info = s.info();
    emit("RECOVERY_STARTED", "reason", reason, "contiguousSeq", info.held().contiguous(),
        "highestSeq", info.held().highest(), "stoppedBy", info.serverStop() == null ? null : info.serverStop().reason().name());
    if (siblings.isEmpty()) {
      return finish();
    }
    // Subscribed, not looked up once: right after this node joins, the receptionist has not yet
    // heard of the siblings' registrations, and they arrive as updates.
    ActorRef<Receptionist.Listing> adapter = getContext().messageAdapter(Receptionist.Listing.class, Listed::new);
    ReplicaHost.subscribe(getContext().getSystem(), siblings, adapter);
    timers.startSingleTimer(Tick.PROBE_TIMEOUT, services.settings().recoveryAskTimeout());
    return this;
  }

  private Behavior<Command> onListed(Listed l) {
    String sib = ReplicaHost.nodeOf(l.listing());
    if (!reachable.containsKey(sib)) {
      ReplicaHost.reachableHost(l.listing()).ifPresent(h -> {
        reachable.put(sib, h);
        h.tell(new ReplicaProtocol.EventsAfter(collector, info.confirmed().getOrDefault(sib, 0L),
            getContext().messageAdapter(ReplicaProtocol.EventIndex.class, Indexed::new)));
      });
    }
    return this;
  }

  /**
   * Plans once every sibling answered; or, once one has, after a short grace for the others: any
   * batch acked while this replica was away is on every other replica of the set (W of RF), so one
   * sibling's index is complete, and waiting longer for a sibling that is down gains nothing.
   */
  private Behavior<Command> onIndexed(Indexed i) {
    indexes.put(i.index().node(), i.index());
    if (indexes.size() == siblings.size()) {
      return planFetch();
    }
    if (indexes.size() == 1) {
      timers.startSingleTimer(Tick.PROBE_GRACE, PROBE_GRACE);
    }
    return this;
  }

  // ---- planning

  private Behavior<Command> planFetch() {
    if (planned) {
      return this; // a probe timer fired after planning already happened
    }
    planned = true;
    timers.cancel(Tick.PROBE_TIMEOUT);
    timers.cancel(Tick.PROBE_GRACE);
    if (indexes.isEmpty()) {
      return fail(reachable.isEmpty() ? "no sibling of " + collector + " is reachable"
          : "no sibling answered which events it holds after the confirmed seq");
    }
    SeqRanges siblingsHold = SeqRanges.EMPTY;
    for (ReplicaProtocol.EventIndex idx : indexes.values()) {
      siblingsHold = siblingsHold.union(idx.held());
    }
    SeqRanges missing = siblingsHold.minus(info.held());
    int logged = 0;
    for (SeqRange r : missing.ranges()) {
      if (logged++ < MAX_GAP_EVENTS) {
        emit("GAP_DETECTED", "fromSeq", r.from(), "toSeq", r.to(), "batches", r.size(), "peer", String.join(",", holders(r)));
      }
    }
    if (missing.ranges().size() > MAX_GAP_EVENTS) {
      emit("GAP_DETECTED", "ranges", missing.ranges().size(), "batches", missing.count(), "detail", "first " + MAX_GAP_EVENTS + " ranges listed above");
    }
    planTasks(missing);
    timers.startTimerWithFixedDelay(Tick.PROGRESS, Duration.ofSeconds(1));
    for (int s = 0; s < SLOTS; s++) {
      nextTask(s);
    }
    return maybeFinish();
  }

  private List<String> holders(SeqRange r) {
    return indexes.values().stream().filter(idx -> idx.held().clip(r.from(), r.to()).count() == r.size())
        .map(ReplicaProtocol.EventIndex::node).toList();
  }

  /**
   * Cuts the missing ranges into slices and gives each slice the siblings that hold all of it,
   * rotating which one is preferred so both siblings serve. A slice no sibling holds whole is cut
   * again along what each sibling holds.
   */
  private void planTasks(SeqRanges missing) {
    int turn = 0;
    for (SeqRange r : missing.ranges()) {
      for (long from = r.from(); from <= r.to(); from += SLICE) {
        SeqRange slice = new SeqRange(from, Math.min(r.to(), from + SLICE - 1));
        List<String> whole = holders(slice);
        if (!whole.isEmpty()) {
          tasks.add(new Task(slice, rotate(whole, turn++)));
          continue;
        }
        SeqRanges left = SeqRanges.of(slice);
        for (ReplicaProtocol.EventIndex idx : indexes.values()) {
          SeqRanges part = left.intersect(idx.held());
          for (SeqRange p : part.ranges()) {
            tasks.add(new Task(p, holders(p)));
          }
          left = left.minus(part);
        }
      }
    }
  }

  private static List<String> rotate(List<String> list, int by) {
    List<String> out = new ArrayList<>(list);
    Collections.rotate(out, -(by % list.size()));
    return out;
  }

  // ---- fetching

  private boolean isFetching() {
    for (Slot s : slots) {
      if (s.task != null) {
        return true;
      }
    }
    return false;
  }

  private void nextTask(int i) {
    Slot slot = slots[i];
    slot.task = null;
    while (!tasks.isEmpty()) {
      Task t = tasks.poll();
      String source = t.sources().stream().filter(s -> !failedSources.contains(s) && reachable.containsKey(s))
          .findFirst().orElse(null);
      if (source == null) {
        unrecoverable = unrecoverable.add(t.range());
        complete = false;
        failure = "no reachable sibling holds seqs " + t.range();
        continue;
      }
      slot.task = t;
      slot.source = source;
      slot.nextFrom = t.range().from();
      fetch(i);
      return;
    }
  }

  private void fetch(int i) {
    Slot slot = slots[i];
    slot.request++;
    sourcesUsed.add(slot.source);
    reachable.get(slot.source).tell(new ReplicaProtocol.FetchBatches(collector, slot.nextFrom, slot.task.range().to(),
        services.settings().recoveryChunkBytes(), chunkAdapter));
    timers.startSingleTimer("slot-" + i, new SlotTimeout(i, slot.request), services.settings().recoveryAskTimeout());
  }

  private Behavior<Command> onChunk(Chunk c) {
    ReplicaProtocol.BatchChunk chunk = c.chunk();
    for (int i = 0; i < SLOTS; i++) {
      Slot slot = slots[i];
      if (slot.task != null && slot.awaitingAcks.isEmpty() && chunk.node().equals(slot.source)
          && chunk.fromSeq() == slot.nextFrom) {
        if (chunk.batches().isEmpty()) {
          // The sibling no longer has what it listed: let another holder serve the rest.
          return sourceFailed(i, "sibling " + slot.source + " returned nothing for seqs " + slot.nextFrom + ".." + slot.task.range().to());
        }
        slot.chunkSamples = 0;
        slot.chunkBytes = 0;
        slot.chunkSeqs = chunk.batches().stream().map(EncodedBatch::seq).toList();
        for (EncodedBatch b : chunk.batches()) {
          slot.awaitingAcks.add(b.seq());
          slot.chunkSamples += BatchCodec.sampleCount(b.blob());
          slot.chunkBytes += b.blob().length;
          host.tell(new ReplicaProtocol.StoreBatch(collector, b.seq(), b.blob(), storedAdapter));
        }
        return this;
      }
    }
    return this; // a late answer from a source already given up on
  }

  private Behavior<Command> onStored(Stored s) {
    for (int i = 0; i < SLOTS; i++) {
      Slot slot = slots[i];
      if (slot.awaitingAcks.remove(s.ack().seq()) && slot.awaitingAcks.isEmpty()) {
        timers.cancel("slot-" + i);
        batches += slot.chunkSeqs.size();
        samples += slot.chunkSamples;
        bytes += slot.chunkBytes;
        for (long seq : slot.chunkSeqs) {
          filled = filled.add(seq);
        }
        slot.nextFrom = slot.chunkSeqs.get(slot.chunkSeqs.size() - 1) + 1;
        if (slot.nextFrom > slot.task.range().to()) {
          nextTask(i);
        } else {
          fetch(i);
        }
        return maybeFinish();
      }
    }
    return this;
  }

  private Behavior<Command> onSlotTimeout(SlotTimeout t) {
    Slot slot = slots[t.slot()];
    if (slot.task == null || slot.request != t.request()) {
      return this;
    }
    if (!slot.awaitingAcks.isEmpty()) {
      return fail("the local replica did not store fetched seqs " + slot.chunkSeqs.get(0) + ".."
          + slot.chunkSeqs.get(slot.chunkSeqs.size() - 1) + " in time");
    }
    return sourceFailed(t.slot(), "sibling " + slot.source + " did not answer within " + services.settings().recoveryAskTimeout().toMillis() + " ms");
  }

  /** Drops a source for this recovery and gives the rest of its task to another holder. */
  private Behavior<Command> sourceFailed(int i, String why) {
    Slot slot = slots[i];
    failedSources.add(slot.source);
    SeqRange rest = new SeqRange(slot.nextFrom, slot.task.range().to());
    List<String> others = slot.task.sources().stream().filter(s -> !failedSources.contains(s)).toList();
    emit("SYNC_PROGRESS", "peer", slot.source, "fromSeq", rest.from(), "toSeq", rest.to(), "batches", batches, "bytes", bytes,
        "reason", why + (others.isEmpty() ? "; no other sibling holds them" : "; continuing from " + String.join(",", others)));
    tasks.addFirst(new Task(rest, others));
    // Every queued task that preferred the failed source now goes to its other holders.
    nextTask(i);
    return maybeFinish();
  }

  private Behavior<Command> onProgress() {
    if (isFetching()) {
      emit("SYNC_PROGRESS", "peer", String.join(",", sourcesUsed), "batches", batches, "samples", samples, "bytes", bytes,
          "remainingRanges", tasks.size() + (int) Arrays.stream(slots).filter(s -> s.task != null).count());
    }
    return this;
  }

  // ---- finishing

  private Behavior<Command> maybeFinish() {
    return isFetching() || !tasks.isEmpty() ? this : finish();
  }

  private Behavior<Command> fail(String why) {
    complete = false;
    failure = why;
    return finish();
  }

  private Behavior<Command> finish() {
    timers.cancelAll();
    RecoveryRecord record = batches == 0 ? null
        : new RecoveryRecord(filled.ranges(), List.copyOf(sourcesUsed), batches, samples, bytes, millis(), System.currentTimeMillis());
    host.tell(new ReplicaProtocol.FinishRecovery(collector, record, complete, getContext().messageAdapter(Done.class, Finished::new)));
    return this;
  }

  private Behavior<Command> onFinished(Finished f) {
    long millis = millis();
    if (batches > 0) {
      emit("GAP_RECOVERED", "fromSeq", filled.ranges().get(0).from(), "toSeq", filled.highest(),
          "ranges", filled.ranges().stream().map(SeqRange::toString).collect(Collectors.joining(",")),
          "batches", batches, "samples", samples, "bytes", bytes, "millis", millis, "peer", String.join(",", sourcesUsed));
    }
    if (complete) {
      emit("RECOVERY_COMPLETED", "batches", batches, "samples", samples, "bytes", bytes, "millis", millis);
    } else {
      emit("RECOVERY_FAILED", "reason", failure, "batches", batches, "bytes", bytes, "millis", millis,
          "unrecoverable", unrecoverable.isEmpty() ? null : unrecoverable.toString());
    }
    coordinator.tell(new RecoveryCoordinator.Finished(collector, complete));
    return Behaviors.stopped();
  }

  private long millis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private void emit(String event, Object... fields) {
    services.eventLog().tell(new EventLog.Emit(ClusterEvent.ofCollector(node, event, collector, fields)));
  }
}

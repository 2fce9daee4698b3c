package gapless.recovery;

import akka.Done;
import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import gapless.model.EncodedBatch;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.recovery.RecoveryPhase.Fetching;
import gapless.recovery.RecoveryPhase.Finishing;
import gapless.recovery.RecoveryPhase.Probing;
import gapless.replica.RecoveryRecord;
import gapless.replica.RecoveryRequest;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol;
import gapless.replica.ReplicaServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recovers this node's replica of one collector, as an explicit state machine, one behavior per
 * phase, each phase's data passed to it (in the style of Kafka's replica fetcher):
 * <ol>
 *   <li>starting: asks the local replica what it holds and what it confirmed with each sibling;</li>
 *   <li>probing: asks every reachable sibling for its events after the seq confirmed with it
 *       ({@code EventsAfter}: seq ranges, never one entry per batch);</li>
 *   <li>fetching: pulls the {@link RecoveryPlan}'s slices with {@code FetchBatches} in chunks of a
 *       bounded byte size, over two {@link FetchSlot}s, storing each chunk before asking for the
 *       next; a sibling that does not answer is dropped and its rest goes to another holder; then
 *       once more from starting if the replica lacks a seq below its newest (acked by the others
 *       just before the live path reached it again: else the lag check fetches it seconds later);</li>
 *   <li>finishing: the replica records {@code GapRecovered} and {@code RecordingResumed};</li>
 *   <li>done: stopped, after telling the coordinator once how it ended.</li>
 * </ol>
 * A reply that does not belong to the current phase (a late index, a chunk for an abandoned ask,
 * an ack of a chunk not being stored) is dropped and counted, never acted on. Every phase has a
 * timeout that ends the recovery as failed. Every step shows in the cluster event log. Memory is
 * bounded by two chunks whatever the gap, and cost follows the gap.
 */
public final class Recovery {

  /** Messages a recovery handles; all local (adapters and timers). */
  interface Command extends NoSerializationVerificationNeeded {}

  private record Started(ReplicaProtocol.RecoveryInfo info) implements Command {}

  private record Listed(Receptionist.Listing listing) implements Command {}

  private record Indexed(ReplicaProtocol.EventIndex index) implements Command {}

  private record Chunk(ReplicaProtocol.BatchChunk chunk) implements Command {
    @Override
    public String toString() {
      // Not the batches: a chunk's blobs are up to chunk-bytes.
      return "BatchChunk from " + chunk.node() + " of seqs " + chunk.fromSeq() + ".." + chunk.toSeq();
    }
  }

  private record Stored(ReplicaProtocol.StoreReply ack) implements Command {}

  private record SlotTimeout(int slot, long request) implements Command {}

  private record Finished(Done done) implements Command {}

  private enum Tick implements Command {
    START_TIMEOUT,
    PROBE_TIMEOUT,
    PROBE_GRACE,
    FETCH_TIMEOUT,
    FINISH_TIMEOUT,
    PROGRESS
  }

  private static final int SLOTS = 2;

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String collector;
  private final RecoveryRequest.Recover request;
  private final ActorRef<ReplicaHost.Command> host;
  private final ReplicaServices services;
  private final ActorRef<RecoveryCoordinator.Command> coordinator;
  private final String node;
  private final List<String> siblings;
  private final long startNanos = System.nanoTime();
  private final ActorRef<ReplicaProtocol.StoreReply> storedAdapter;
  private final ActorRef<ReplicaProtocol.BatchChunk> chunkAdapter;
  private final ActorRef<ReplicaProtocol.EventIndex> indexAdapter;
  private final RecoveryEvents events;

  static Behavior<Command> create(RecoveryRequest.Recover request, ActorRef<ReplicaHost.Command> host,
      ReplicaServices services, ActorRef<RecoveryCoordinator.Command> coordinator) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Recovery(ctx, timers, request, host, services, coordinator).start(RecoveryProgress.NONE)));
  }

  private Recovery(
      ActorContext<Command> context, TimerScheduler<Command> timers, RecoveryRequest.Recover request,
      ActorRef<ReplicaHost.Command> host, ReplicaServices services, ActorRef<RecoveryCoordinator.Command> coordinator) {
    this.context = context;
    this.timers = timers;
    this.collector = request.collector();
    this.request = request;
    this.host = host;
    this.services = services;
    this.coordinator = coordinator;
    this.node = services.node();
    this.siblings = services.placement().siblings(collector, node);
    this.storedAdapter = context.messageAdapter(ReplicaProtocol.StoreReply.class, Stored::new);
    this.chunkAdapter = context.messageAdapter(ReplicaProtocol.BatchChunk.class, Chunk::new);
    this.indexAdapter = context.messageAdapter(ReplicaProtocol.EventIndex.class, Indexed::new);
    this.events = new RecoveryEvents(node, collector, services.eventLog());
  }

  // ---- starting

  private Behavior<Command> start(RecoveryProgress progress) {
    timers.cancelAll();
    host.tell(new ReplicaProtocol.StartRecovery(collector, context.messageAdapter(ReplicaProtocol.RecoveryInfo.class, Started::new)));
    timers.startSingleTimer(Tick.START_TIMEOUT, services.settings().recovery().startTimeout());
    return starting(progress);
  }

  private Behavior<Command> starting(RecoveryProgress progress) {
    return Behaviors.receive(Command.class)
        .onMessage(Started.class, s -> onStarted(s.info(), progress))
        .onMessageEquals(Tick.START_TIMEOUT, () -> finishing(new Finishing(progress,
            timedOut("starting", services.settings().recovery().startTimeout(), "the local replica did not say what it holds"),
            SeqRanges.EMPTY)))
        .onAnyMessage(m -> starting(dropped("starting", m, progress)))
        .build();
  }

  private Behavior<Command> onStarted(ReplicaProtocol.RecoveryInfo info, RecoveryProgress progress) {
    timers.cancel(Tick.START_TIMEOUT);
    if (progress.probes() == 0) {
      events.started(request, info);
    }
    // A second look (probed before) is needed only if a seq below the newest held is missing.
    if (siblings.isEmpty() || (progress.probes() > 0 && info.held().contiguous() == info.held().highest())) {
      return finishing(new Finishing(progress, null, SeqRanges.EMPTY));
    }
    // Subscribed, not looked up once: right after this node joins, the receptionist has not yet
    // heard of the siblings' registrations, and they arrive as updates. On a second look the
    // subscription stands; subscribing again makes the receptionist list the hosts at once.
    ReplicaHost.subscribe(context.getSystem(), siblings, context.messageAdapter(Receptionist.Listing.class, Listed::new));
    timers.startSingleTimer(Tick.PROBE_TIMEOUT, services.settings().recovery().probeTimeout());
    return probing(new Probing(info, Map.of(), Map.of(), progress.withProbe()));
  }

  // ---- probing

  private Behavior<Command> probing(Probing probe) {
    return Behaviors.receive(Command.class)
        .onMessage(Listed.class, l -> probing(onListed(probe, l.listing())))
        .onMessage(Indexed.class, i -> onIndexed(probe, i.index()))
        .onMessageEquals(Tick.PROBE_GRACE, () -> plan(probe))
        .onMessageEquals(Tick.PROBE_TIMEOUT, () -> probe.indexes().isEmpty()
            ? finishing(new Finishing(probe.progress(), timedOut("probing", services.settings().recovery().probeTimeout(),
                probe.asked().isEmpty() ? "no sibling of " + collector + " is reachable"
                    : "no sibling answered which events it holds after the confirmed seq"), SeqRanges.EMPTY))
            : plan(probe))
        .onAnyMessage(m -> probing(probe.with(dropped("probing", m, probe.progress()))))
        .build();
  }

  private Probing onListed(Probing probe, Receptionist.Listing listing) {
    String sibling = ReplicaHost.nodeOf(listing);
    Optional<ActorRef<ReplicaHost.Command>> sibHost = ReplicaHost.reachableHost(listing);
    if (probe.asked().containsKey(sibling) || sibHost.isEmpty()) {
      return probe;
    }
    sibHost.get().tell(new ReplicaProtocol.EventsAfter(collector, probe.info().confirmed().getOrDefault(sibling, 0L), indexAdapter));
    return probe.with(sibling, sibHost.get());
  }

  /**
   * Plans once every sibling answered; or, once one has, after a short grace for the others: any
   * batch acked while this replica was away is on every other replica of the set (W of RF), so one
   * sibling's index is complete, and waiting longer for a sibling that is down gains nothing.
   */
  private Behavior<Command> onIndexed(Probing probe, ReplicaProtocol.EventIndex index) {
    boolean asked = probe.asked().containsKey(index.node()) && !probe.indexes().containsKey(index.node())
        && index.collector().equals(collector)
        && index.afterSeq() == probe.info().confirmed().getOrDefault(index.node(), 0L);
    if (!asked) {
      return probing(probe.with(dropped("probing", new Indexed(index), probe.progress())));
    }
    Probing next = probe.with(index);
    if (next.indexes().size() == siblings.size()) {
      return plan(next);
    }
    if (next.indexes().size() == 1) {
      timers.startSingleTimer(Tick.PROBE_GRACE, services.settings().recovery().probeGrace());
    }
    return probing(next);
  }

  // ---- planning, then fetching

  private Behavior<Command> plan(Probing probe) {
    timers.cancel(Tick.PROBE_TIMEOUT);
    timers.cancel(Tick.PROBE_GRACE);
    // Each collector's recovery starts at its own sibling, so a node's recoveries spread over them.
    RecoveryPlan plan = RecoveryPlan.of(probe.info().held(), probe.info().epochs(), probe.holdings(), probe.epochs(),
        services.settings().recovery().sliceSeqs(), collector.hashCode() & Integer.MAX_VALUE);
    events.planned(plan);
    timers.startTimerWithFixedDelay(Tick.PROGRESS, services.settings().recovery().progressInterval());
    timers.startSingleTimer(Tick.FETCH_TIMEOUT, services.settings().recovery().fetchTimeout());
    Fetching fetch = new Fetching(Map.copyOf(probe.asked()), plan, List.of(FetchSlot.IDLE, FetchSlot.IDLE), 0, probe.progress());
    for (int i = 0; i < SLOTS; i++) {
      fetch = assign(fetch, i);
    }
    return fetchingOrFinishing(fetch);
  }

  private Behavior<Command> fetching(Fetching fetch) {
    return Behaviors.receive(Command.class)
        .onMessage(Chunk.class, c -> onChunk(fetch, c.chunk()))
        .onMessage(Stored.class, s -> onStored(fetch, s.ack()))
        .onMessage(SlotTimeout.class, t -> onSlotTimeout(fetch, t))
        .onMessageEquals(Tick.PROGRESS, () -> {
          events.progress(fetch);
          return Behaviors.same();
        })
        .onMessageEquals(Tick.FETCH_TIMEOUT, () -> finishing(new Finishing(fetch.progress(),
            timedOut("fetching", services.settings().recovery().fetchTimeout(), "no chunk was stored"), fetch.plan().unrecoverable())))
        // Receptionist updates are not replies: the sources were fixed when planning.
        .onMessage(Listed.class, l -> Behaviors.same())
        .onAnyMessage(m -> fetching(fetch.with(dropped("fetching", m, fetch.progress()))))
        .build();
  }

  /** Gives slot {@code i} the plan's next slice, or leaves it idle when none is left. */
  private Fetching assign(Fetching fetch, int i) {
    RecoveryPlan.Next next = fetch.plan().take();
    Fetching taken = fetch.with(next.plan());
    return next.assignment().map(a -> ask(taken, i, a, a.range().from())).orElseGet(() -> taken.with(i, FetchSlot.IDLE));
  }

  private Fetching ask(Fetching fetch, int i, RecoveryPlan.Assignment task, long from) {
    Fetching next = fetch.nextRequest();
    next.hosts().get(task.source()).tell(new ReplicaProtocol.FetchBatches(collector, from, task.range().to(),
        services.settings().recovery().chunkBytes(), chunkAdapter));
    // One timer per slot: restarted when the answer comes and its store begins; a new ask replaces it.
    timers.startSingleTimer("slot-" + i, new SlotTimeout(i, next.requests()), services.settings().recovery().askTimeout());
    return next.with(next.progress().withSource(task.source())).with(i, new FetchSlot.Asking(task, from, next.requests()));
  }

  private Behavior<Command> onChunk(Fetching fetch, ReplicaProtocol.BatchChunk chunk) {
    for (int i = 0; i < SLOTS; i++) {
      if (fetch.slots().get(i) instanceof FetchSlot.Asking asking
          && asking.answeredBy(chunk.node(), chunk.fromSeq(), chunk.toSeq()) && chunk.collector().equals(collector)) {
        Optional<ChunkCheck.Damage> damage = ChunkCheck.damage(chunk);
        if (damage.isPresent()) {
          // Reported, and never stored: another holder serves the range.
          events.corrupt(damage.get().seq(), chunk.node(), damage.get().detail());
          return fetchingOrFinishing(sourceFailed(fetch, i, asking, damage.get().reason()));
        }
        if (chunk.batches().isEmpty()) {
          // The sibling no longer has what it listed: let another holder serve the rest.
          return fetchingOrFinishing(sourceFailed(fetch, i, asking,
              "sibling " + asking.task().source() + " returned nothing for seqs " + asking.nextFrom() + ".." + asking.task().range().to()));
        }
        for (EncodedBatch b : chunk.batches()) {
          host.tell(new ReplicaProtocol.StoreBatch(collector, b.seq(), chunk.epochs().epochOf(b.seq()), b.blob(),
              ReplicaProtocol.WriteKind.COPY, storedAdapter));
        }
        // The store of the answer gets its own ask-timeout, however late the answer came.
        timers.startSingleTimer("slot-" + i, new SlotTimeout(i, asking.request()), services.settings().recovery().askTimeout());
        return fetching(fetch.with(i, asking.storing(chunk.batches())));
      }
    }
    // Kafka-style: an answer whose source or offset does not match a slot's ask (a source already
    // given up on, an ask replaced since) is not acted on.
    return fetching(fetch.with(dropped("fetching", new Chunk(chunk), fetch.progress())));
  }

  private Behavior<Command> onStored(Fetching fetch, ReplicaProtocol.StoreReply ack) {
    for (int i = 0; i < SLOTS; i++) {
      if (fetch.slots().get(i) instanceof FetchSlot.Storing storing && storing.awaiting().contains(ack.seq())) {
        if (ack instanceof ReplicaProtocol.StoreRefused refused) {
          // This node cannot store now (its disk is full): retried later, no use fetching more.
          return finishing(new Finishing(fetch.progress(), "fetching: the local replica could not store seq "
              + refused.seq() + ": " + refused.reason(), fetch.plan().unrecoverable()));
        }
        FetchSlot.Storing now = storing.acked(ack.seq());
        if (!now.stored()) {
          return fetching(fetch.with(i, now));
        }
        timers.cancel("slot-" + i);
        // Progress: the whole-phase timeout starts again.
        timers.startSingleTimer(Tick.FETCH_TIMEOUT, services.settings().recovery().fetchTimeout());
        Fetching done = fetch.with(fetch.progress().withChunk(now.chunk(), now.samples(), now.bytes()));
        if (now.nextFrom() == now.askedFrom()) {
          // The answer skipped the very seq asked for: asking again would get the same answer.
          return fetchingOrFinishing(sourceFailed(done, i, new FetchSlot.Asking(now.task(), now.askedFrom(), now.request()),
              "sibling " + now.task().source() + " did not return seq " + now.askedFrom()));
        }
        return fetchingOrFinishing(now.nextFrom() > now.task().range().to()
            ? assign(done, i) : ask(done, i, now.task(), now.nextFrom()));
      }
    }
    return fetching(fetch.with(dropped("fetching", new Stored(ack), fetch.progress())));
  }

  private Behavior<Command> onSlotTimeout(Fetching fetch, SlotTimeout t) {
    FetchSlot slot = fetch.slots().get(t.slot());
    if (slot instanceof FetchSlot.Storing storing && storing.request() == t.request()) {
      return finishing(new Finishing(fetch.progress(), "fetching: the local replica did not store fetched seqs "
          + storing.chunk() + " within " + services.settings().recovery().askTimeout().toMillis() + " ms", fetch.plan().unrecoverable()));
    }
    if (slot instanceof FetchSlot.Asking asking && asking.request() == t.request()) {
      return fetchingOrFinishing(sourceFailed(fetch, t.slot(), asking, "sibling " + asking.task().source()
          + " did not answer within " + services.settings().recovery().askTimeout().toMillis() + " ms"));
    }
    return Behaviors.same(); // the timer of an ask already answered
  }

  /** Drops a source for this recovery and gives the rest of its task to another holder. */
  private Fetching sourceFailed(Fetching fetch, int i, FetchSlot.Asking asking, String why) {
    RecoveryPlan plan = fetch.plan().drop(asking.task(), asking.nextFrom());
    SeqRange rest = new SeqRange(asking.nextFrom(), asking.task().range().to());
    events.sourceFailed(asking.task().source(), rest, fetch.progress(), why, plan.holders(rest));
    return assign(fetch.with(plan), i);
  }

  private Behavior<Command> fetchingOrFinishing(Fetching fetch) {
    if (fetch.busy() > 0 || fetch.plan().hasPending()) {
      return fetching(fetch);
    }
    SeqRanges lost = fetch.plan().unrecoverable();
    if (lost.isEmpty() && fetch.progress().probes() == 1) {
      return start(fetch.progress());
    }
    return finishing(new Finishing(fetch.progress(), lost.isEmpty() ? null : "no reachable sibling holds seqs " + lost, lost));
  }

  // ---- finishing

  private Behavior<Command> finishing(Finishing finish) {
    timers.cancelAll();
    RecoveryProgress p = finish.progress();
    RecoveryRecord record = p.batches() == 0 ? null
        : new RecoveryRecord(p.filled().ranges(), p.sources(), p.batches(), p.samples(), p.bytes(), millis(), System.currentTimeMillis());
    host.tell(new ReplicaProtocol.FinishRecovery(collector, record, finish.complete(), context.messageAdapter(Done.class, Finished::new)));
    timers.startSingleTimer(Tick.FINISH_TIMEOUT, services.settings().recovery().finishTimeout());
    return awaitingFinish(finish);
  }

  private Behavior<Command> awaitingFinish(Finishing finish) {
    return Behaviors.receive(Command.class)
        .onMessage(Finished.class, f -> done(finish, true))
        .onMessageEquals(Tick.FINISH_TIMEOUT, () -> done(new Finishing(finish.progress(),
            timedOut("finishing", services.settings().recovery().finishTimeout(), "the local replica did not record the recovery")
                + (finish.complete() ? "" : " (after: " + finish.failure() + ")"),
            finish.unrecoverable()), false))
        .onMessage(Listed.class, l -> Behaviors.same())
        .onAnyMessage(m -> awaitingFinish(new Finishing(dropped("finishing", m, finish.progress()), finish.failure(), finish.unrecoverable())))
        .build();
  }

  // ---- done

  /**
   * The terminal state: reports once, to the event log and the coordinator, then stops, so nothing
   * that arrives afterwards can act (it goes to dead letters).
   */
  private Behavior<Command> done(Finishing finish, boolean recorded) {
    timers.cancelAll();
    events.ended(finish, recorded, millis());
    coordinator.tell(new RecoveryCoordinator.Finished(collector, finish.complete(), context.getSelf()));
    return Behaviors.stopped();
  }

  // ---- helpers

  private String timedOut(String phase, Duration timeout, String detail) {
    return phase + " timed out after " + timeout.toMillis() + " ms: " + detail;
  }

  private RecoveryProgress dropped(String phase, Command message, RecoveryProgress progress) {
    if (context.getLog().isDebugEnabled()) {
      context.getLog().debug("Recovery of [{}] dropped [{}] while {}", collector, message, phase);
    }
    return progress.withDropped();
  }

  private long millis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}

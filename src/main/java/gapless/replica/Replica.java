package gapless.replica;

import akka.Done;
import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.SnapshotAdapter;
import akka.persistence.typed.SnapshotCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.EffectBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SnapshotCountRetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import gapless.metrics.ReplicaFigures;
import gapless.model.RecoveryTrigger;
import gapless.model.StopReason;
import gapless.replica.ReplicaEvent.EpochPromised;
import gapless.replica.ReplicaEvent.GapRecovered;
import gapless.replica.ReplicaEvent.PeerSyncConfirmed;
import gapless.replica.ReplicaEvent.PeerUnreachable;
import gapless.replica.ReplicaEvent.RecordingStopped;
import gapless.replica.ReplicaEvent.StoreLost;
import gapless.replica.ReplicaProtocol.ClaimEpoch;
import gapless.replica.ReplicaProtocol.Command;
import gapless.replica.ReplicaProtocol.DigestRange;
import gapless.replica.ReplicaProtocol.EpochClaimed;
import gapless.replica.ReplicaProtocol.EventsAfter;
import gapless.replica.ReplicaProtocol.FetchBatches;
import gapless.replica.ReplicaProtocol.FindKey;
import gapless.replica.ReplicaProtocol.FinishRecovery;
import gapless.replica.ReplicaProtocol.GetView;
import gapless.replica.ReplicaProtocol.ListTags;
import gapless.replica.ReplicaProtocol.PeerLost;
import gapless.replica.ReplicaProtocol.QuerySamples;
import gapless.replica.ReplicaProtocol.RecoveryInfo;
import gapless.replica.ReplicaProtocol.RepairBatch;
import gapless.replica.ReplicaProtocol.StartRecovery;
import gapless.replica.ReplicaProtocol.StopRecording;
import gapless.replica.ReplicaProtocol.StoreReply;
import gapless.replica.ReplicaProtocol.StoreBatch;
import gapless.replica.ReplicaProtocol.SyncStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * This node's replica of one collector. Its journal is the replica's event log (trimmed behind
 * its snapshots): which batches it holds, the collector's status changes, when its own recording
 * stopped and resumed, what it confirmed with each sibling, what each recovery filled. The
 * samples live in the node's sample store.
 *
 * <p>Write order: samples and blob to the store (one synced LevelDB write, with a journal mark
 * for each batch), then persist {@code BatchStored} (without an fsync), then ack. A crash between
 * the two only makes the seq look missing, and the next delivery or recovery stores it again
 * (idempotent by seq); a power cut that takes the journal's tail leaves the marks, and the replica
 * journals those batches again when it starts, before it answers anything ({@link JournalCheck}).
 * {@link ReplicaWrites} holds that path up to the journal: {@link GroupCommit} groups writes.
 *
 * <p>Seqs are content-checked: a batch for a held seq (or one being written in the same group) is
 * acked only when its blob is the one stored (read back off the actor) or being written. Other
 * content is refused: no ack, a {@code BATCH_CONFLICT} event. A new seq costs no comparison.
 *
 * <p>Owner epochs (see {@link ReplicaProtocol.ClaimEpoch}): a claim is promised durably before it
 * is answered, and owner writes of an older epoch are then fenced. Other content for a held seq
 * under a newer epoch replaces it ({@link HeldWrite}), one replacement at a time: store write,
 * then {@code BatchReplaced}, then ack.
 *
 * <p>Toward its siblings ({@link SiblingSync}) it reports its contiguous seq every sync interval,
 * persists the seq both sides confirmed (throttled), serves their recoveries and scrubs, and asks
 * for a recovery of its own when it stays behind them.
 *
 * <p>Idle and settled, it goes to sleep when its host asks ({@link Sleep}): it stops, and the host
 * starts it again ({@code woke}) for the next command that needs it. Nothing is journaled for a
 * sleep: one woken by its host did not crash, one started with a new host did (or its node stopped).
 */
public final class Replica extends EventSourcedBehaviorWithEnforcedReplies<Command, ReplicaEvent, ReplicaState> {

  private enum SyncTick implements Command, NoSerializationVerificationNeeded { INSTANCE }

  /** The host's: stop if settled, after telling it what a sleeping replica answers with; else say so. */
  record Sleep(ActorRef<ReplicaHost.SleepAnswer> replyTo) implements Command, NoSerializationVerificationNeeded {}

  /** The host's, for a replica that was asleep when its recording stopped: the stop, recorded first thing when it wakes. */
  record StoppedAsleep(StopReason reason, long at) implements Command, NoSerializationVerificationNeeded {}

  /**
   * The store's journal marks were read after the first replay (commands wait until then);
   * {@code ranBefore}: the replay found events, and the last run did not end asleep.
   */
  private record Started(JournalCheck check, Throwable failure, boolean ranBefore)
      implements Command, NoSerializationVerificationNeeded {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String collector;
  private final List<String> replicaSet;
  private final ReplicaServices services;
  private final ActorRef<RecoveryRequest> recovery;
  private final boolean woke;
  private final String node;
  private final ReplicaStore store;

  // Not persisted, and kept across a restart after a journal failure (this object outlives it).
  private final ReplicaReports reports;
  private final ReplicaWrites writes;
  private final SiblingLink siblings;
  private boolean recovering;
  private boolean journalChecked;

  /** {@code host}: the node's replica host, which sends the replica's reports on to its siblings. */
  public static Behavior<Command> create(
      String collector, ReplicaServices services, ActorRef<ReplicaHost.Command> host, ActorRef<RecoveryRequest> recovery) {
    return create(collector, services, host, recovery, false);
  }

  /** {@code woke}: started again by the host it went to sleep in, so its last run did not crash. */
  static Behavior<Command> create(String collector, ReplicaServices services, ActorRef<ReplicaHost.Command> host,
      ActorRef<RecoveryRequest> recovery, boolean woke) {
    return Behaviors.setup(ctx -> {
      // Named here: else the logger's first use looks for this class on the call stack, a cost every replica start paid.
      ctx.setLoggerName(Replica.class);
      return Behaviors.withTimers(timers -> new Replica(ctx, timers, collector, services, host, recovery, woke));
    });
  }

  public static PersistenceId persistenceId(String collector) {
    return PersistenceId.of("replica", collector);
  }

  private Replica(
      ActorContext<Command> context, TimerScheduler<Command> timers, String collector, ReplicaServices services,
      ActorRef<ReplicaHost.Command> host, ActorRef<RecoveryRequest> recovery, boolean woke) {
    // A failed journal write restarts the replica (replay, then the lost group again) after a back-off.
    super(persistenceId(collector), services.settings().replica().restartBackoff().restartStrategy());
    this.context = context;
    this.timers = timers;
    this.collector = collector;
    this.services = services;
    this.recovery = recovery;
    this.woke = woke;
    this.node = services.node();
    this.replicaSet = services.placement().replicaSet(collector);
    this.store = new ReplicaStore(node, collector, services.store(),
        context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("gapless-store-dispatcher")));
    this.reports = new ReplicaReports(node, collector, services.eventLog(), context.getLog());
    this.writes = new ReplicaWrites(context, node, collector, store, services, reports);
    this.siblings = new SiblingLink(node, collector, services.placement().siblings(collector, node),
        new SiblingSync(SiblingSync.Rules.of(services.settings().replica()), now()), host, recovery);
  }

  @Override
  public ReplicaState emptyState() {
    return ReplicaState.EMPTY;
  }

  @Override
  public SnapshotAdapter<ReplicaState> snapshotAdapter() {
    return ReplicaState.snapshots(Replica::now);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Trimmed behind the snapshots unless replica.delete-events-on-snapshot is off: nothing reads old events.
    SnapshotCountRetentionCriteria kept = RetentionCriteria.snapshotEvery(services.settings().replica().snapshotEvery(), 2);
    return services.settings().replica().deleteEventsOnSnapshot() ? kept.withDeleteEventsOnSnapshot() : kept;
  }

  @Override
  public SignalHandler<ReplicaState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onReplayed)
        .onSignal(SnapshotCompleted.class, (state, done) -> writes.snapshotted(done.metadata().sequenceNr()))
        .build();
  }

  /** Runs after every journal replay: the first start, and each restart after a journal failure. */
  private void onReplayed(ReplicaState state) {
    // Started here, not at construction, so a restart never leaves the replica without its tick.
    timers.startTimerWithFixedDelay(SyncTick.INSTANCE, services.settings().replica().syncInterval());
    if (writes.replayed()) {
      boolean ranBefore = lastSequenceNumber(context) > 0 && !woke;
      context.pipeToSelf(store.checkJournal(state::holds, now()), (check, failure) -> new Started(check, failure, ranBefore));
      return;
    }
    // A journal write failed and the replica restarted. The node did not crash, so no stop is
    // recorded: the lost group is written again, and anything else missed shows up as lag.
    writes.restarted(state);
  }

  @Override
  public CommandHandlerWithReply<Command, ReplicaEvent, ReplicaState> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, ReplicaEvent, ReplicaState> builder = newCommandHandlerWithReplyBuilder();
    // Nothing is answered before the journal holds every batch the store holds: a claim must count them all.
    builder.forState(state -> !journalChecked)
        .onCommand(Started.class, this::onStarted)
        .onAnyCommand(cmd -> Effect().stash());
    builder.forState(ReplicaState::isRecording)
        .onCommand(StopRecording.class, (state, cmd) -> recordStop(state, cmd.reason(), now()).thenReply(cmd.replyTo(), s -> Done.getInstance()))
        .onCommand(StoppedAsleep.class, (state, cmd) -> recordStop(state, cmd.reason(), cmd.at()).thenNoReply())
        .onCommand(FinishRecovery.class, (state, cmd) -> finishRecovery(state, cmd, List.of()));
    builder.forState(state -> !state.isRecording())
        // The stop is already recorded: one target event for one stop, however many ask.
        .onCommand(StopRecording.class, (state, cmd) -> Effect().reply(cmd.replyTo(), Done.getInstance()))
        .onCommand(StoppedAsleep.class, (state, cmd) -> Effect().noReply())
        .onCommand(FinishRecovery.class, (state, cmd) -> finishRecovery(state, cmd, cmd.complete() ? List.of(ReplicaEvent.recovered(node, state, now())) : List.of()));
    builder.forAnyState()
        .onCommand(StoreBatch.class, (state, cmd) -> replyIfDue(cmd.replyTo(), writes.offer(state, cmd, now())))
        .onCommand(ReplicaWrites.WriteDone.class, this::onWriteDone)
        .onCommand(HeldWrites.HeldRead.class, (state, read) -> replyIfDue(read.request().replyTo(), writes.judge(state, read, now())))
        .onCommand(HeldWrites.ReplaceDone.class, this::onReplaceDone)
        .onCommand(ClaimEpoch.class, this::onClaim)
        .onCommand(QuerySamples.class, this::onQuery)
        .onCommand(ListTags.class, (state, l) -> noReply(() -> store.answer(l)))
        .onCommand(GetView.class, (state, cmd) -> noReply(() -> store.answer(cmd,
            ReplicaView.of(node, collector, replicaSet, state, recovering, siblings.sync()))))
        .onCommand(SyncTick.class, (state, cmd) -> noReply(() -> {
          siblings.tick(state, recovering);
          reportFigures(state);
        }))
        .onCommand(SyncStatus.class, this::onSyncStatus)
        .onCommand(EventsAfter.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state.indexAfter(node, collector, cmd.afterSeq())))
        // Answered by the store from its own thread, with what the replica knows now.
        .onCommand(FetchBatches.class, (state, f) -> noReply(() -> store.answer(f, state.epochs())))
        .onCommand(FindKey.class, (state, f) -> noReply(() -> store.answer(f, writes.holdingsNow(state).epochs())))
        .onCommand(DigestRange.class, (state, d) -> noReply(() -> store.scrub().answer(d, state.epochs())))
        .onCommand(RepairBatch.class, (state, r) -> noReply(() -> store.scrub().answer(r)))
        .onCommand(PeerLost.class, this::onPeerLost)
        .onCommand(Sleep.class, this::onSleep)
        .onCommand(StartRecovery.class, (state, cmd) -> {
          recovering = true;
          return Effect().reply(cmd.replyTo(), new RecoveryInfo(collector, state.held(), state.epochs(), state.confirmed(), state.serverStop()));
        });
    return builder.build();
  }

  // ---- ingest

  private ReplyEffect<ReplicaEvent, ReplicaState> replyIfDue(ActorRef<StoreReply> replyTo, Optional<StoreReply> reply) {
    return reply.map(r -> Effect().reply(replyTo, r)).orElseGet(() -> Effect().noReply());
  }

  private ReplyEffect<ReplicaEvent, ReplicaState> onWriteDone(ReplicaState state, ReplicaWrites.WriteDone done) {
    return writes.written(state, done)
        .map(events -> persist(state, events).thenRun((ReplicaState s) -> writes.recorded(s, done, lastSequenceNumber(context))).thenNoReply())
        .orElseGet(() -> Effect().noReply());
  }

  private ReplyEffect<ReplicaEvent, ReplicaState> onReplaceDone(ReplicaState state, HeldWrites.ReplaceDone done) {
    return writes.replaced(done)
        .map(e -> persist(state, List.of(e)).thenRun((ReplicaState s) -> writes.replacementRecorded(done, e)).thenNoReply())
        .orElseGet(() -> Effect().noReply());
  }

  // ---- owner epochs

  private ReplyEffect<ReplicaEvent, ReplicaState> onClaim(ReplicaState state, ClaimEpoch c) {
    if (!state.grants(c.epoch(), c.owner())) {
      context.getLog().info("Claim of epoch [{}] of [{}] by [{}] refused: epoch [{}] promised to [{}]",
          c.epoch(), collector, c.owner(), state.promisedEpoch(), state.promisedOwner());
      return Effect().reply(c.replyTo(), claimed(state, c, false));
    }
    // Durable before answered: a promise forgotten in a crash would let the old owner write again.
    return persist(state, List.of(new EpochPromised(node, c.epoch(), c.owner(), now())))
        .thenReply(c.replyTo(), s -> claimed(s, c, true));
  }

  /** The answer to a claim: what is held and being written. */
  private EpochClaimed claimed(ReplicaState state, ClaimEpoch c, boolean granted) {
    ReplicaState.Holdings h = writes.holdingsNow(state);
    return new EpochClaimed(node, collector, c.epoch(), granted, state.promisedEpoch(), h.held(), h.epochs(),
        h.newestAcceptedAt());
  }

  private ReplyEffect<ReplicaEvent, ReplicaState> onQuery(ReplicaState state, QuerySamples q) {
    store.answer(q, Math.max(1, Math.min(q.limit(), services.settings().query().maxSamples())),
        services.settings().query().maxIntervals(), state.held().contiguous());
    return Effect().noReply();
  }

  // ---- siblings

  /**
   * A sibling went away: journaled with the seq confirmed with it, unless it was last journaled
   * going away at that very seq (a flapping sibling would otherwise add an event per flap, telling
   * nothing new).
   */
  private ReplyEffect<ReplicaEvent, ReplicaState> onPeerLost(ReplicaState state, PeerLost cmd) {
    long confirmed = state.confirmedWith(cmd.peer());
    return siblings.lostBefore(cmd.peer(), confirmed) ? Effect().noReply()
        : persist(state, List.of(new PeerUnreachable(node, cmd.peer(), confirmed, now())))
            .thenRun((ReplicaState s) -> siblings.lostRecorded(cmd.peer(), confirmed)).thenNoReply();
  }

  private ReplyEffect<ReplicaEvent, ReplicaState> onSyncStatus(ReplicaState state, SyncStatus s) {
    long now = now();
    OptionalLong confirmed = siblings.reported(state, s, recovering, now);
    return confirmed.isEmpty() ? Effect().noReply()
        : persist(state, List.of(new PeerSyncConfirmed(node, s.peer(), confirmed.getAsLong(), now))).thenNoReply();
  }

  // ---- sleep

  private ReplyEffect<ReplicaEvent, ReplicaState> onSleep(ReplicaState state, Sleep cmd) {
    ActorRef<Command> self = context.getSelf();
    if (!settled(state)) {
      cmd.replyTo().tell(new ReplicaHost.StayedAwake(collector, self));
      return Effect().noReply();
    }
    Sleepers.Asleep asleep = new Sleepers.Asleep(ReplicaView.of(node, collector, replicaSet, state, false, siblings.sync()).asSleeping(), state.epochs());
    return Effect().none().thenRun((ReplicaState s) -> {
      timers.cancelAll();
      cmd.replyTo().tell(new ReplicaHost.FellAsleep(collector, self, asleep));
    }).thenStop().thenNoReply();
  }

  /** Nothing under way and nothing to catch up: what it holds now is all a sleeping replica needs to answer. */
  private boolean settled(ReplicaState state) {
    long contiguous = state.held().contiguous();
    return state.isRecording() && !recovering && writes.isIdle()
        && state.held().highest() == contiguous && siblings.inStep(state, replicaSet);
  }

  /** For the node's metrics: read at a scrape, so each tick's report is enough. */
  private void reportFigures(ReplicaState state) {
    long contiguous = state.held().contiguous();
    services.figures().report(collector, new ReplicaFigures.Figures(contiguous, state.held().missing().count(),
        siblings.sync().lag(contiguous), recovering));
  }

  /** Work whose answer, if any, is not the replica's to give now. */
  private ReplyEffect<ReplicaEvent, ReplicaState> noReply(Runnable work) {
    work.run();
    return Effect().noReply();
  }

  // ---- stops and recovery

  /**
   * Right after the first replay, before any command is answered: the batches whose events the
   * journal lost are journaled again; bound to the node's store, or the store it describes lost; a crash recorded.
   */
  private ReplyEffect<ReplicaEvent, ReplicaState> onStarted(ReplicaState state, Started started) {
    List<ReplicaEvent> lost = writes.journalChecked(started.check(), started.failure());
    journalChecked = true;
    List<ReplicaEvent> events = StartupEvents.of(node, state, lost, services.store().id(), lastSequenceNumber(context) > 0,
        started.ranBefore(), now());
    return (events.isEmpty() ? Effect().<ReplicaEvent, ReplicaState>none() : Effect().persist(events)).thenRun((ReplicaState s) -> {
      writes.marked(started.check().marked(), lastSequenceNumber(context));
      reports.restored(lost);
      events.forEach(reports::recorded);
      if (events.stream().anyMatch(StoreLost.class::isInstance)) {
        recovery.tell(new RecoveryRequest.Recover(collector, RecoveryTrigger.STORE_LOST, "store " + s.storeId()));
      }
    }).thenNoReply().thenUnstashAll();
  }

  private EffectBuilder<ReplicaEvent, ReplicaState> recordStop(ReplicaState state, StopReason reason, long at) {
    RecordingStopped e = ReplicaEvent.stopped(node, state, reason, at);
    return persist(state, List.of(e)).thenRun(s -> reports.recorded(e));
  }

  private ReplyEffect<ReplicaEvent, ReplicaState> finishRecovery(ReplicaState state, FinishRecovery f,
      List<ReplicaEvent> resume) {
    recovering = false;
    List<ReplicaEvent> events = new ArrayList<>(2);
    RecoveryRecord r = f.filled();
    if (r != null) {
      events.add(new GapRecovered(node, r.ranges(), r.sources(), r.batches(), r.samples(), r.bytes(), r.millis(), now()));
    }
    events.addAll(resume);
    return persist(state, events)
        .thenRun(s -> events.forEach(reports::recorded))
        .thenReply(f.replyTo(), s -> Done.getInstance());
  }

  /** Every persist but the start-up check's: a new replica's first events bind its journal to the node's store. */
  private EffectBuilder<ReplicaEvent, ReplicaState> persist(ReplicaState state, List<ReplicaEvent> events) {
    return Effect().persist(StartupEvents.bound(node, state, services.store().id(), events, now()));
  }

  @Override
  public EventHandler<ReplicaState, ReplicaEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(ReplicaState::apply);
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}

package gapless.replica;

import akka.Done;
import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.EffectBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import gapless.events.ClusterEvent;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.model.RecoveryTrigger;
import gapless.model.SeqEpochs;
import gapless.model.ResumeReason;
import gapless.model.StopReason;
import gapless.store.SampleStore;
import gapless.model.SeqRanges;
import gapless.replica.ReplicaEvent.BatchReplaced;
import gapless.replica.ReplicaEvent.BatchStored;
import gapless.replica.ReplicaEvent.EpochPromised;
import gapless.replica.ReplicaEvent.GapRecovered;
import gapless.replica.ReplicaEvent.PeerSyncConfirmed;
import gapless.replica.ReplicaEvent.PeerUnreachable;
import gapless.replica.ReplicaEvent.RecordingResumed;
import gapless.replica.ReplicaEvent.RecordingStopped;
import gapless.replica.ReplicaProtocol.ClaimEpoch;
import gapless.replica.ReplicaProtocol.Command;
import gapless.replica.ReplicaProtocol.EpochClaimed;
import gapless.replica.ReplicaProtocol.EventIndex;
import gapless.replica.ReplicaProtocol.EventsAfter;
import gapless.replica.ReplicaProtocol.FetchBatches;
import gapless.replica.ReplicaProtocol.FinishRecovery;
import gapless.replica.ReplicaProtocol.GetView;
import gapless.replica.ReplicaProtocol.PeerLost;
import gapless.replica.ReplicaProtocol.QuerySamples;
import gapless.replica.ReplicaProtocol.RecoveryInfo;
import gapless.replica.ReplicaProtocol.StartRecovery;
import gapless.replica.ReplicaProtocol.StopRecording;
import gapless.replica.ReplicaProtocol.StoreAck;
import gapless.replica.ReplicaProtocol.StoreBatch;
import gapless.replica.ReplicaProtocol.StoreFenced;
import gapless.replica.ReplicaProtocol.SyncStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * This node's replica of one collector. Its journal is the replica's event log: which batches it
 * holds, the collector's status changes, when its own recording stopped and resumed, what it
 * confirmed with each sibling, and what each recovery filled. The samples live in the node's
 * sample store.
 *
 * <p>Write order: samples and blob to the store (one synced LevelDB write), then persist
 * {@code BatchStored}, then ack. A crash between the two only makes the seq look missing, and the
 * next delivery or recovery stores it again (idempotent by seq). Writes are grouped by
 * {@link GroupCommit}; the sibling exchange is decided by {@link SiblingSync}.
 *
 * <p>Seqs are content-checked: a batch for a seq already held is acked only when its blob is the
 * one stored (read back from the store, off the actor), and a batch for a seq being written in the
 * same group only when it is the same as the one written. Other content is refused: no ack, a
 * {@code BATCH_CONFLICT} event. A batch for a seq not yet held costs no comparison.
 *
 * <p>Owner epochs (see {@link ReplicaProtocol.ClaimEpoch}): a claim is promised durably before it
 * is answered, and owner writes of an older epoch are then fenced. Other content for a held seq
 * under a newer epoch replaces it ({@link HeldWrite}), one replacement at a time: store write,
 * then {@code BatchReplaced}, then ack.
 *
 * <p>Toward its siblings it reports its contiguous seq every sync interval, persists the seq both
 * sides confirmed (throttled), serves their recoveries ({@link EventsAfter}, {@link FetchBatches}),
 * and asks for a recovery of its own when it stays behind them.
 */
public final class Replica extends EventSourcedBehaviorWithEnforcedReplies<Command, ReplicaEvent, ReplicaState> {

  private record WriteDone(int incarnation, GroupCommit.Group<StoreBatch> group, List<ReplicaEvent> events, Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  /**
   * What the store holds for a seq already held, read back to judge {@code request}; {@code
   * replacements} tells a read made before a replacement started from one made after it.
   */
  private record HeldRead(StoreBatch request, int replacements, ReplicaStore.Held held, Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  /** A replacement's store write ended; {@code then} is judged again once it is recorded (or null). */
  private record ReplaceDone(int incarnation, StoreBatch request, BatchReplaced event, StoreBatch then, Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  private record SiblingsChanged(Receptionist.Listing listing) implements Command, NoSerializationVerificationNeeded {}

  private enum SyncTick implements Command, NoSerializationVerificationNeeded { INSTANCE }

  /** {@code replayedEvents}: whether the replay found any event, i.e. this replica ran before. */
  private record StartupCheck(boolean replayedEvents) implements Command, NoSerializationVerificationNeeded {}

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final String collector;
  private final List<String> replicaSet;
  private final ReplicaServices services;
  private final ActorRef<RecoveryRequest> recovery;
  private final String node;
  private final ReplicaStore store;

  // Not persisted, and kept across a restart after a journal failure (this object outlives it).
  private final GroupCommit<StoreBatch> groupCommit =
      new GroupCommit<>(StoreBatch::seq, StoreBatch::epoch, (a, b) -> Arrays.equals(a.blob(), b.blob()));
  // One replacement at a time, so each one's "replaced" figures are those the state holds.
  private StoreBatch replacing;
  private final List<StoreBatch> waitingToReplace = new ArrayList<>();
  private int replacementsStarted;
  private final ConflictReports conflicts;
  private final FencedWrites fenced;
  private final SiblingSync sync;
  private final Map<String, ActorRef<ReplicaHost.Command>> siblingHosts = new HashMap<>();
  private boolean recovering;
  // Counts journal replays: a store write started before a restart is written again after it,
  // so its late completion is ignored and one write stays in flight.
  private int incarnation;

  public static Behavior<Command> create(
      String collector, ReplicaServices services, ActorRef<RecoveryRequest> recovery) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Replica(ctx, timers, collector, services, recovery)));
  }

  public static PersistenceId persistenceId(String collector) {
    return PersistenceId.of("replica", collector);
  }

  private Replica(
      ActorContext<Command> context, TimerScheduler<Command> timers, String collector, ReplicaServices services,
      ActorRef<RecoveryRequest> recovery) {
    // A failed journal write restarts the replica (replay, then the lost group again) after a back-off.
    super(persistenceId(collector), services.settings().replica().restartBackoff().restartStrategy());
    this.context = context;
    this.timers = timers;
    this.collector = collector;
    this.services = services;
    this.recovery = recovery;
    this.node = services.node();
    this.replicaSet = services.placement().replicaSet(collector);
    this.store = new ReplicaStore(node, collector, services.store(),
        context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("gapless-store-dispatcher")));
    var s = services.settings();
    this.conflicts = new ConflictReports(node, collector, context.getSystem(), services.eventLog(), context.getLog());
    this.fenced = new FencedWrites(collector, context.getLog(), 10_000);
    this.sync = new SiblingSync(new SiblingSync.Rules(s.replica().confirmEverySeqs(), s.replica().confirmMaxDelay().toMillis(),
        s.replica().heartbeatIntervals(), s.replica().lagIntervals()), now());
    ReplicaHost.subscribe(context.getSystem(), services.placement().siblings(collector, node),
        context.messageAdapter(Receptionist.Listing.class, SiblingsChanged::new));
  }

  @Override
  public ReplicaState emptyState() {
    return ReplicaState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Snapshots only: the events stay, they are the replica's log.
    return RetentionCriteria.snapshotEvery(services.settings().replica().snapshotEvery(), 2);
  }

  @Override
  public SignalHandler<ReplicaState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onReplayed)
        .build();
  }

  /** Runs after every journal replay: the first start, and each restart after a journal failure. */
  private void onReplayed(ReplicaState state) {
    // Started here, not at construction, so a restart never leaves the replica without its tick.
    timers.startTimerWithFixedDelay(SyncTick.INSTANCE, services.settings().replica().syncInterval());
    if (incarnation++ == 0) {
      // Taken now: commands that waited for the replay (a claim's promise) may persist before the check runs.
      context.getSelf().tell(new StartupCheck(lastSequenceNumber(context) > 0));
      return;
    }
    // A journal write failed and the replica restarted. The node did not crash, so no stop is
    // recorded: the lost group is written again, and anything else missed shows up as lag.
    Optional<GroupCommit.Group<StoreBatch>> again = groupCommit.restarted(state::holds);
    // A replacement in flight is judged again: the store tells whether it landed.
    Optional.ofNullable(replacing).ifPresent(waitingToReplace::add);
    replacing = null;
    List<StoreBatch> judgeAgain = List.copyOf(waitingToReplace);
    waitingToReplace.clear();
    judgeAgain.forEach(this::compareWithStored);
    int batches = again.map(g -> g.members().size()).orElse(0);
    context.getLog().warn("Replica of [{}] restarted after a journal failure; [{}] batches go again", collector, batches);
    emit(ClusterEvents.replicaRestarted(node, collector, "journal write failed", batches));
    again.ifPresent(this::write);
  }

  @Override
  public CommandHandlerWithReply<Command, ReplicaEvent, ReplicaState> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, ReplicaEvent, ReplicaState> builder = newCommandHandlerWithReplyBuilder();
    builder.forState(ReplicaState::isRecording)
        .onCommand(StartupCheck.class, this::onStartupWhileRecording)
        .onCommand(StopRecording.class, (state, cmd) -> recordStop(state, cmd.reason()).thenReply(cmd.replyTo(), s -> Done.getInstance()))
        .onCommand(FinishRecovery.class, (state, cmd) -> finishRecovery(cmd, List.of()));
    builder.forState(state -> !state.isRecording())
        .onCommand(StartupCheck.class, (state, cmd) -> Effect().noReply())
        // The stop is already recorded: one target event for one stop, however many ask.
        .onCommand(StopRecording.class, (state, cmd) -> Effect().reply(cmd.replyTo(), Done.getInstance()))
        .onCommand(FinishRecovery.class, (state, cmd) -> finishRecovery(cmd, cmd.complete() ? List.of(resumed(state)) : List.of()));
    builder.forAnyState()
        .onCommand(StoreBatch.class, this::onStoreBatch)
        .onCommand(WriteDone.class, this::onWriteDone)
        .onCommand(HeldRead.class, this::onHeldRead)
        .onCommand(ReplaceDone.class, this::onReplaceDone)
        .onCommand(ClaimEpoch.class, this::onClaim)
        .onCommand(QuerySamples.class, this::onQuery)
        .onCommand(GetView.class, (state, cmd) -> Effect().reply(cmd.replyTo(), view(state)))
        .onCommand(SyncTick.class, (state, cmd) -> onSyncTick(state))
        .onCommand(SyncStatus.class, this::onSyncStatus)
        .onCommand(SiblingsChanged.class, this::onSiblingsChanged)
        .onCommand(EventsAfter.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new EventIndex(node, collector, cmd.afterSeq(),
            state.held().clip(cmd.afterSeq() + 1, Long.MAX_VALUE), state.epochs().clip(cmd.afterSeq() + 1, Long.MAX_VALUE),
            state.statusMarksAfter(cmd.afterSeq()), state.held().highest())))
        .onCommand(FetchBatches.class, this::onFetch)
        .onCommand(PeerLost.class, (state, cmd) -> Effect()
            .persist(new PeerUnreachable(node, cmd.peer(), state.confirmedWith(cmd.peer()), now())).thenNoReply())
        .onCommand(StartRecovery.class, (state, cmd) -> {
          recovering = true;
          return Effect().reply(cmd.replyTo(), new RecoveryInfo(collector, state.held(), state.epochs(), state.confirmed(), state.serverStop()));
        });
    return builder.build();
  }

  private ReplicaView view(ReplicaState state) {
    return ReplicaView.of(node, collector, replicaSet, state, recovering, sync.lag(state.held().contiguous()), sync.peers());
  }

  // ---- ingest

  private ReplyEffect<ReplicaEvent, ReplicaState> onStoreBatch(ReplicaState state, StoreBatch cmd) {
    if (isFenced(state, cmd)) {
      return Effect().reply(cmd.replyTo(), fencedReply(state, cmd));
    }
    if (state.holds(cmd.seq())) {
      // Acked (or refused) once compared with what is stored.
      compareWithStored(cmd);
      return Effect().noReply();
    }
    // Acked later, once its group is durable.
    groupCommit.add(cmd, state::holds).ifPresent(this::write);
    return Effect().noReply();
  }

  private void write(GroupCommit.Group<StoreBatch> group) {
    group.refused().forEach(r -> conflicts.refused(r.refused(), BatchCodec.checksum(r.kept().blob()), "being written"));
    group.held().forEach(this::compareWithStored);
    int startedIn = incarnation;
    context.pipeToSelf(store.write(group.toWrite(), now()), (events, failure) -> new WriteDone(startedIn, group, events, failure));
  }

  private boolean isFenced(ReplicaState state, StoreBatch cmd) {
    return cmd.kind() == ReplicaProtocol.WriteKind.OWNER && state.fences(cmd.epoch());
  }

  private StoreFenced fencedReply(ReplicaState state, StoreBatch cmd) {
    fenced.fenced(cmd, state.promisedEpoch(), now());
    return new StoreFenced(node, collector, cmd.seq(), cmd.epoch(), state.promisedEpoch());
  }

  /** A batch for a seq already held: the rare path, so reading the stored blob back is fine. */
  private void compareWithStored(StoreBatch cmd) {
    int started = replacementsStarted;
    context.pipeToSelf(store.held(cmd.seq()), (held, failure) -> new HeldRead(cmd, started, held, failure));
  }

  private ReplyEffect<ReplicaEvent, ReplicaState> onHeldRead(ReplicaState state, HeldRead read) {
    StoreBatch cmd = read.request();
    if (read.failure() != null) {
      // Not acked: the sender sends again.
      context.getLog().error("Reading the stored batch [{}] of [{}] to compare failed", cmd.seq(), collector, read.failure());
      return Effect().noReply();
    }
    if (replacing != null) {
      waitingToReplace.add(cmd);
      return Effect().noReply();
    }
    if (read.replacements() != replacementsStarted) {
      // Read before a replacement that has ended since: the store may hold other content now.
      compareWithStored(cmd);
      return Effect().noReply();
    }
    if (read.held().blob().isEmpty()) {
      // The journal says held but the store has no blob: nothing here to ack it with.
      context.getLog().error("Batch [{}] of [{}] is held but not in the sample store; not acked", cmd.seq(), collector);
      return Effect().noReply();
    }
    if (isFenced(state, cmd)) {
      // Judged now, not when it arrived: the promise may be newer than the request.
      return Effect().reply(cmd.replyTo(), fencedReply(state, cmd));
    }
    byte[] stored = read.held().blob().get();
    long heldEpoch = state.epochs().epochOf(cmd.seq());
    return switch (HeldWrite.judge(heldEpoch, stored, read.held().replaced(), cmd.epoch(), cmd.blob())) {
      case ACK -> Effect().reply(cmd.replyTo(), new StoreAck(node, collector, cmd.seq()));
      case REFUSE -> {
        conflicts.refused(cmd, BatchCodec.checksum(stored), "stored");
        yield Effect().noReply();
      }
      case RECORD_EPOCH -> replace(cmd, stored, heldEpoch, false, null);
      case REPLACE -> replace(cmd, stored, heldEpoch, true, null);
      case FINISH_REPLACEMENT -> {
        SampleStore.Replaced last = read.held().replaced().get();
        StoreBatch landed = new StoreBatch(collector, cmd.seq(), last.epoch(), stored, ReplicaProtocol.WriteKind.COPY, null);
        context.getLog().warn("Batch [{}] of [{}] was replaced in the store under epoch [{}] but not journaled; recording it",
            cmd.seq(), collector, last.epoch());
        yield replace(landed, last.oldBlob(), heldEpoch, false, cmd);
      }
    };
  }

  /**
   * Starts replacing the held {@code old} (of {@code oldEpoch}) by {@code request}'s batch;
   * {@code write} false records it without writing the store (it holds the new blob already).
   */
  private ReplyEffect<ReplicaEvent, ReplicaState> replace(StoreBatch request, byte[] old, long oldEpoch, boolean write, StoreBatch then) {
    replacing = request;
    replacementsStarted++;
    int startedIn = incarnation;
    context.pipeToSelf(store.replace(request, old, oldEpoch, write, now()),
        (event, failure) -> new ReplaceDone(startedIn, request, event, then, failure));
    return Effect().noReply();
  }

  private ReplyEffect<ReplicaEvent, ReplicaState> onReplaceDone(ReplicaState state, ReplaceDone done) {
    if (done.incarnation() != incarnation) {
      return Effect().noReply();
    }
    replacing = null;
    if (done.failure() != null) {
      // Not acked: the sender sends again.
      context.getLog().error("Replacing batch [{}] of [{}] failed", done.request().seq(), collector, done.failure());
      judgeWaiting();
      return Effect().noReply();
    }
    BatchReplaced e = done.event();
    return Effect().persist(e).thenRun((ReplicaState s) -> {
      if (done.then() != null) {
        compareWithStored(done.then());
      } else {
        done.request().replyTo().tell(new StoreAck(node, collector, e.seq()));
      }
      if (e.checksum() != e.replacedChecksum()) {
        context.getLog().info("Batch [{}] of [{}] of epoch [{}] replaced by the content of epoch [{}]",
            e.seq(), collector, e.replacedEpoch(), e.epoch());
        emit(ClusterEvents.batchReplaced(node, collector, e.seq(), e.replacedEpoch(), e.epoch(),
            "stored crc32c=" + e.replacedChecksum() + " (" + e.replacedSamples() + " samples), new crc32c=" + e.checksum()
                + " (" + e.samples() + " samples" + (e.status() == null ? "" : ", " + e.status()) + ")"));
      }
      judgeWaiting();
    }).thenNoReply();
  }

  private void judgeWaiting() {
    List<StoreBatch> again = List.copyOf(waitingToReplace);
    waitingToReplace.clear();
    again.forEach(this::compareWithStored);
  }

  // ---- owner epochs

  private ReplyEffect<ReplicaEvent, ReplicaState> onClaim(ReplicaState state, ClaimEpoch c) {
    if (!state.grants(c.epoch(), c.owner())) {
      context.getLog().info("Claim of epoch [{}] of [{}] by [{}] refused: epoch [{}] promised to [{}]",
          c.epoch(), collector, c.owner(), state.promisedEpoch(), state.promisedOwner());
      return Effect().reply(c.replyTo(), claimed(state, c, false));
    }
    // Durable before answered: a promise forgotten in a crash would let the old owner write again.
    return Effect().persist(new EpochPromised(node, c.epoch(), c.owner(), now()))
        .thenReply(c.replyTo(), s -> claimed(s, c, true));
  }

  /**
   * The answer to a claim: what is held, plus what was accepted before the promise and is still
   * being written (it lands and is acked, so the new owner must start above it), with its epochs.
   */
  private EpochClaimed claimed(ReplicaState state, ClaimEpoch c, boolean granted) {
    SeqRanges held = state.held();
    SeqEpochs epochs = state.epochs();
    List<StoreBatch> writing = new ArrayList<>(groupCommit.pending());
    Optional.ofNullable(replacing).ifPresent(writing::add);
    for (StoreBatch b : writing) {
      boolean replaces = b == replacing;
      if (state.holds(b.seq()) && !replaces) {
        continue; // judged against the stored blob later, and fenced then if it must be
      }
      held = held.add(b.seq());
      if (b.epoch() > epochs.epochOf(b.seq())) {
        epochs = epochs.with(b.seq(), b.epoch());
      }
    }
    return new EpochClaimed(node, collector, c.epoch(), granted, state.promisedEpoch(), held, epochs);
  }

  private ReplyEffect<ReplicaEvent, ReplicaState> onWriteDone(ReplicaState state, WriteDone done) {
    if (done.incarnation() != incarnation) {
      return Effect().noReply();
    }
    if (done.failure() != null) {
      // Nothing is acked: the gateway sends again, or recovery fetches it later.
      context.getLog().error("Storing [{}] batches of [{}] failed", done.group().members().size(), collector, done.failure());
      groupCommit.finished(state::holds).ifPresent(this::write);
      return Effect().noReply();
    }
    return Effect().persist(done.events()).thenRun((ReplicaState newState) -> {
      done.group().members().forEach(b -> b.replyTo().tell(new StoreAck(node, collector, b.seq())));
      done.events().forEach(this::logStatusChange);
      groupCommit.finished(newState::holds).ifPresent(this::write);
    }).thenNoReply();
  }

  private void logStatusChange(ReplicaEvent e) {
    if (e instanceof RecordingStopped s) {
      // A collector stop is a mark in the collector's history; the replica's own progress is beside the point.
      boolean collectorStop = s.reason() == StopReason.COLLECTOR_STOPPED;
      emit(ClusterEvents.recordingStopped(node, collector, s.reason(), s.seq(),
          collectorStop ? null : s.contiguousSeq(), s.detail()));
    } else if (e instanceof RecordingResumed r) {
      emit(ClusterEvents.recordingResumed(node, collector, r.reason(), r.seq(), r.detail()));
    }
  }

  private void emit(ClusterEvent event) {
    services.eventLog().tell(new EventLog.Emit(event));
  }

  private ReplyEffect<ReplicaEvent, ReplicaState> onQuery(ReplicaState state, QuerySamples q) {
    int limit = Math.max(1, Math.min(q.limit(), services.settings().query().maxSamples()));
    store.answer(q, limit, state.held().contiguous(), state.stopsOverlapping(q.from(), q.to()));
    return Effect().noReply();
  }


  // ---- siblings

  private ReplyEffect<ReplicaEvent, ReplicaState> onSiblingsChanged(ReplicaState state, SiblingsChanged msg) {
    String sibling = ReplicaHost.nodeOf(msg.listing());
    ReplicaHost.reachableHost(msg.listing())
        .ifPresentOrElse(h -> siblingHosts.put(sibling, h), () -> siblingHosts.remove(sibling));
    return Effect().noReply();
  }

  private ReplyEffect<ReplicaEvent, ReplicaState> onSyncTick(ReplicaState state) {
    long contiguous = state.held().contiguous();
    if (sync.statusDue(contiguous)) {
      // Only the epochs of what is not yet confirmed with that sibling: all it may still confirm.
      siblingHosts.forEach((sibling, h) -> h.tell(new SyncStatus(collector, node, contiguous,
          state.epochs().clip(state.confirmedWith(sibling) + 1, contiguous))));
    }
    sync.behindSibling(contiguous, recovering).ifPresent(target -> recovery.tell(new RecoveryRequest.Recover(
        collector, RecoveryTrigger.BEHIND_SIBLING, "holds 1.." + contiguous + ", a sibling holds 1.." + target)));
    return Effect().noReply();
  }

  private ReplyEffect<ReplicaEvent, ReplicaState> onSyncStatus(ReplicaState state, SyncStatus s) {
    long now = now();
    SiblingSync.Reported r = sync.siblingReported(s.peer(), s.contiguousSeq(), s.epochs(), state.held().contiguous(),
        state.epochs(), state.confirmedWith(s.peer()), now);
    r.staleSeq().ifPresent(seq -> {
      if (!recovering) {
        recovery.tell(new RecoveryRequest.Recover(collector, RecoveryTrigger.STALE_EPOCH, "holds seq " + seq + " under epoch "
            + r.ownEpoch() + ", sibling " + s.peer() + " holds it under epoch " + r.peerEpoch()));
      }
    });
    OptionalLong confirmed = r.confirm();
    if (confirmed.isEmpty()) {
      return Effect().noReply();
    }
    return Effect().persist(new PeerSyncConfirmed(node, s.peer(), confirmed.getAsLong(), now)).thenNoReply();
  }

  private ReplyEffect<ReplicaEvent, ReplicaState> onFetch(ReplicaState state, FetchBatches f) {
    store.answer(f, state.epochs());
    return Effect().noReply();
  }


  // ---- stops and recovery

  private ReplyEffect<ReplicaEvent, ReplicaState> onStartupWhileRecording(ReplicaState state, StartupCheck check) {
    if (check.replayedEvents()) {
      // The last run ended while recording: it crashed, and may have missed anything after this.
      return recordStop(state, StopReason.UNCLEAN_SHUTDOWN).thenNoReply();
    }
    return Effect().noReply();
  }

  private EffectBuilder<ReplicaEvent, ReplicaState> recordStop(ReplicaState state, StopReason reason) {
    RecordingStopped e = new RecordingStopped(node, reason, state.held().highest(), state.held().contiguous(), "", now(), now());
    return Effect().persist(e).thenRun(s -> logStatusChange(e));
  }

  private RecordingResumed resumed(ReplicaState state) {
    return new RecordingResumed(node, ResumeReason.RECOVERED, state.held().highest(),
        "stopped " + state.serverStop().reason() + " at seq " + state.serverStop().highestSeq(), now(), now());
  }

  private ReplyEffect<ReplicaEvent, ReplicaState> finishRecovery(FinishRecovery f, List<ReplicaEvent> resume) {
    recovering = false;
    List<ReplicaEvent> events = new ArrayList<>(2);
    RecoveryRecord r = f.filled();
    if (r != null) {
      events.add(new GapRecovered(node, r.ranges(), r.sources(), r.batches(), r.samples(), r.bytes(), r.millis(), now()));
    }
    events.addAll(resume);
    return Effect().persist(events)
        .thenRun(s -> events.forEach(this::logStatusChange))
        .thenReply(f.replyTo(), s -> Done.getInstance());
  }

  @Override
  public EventHandler<ReplicaState, ReplicaEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(BatchStored.class, (state, e) -> state.withBatch(e.seq(), e.epoch(), e.checksum(), e.samples(), e.bytes()))
        .onEvent(BatchReplaced.class, ReplicaState::withReplaced)
        .onEvent(EpochPromised.class, (state, e) -> state.withPromise(e.epoch(), e.owner()))
        .onEvent(RecordingStopped.class, (state, e) -> e.reason() == StopReason.COLLECTOR_STOPPED
            ? state.withStatusMark(new StatusMark(e.seq(), CollectorStatus.STOPPED, e.detail(), e.at()))
            : state.withServerStop(new ServerStop(e.reason(), e.contiguousSeq(), e.seq(), e.time())))
        .onEvent(RecordingResumed.class, (state, e) -> e.reason() == ResumeReason.COLLECTOR_RUNNING
            ? state.withStatusMark(new StatusMark(e.seq(), CollectorStatus.RUNNING, e.detail(), e.at()))
            : state.withServerStop(null))
        .onEvent(PeerUnreachable.class, (state, e) -> state)
        .onEvent(PeerSyncConfirmed.class, (state, e) -> state.withConfirmed(e.peer(), e.seq()))
        .onEvent(GapRecovered.class, (state, e) -> state.withRecovery(
            new RecoveryRecord(e.ranges(), e.sources(), e.batches(), e.samples(), e.bytes(), e.millis(), e.time())))
        .build();
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}

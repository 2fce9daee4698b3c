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
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import gapless.replica.ReplicaEvent.BatchStored;
import gapless.replica.ReplicaEvent.GapRecovered;
import gapless.replica.ReplicaEvent.PeerSyncConfirmed;
import gapless.replica.ReplicaEvent.PeerUnreachable;
import gapless.replica.ReplicaEvent.RecordingResumed;
import gapless.replica.ReplicaEvent.RecordingStopped;
import gapless.replica.ReplicaProtocol.BatchChunk;
import gapless.replica.ReplicaProtocol.Command;
import gapless.replica.ReplicaProtocol.EventIndex;
import gapless.replica.ReplicaProtocol.EventsAfter;
import gapless.replica.ReplicaProtocol.FetchBatches;
import gapless.replica.ReplicaProtocol.FinishRecovery;
import gapless.replica.ReplicaProtocol.GetView;
import gapless.replica.ReplicaProtocol.PeerLost;
import gapless.replica.ReplicaProtocol.QuerySamples;
import gapless.replica.ReplicaProtocol.RecoveryInfo;
import gapless.replica.ReplicaProtocol.SampleAnswer;
import gapless.replica.ReplicaProtocol.StartRecovery;
import gapless.replica.ReplicaProtocol.StopRecording;
import gapless.replica.ReplicaProtocol.StoreAck;
import gapless.replica.ReplicaProtocol.StoreBatch;
import gapless.replica.ReplicaProtocol.SyncStatus;
import gapless.events.ClusterEvent;
import gapless.events.EventLog;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.model.EncodedBatch;
import gapless.model.Sample;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import akka.persistence.typed.javadsl.EffectBuilder;

/**
 * This node's replica of one collector. Its journal is the replica's event log: which batches it
 * holds, the collector's status changes, when its own recording stopped and resumed, what it
 * confirmed with each sibling, and what each recovery filled. The samples live in the node's
 * sample store.
 *
 * <p>Write order: samples and blob to the store (one synced LevelDB write), then persist
 * {@code BatchStored}, then ack. A crash between the two only makes the seq look missing, and the
 * next delivery or recovery stores it again (idempotent by seq).
 *
 * <p>Group commit: while one store write is in flight, newly arrived batches wait; when it is
 * done, everything that waited goes to the store in one write and to the journal in one
 * {@code persist}. One fsync pair serves a whole group.
 *
 * <p>Toward its siblings it reports its contiguous seq every sync interval, persists the seq both
 * sides confirmed (throttled), serves their recoveries ({@link EventsAfter}, {@link FetchBatches}),
 * and asks for a recovery of its own when it stays behind them.
 */
public final class Replica extends EventSourcedBehavior<Command, ReplicaEvent, ReplicaState> {

  // ---- local only

  private record WriteDone(List<StoreBatch> group, List<ReplicaEvent> events, Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  private record SiblingsChanged(Receptionist.Listing listing) implements Command, NoSerializationVerificationNeeded {}

  private enum Internal implements Command, NoSerializationVerificationNeeded {
    SYNC_TICK,
    CHECK_STARTUP
  }

  private final ActorContext<Command> context;
  private final String collector;
  private final List<String> replicaSet;
  private final List<String> siblings;
  private final ReplicaServices services;
  private final ActorRef<RecoveryRequest> recovery;
  private final String node;
  private final Executor storeExecutor;

  // Not persisted: group commit, siblings seen, sync and lag bookkeeping, recovery in progress.
  private final List<StoreBatch> waiting = new ArrayList<>();
  private boolean writing;
  private final Map<String, ActorRef<ReplicaHost.Command>> siblingHosts = new HashMap<>();
  private final Map<String, Long> peerContiguous = new HashMap<>();
  private final Map<String, Long> lastConfirmPersisted = new HashMap<>();
  private long lastSentContiguous = -1;
  private int ticksSinceSent;
  private long behindTarget;
  private int behindTicks;
  private boolean recovering;
  private final long startedAt = now();

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
    super(persistenceId(collector));
    this.recovery = recovery;
    this.context = context;
    this.collector = collector;
    this.services = services;
    this.node = services.node();
    this.replicaSet = services.placement().replicaSet(collector);
    this.siblings = replicaSet.stream().filter(n -> !n.equals(node)).toList();
    this.storeExecutor = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("gapless-store-dispatcher"));
    ActorRef<Receptionist.Listing> adapter = context.messageAdapter(Receptionist.Listing.class, SiblingsChanged::new);
    ReplicaHost.subscribe(context.getSystem(), siblings, adapter);
    timers.startTimerWithFixedDelay(Internal.SYNC_TICK, services.settings().syncInterval());
  }

  @Override
  public ReplicaState emptyState() {
    return ReplicaState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Snapshots only: the events stay, they are the replica's log.
    return RetentionCriteria.snapshotEvery(services.settings().replicaSnapshotEvery(), 2);
  }

  @Override
  public SignalHandler<ReplicaState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> context.getSelf().tell(Internal.CHECK_STARTUP))
        .build();
  }

  @Override
  public CommandHandler<Command, ReplicaEvent, ReplicaState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(StoreBatch.class, this::onStoreBatch)
        .onCommand(WriteDone.class, this::onWriteDone)
        .onCommand(QuerySamples.class, this::onQuery)
        .onCommand(GetView.class, (state, cmd) -> reply(cmd.replyTo(), view(state)))
        .onCommand(SyncStatus.class, this::onSyncStatus)
        .onCommand(EventsAfter.class, (state, cmd) -> reply(cmd.replyTo(), new EventIndex(node, collector, cmd.afterSeq(),
            state.held().clip(cmd.afterSeq() + 1, Long.MAX_VALUE), state.statusMarksAfter(cmd.afterSeq()), state.held().highest())))
        .onCommand(FetchBatches.class, this::onFetch)
        .onCommand(StopRecording.class, this::onStopRecording)
        .onCommand(PeerLost.class, (state, cmd) -> Effect().persist(
            new PeerUnreachable(node, cmd.peer(), state.confirmedWith(cmd.peer()), now())))
        .onCommand(StartRecovery.class, (state, cmd) -> {
          recovering = true;
          return reply(cmd.replyTo(), new RecoveryInfo(collector, state.held(), state.confirmed(), state.serverStop()));
        })
        .onCommand(FinishRecovery.class, this::onFinishRecovery)
        .onCommand(SiblingsChanged.class, this::onSiblingsChanged)
        .onCommand(Internal.class, (state, cmd) -> cmd == Internal.SYNC_TICK ? onSyncTick(state) : onStartup(state))
        .build();
  }

  private <T> Effect<ReplicaEvent, ReplicaState> reply(ActorRef<T> to, T message) {
    to.tell(message);
    return Effect().none();
  }

  private ReplicaView view(ReplicaState state) {
    long maxPeer = peerContiguous.values().stream().mapToLong(Long::longValue).max().orElse(0);
    return ReplicaView.of(node, collector, replicaSet, state, recovering,
        Math.max(0, maxPeer - state.held().contiguous()), Map.copyOf(peerContiguous));
  }

  // ---- ingest

  private Effect<ReplicaEvent, ReplicaState> onStoreBatch(ReplicaState state, StoreBatch cmd) {
    if (state.holds(cmd.seq())) {
      cmd.replyTo().tell(new StoreAck(node, collector, cmd.seq()));
      return Effect().none();
    }
    waiting.add(cmd);
    if (!writing) {
      startWrite(state);
    }
    return Effect().none();
  }

  /** Sends everything that waited to the store in one synced write, off the actor's thread. */
  private void startWrite(ReplicaState state) {
    Map<Long, StoreBatch> firstBySeq = new LinkedHashMap<>();
    for (StoreBatch b : waiting) {
      if (!state.holds(b.seq())) {
        firstBySeq.putIfAbsent(b.seq(), b);
      }
    }
    List<StoreBatch> group = List.copyOf(waiting);
    waiting.clear();
    writing = true;
    long now = now();
    CompletableFuture<List<ReplicaEvent>> written = CompletableFuture.supplyAsync(() -> {
      List<EncodedBatch> encoded = new ArrayList<>(firstBySeq.size());
      List<Batch> decoded = new ArrayList<>(firstBySeq.size());
      List<ReplicaEvent> events = new ArrayList<>(firstBySeq.size() + 1);
      for (StoreBatch b : firstBySeq.values()) {
        Batch batch = BatchCodec.decode(b.seq(), b.blob());
        encoded.add(new EncodedBatch(b.seq(), b.blob()));
        decoded.add(batch);
        events.addAll(eventsFor(batch, b.blob(), now));
      }
      services.store().write(collector, encoded, decoded);
      return events;
    }, storeExecutor);
    context.pipeToSelf(written, (events, failure) -> new WriteDone(group, events, failure));
  }

  private List<ReplicaEvent> eventsFor(Batch batch, byte[] blob, long now) {
    List<Sample> samples = batch.samples();
    long minTs = samples.stream().mapToLong(Sample::ts).min().orElse(batch.acceptedAt());
    long maxTs = samples.stream().mapToLong(Sample::ts).max().orElse(batch.acceptedAt());
    BatchStored stored = new BatchStored(node, batch.seq(), batch.acceptedAt(), samples.size(), blob.length,
        minTs, maxTs, BatchCodec.checksum(blob), now);
    if (!batch.isStatusChange()) {
      return List.of(stored);
    }
    ReplicaEvent status = batch.status() == CollectorStatus.STOPPED
        ? new RecordingStopped(node, StopReason.COLLECTOR_STOPPED, batch.seq(), 0, batch.reason(), batch.acceptedAt(), now)
        : new RecordingResumed(node, ResumeReason.COLLECTOR_RUNNING, batch.seq(), batch.reason(), batch.acceptedAt(), now);
    return List.of(stored, status);
  }

  private Effect<ReplicaEvent, ReplicaState> onWriteDone(ReplicaState state, WriteDone done) {
    if (done.failure() != null) {
      // Nothing is acked: the gateway sends again, or recovery fetches it later.
      context.getLog().error("Storing [{}] batches of [{}] failed", done.group().size(), collector, done.failure());
      writing = false;
      if (!waiting.isEmpty()) {
        startWrite(state);
      }
      return Effect().none();
    }
    return Effect().persist(done.events()).thenRun(newState -> {
      for (StoreBatch b : done.group()) {
        b.replyTo().tell(new StoreAck(node, collector, b.seq()));
      }
      done.events().forEach(this::logStatusChange);
      writing = false;
      if (!waiting.isEmpty()) {
        startWrite(newState);
      }
    });
  }

  private void logStatusChange(ReplicaEvent e) {
    if (e instanceof RecordingStopped s) {
      // A collector stop is a mark in the collector's history; the replica's own progress is beside the point.
      boolean collectorStop = s.reason() == StopReason.COLLECTOR_STOPPED;
      emit("RECORDING_STOPPED", "reason", s.reason().name(), "seq", s.seq(),
          "contiguousSeq", collectorStop ? null : s.contiguousSeq(), "detail", s.detail());
    } else if (e instanceof RecordingResumed r) {
      emit("RECORDING_RESUMED", "reason", r.reason().name(), "seq", r.seq(), "detail", r.detail());
    }
  }

  private void emit(String event, Object... fields) {
    services.eventLog().tell(new EventLog.Emit(ClusterEvent.ofCollector(node, event, collector, fields)));
  }

  private Effect<ReplicaEvent, ReplicaState> onQuery(ReplicaState state, QuerySamples q) {
    int limit = Math.max(1, Math.min(q.limit(), services.settings().maxQuerySamples()));
    List<StopInterval> gaps = state.stopsOverlapping(q.from(), q.to());
    long contiguous = state.held().contiguous();
    CompletableFuture.supplyAsync(() -> services.store().query(collector, q.tag(), q.from(), q.to(), limit), storeExecutor)
        .whenComplete((result, failure) -> {
          if (failure != null) {
            context.getSystem().log().error("Query of [{}] failed", collector, failure);
            return;
          }
          byte[] encoded = BatchCodec.encode(Batch.ofSamples(0, 0, result.samples()));
          q.replyTo().tell(new SampleAnswer(node, collector, q.tag(), contiguous, encoded, gaps, result.truncated()));
        });
    return Effect().none();
  }

  // ---- siblings

  private Effect<ReplicaEvent, ReplicaState> onSiblingsChanged(ReplicaState state, SiblingsChanged msg) {
    String sibling = ReplicaHost.nodeOf(msg.listing());
    ReplicaHost.reachableHost(msg.listing())
        .ifPresentOrElse(h -> siblingHosts.put(sibling, h), () -> siblingHosts.remove(sibling));
    return Effect().none();
  }

  private Effect<ReplicaEvent, ReplicaState> onSyncTick(ReplicaState state) {
    long contiguous = state.held().contiguous();
    ticksSinceSent++;
    if (contiguous > 0 && (contiguous != lastSentContiguous || ticksSinceSent >= 10)) {
      siblingHosts.values().forEach(h -> h.tell(new SyncStatus(collector, node, contiguous)));
      lastSentContiguous = contiguous;
      ticksSinceSent = 0;
    }
    checkLag(contiguous);
    return Effect().none();
  }

  /**
   * Asks for a recovery when a sibling held a contiguous seq this replica still lacks several
   * sync intervals later: live writes in flight never stay behind that long, a hole does.
   */
  private void checkLag(long contiguous) {
    long maxPeer = peerContiguous.values().stream().mapToLong(Long::longValue).max().orElse(0);
    if (recovering || contiguous >= behindTarget) {
      behindTarget = maxPeer > contiguous ? maxPeer : 0;
      behindTicks = 0;
      return;
    }
    if (++behindTicks >= services.settings().lagIntervals()) {
      recovery.tell(new RecoveryRequest.Recover(collector, RecoveryTrigger.BEHIND_SIBLING,
          "holds 1.." + contiguous + ", a sibling holds 1.." + behindTarget));
      behindTarget = 0;
      behindTicks = 0;
    }
  }

  private Effect<ReplicaEvent, ReplicaState> onSyncStatus(ReplicaState state, SyncStatus s) {
    peerContiguous.put(s.peer(), s.contiguousSeq());
    long confirmed = Math.min(state.held().contiguous(), s.contiguousSeq());
    long persisted = state.confirmedWith(s.peer());
    long lastAt = lastConfirmPersisted.getOrDefault(s.peer(), startedAt);
    boolean due = confirmed - persisted >= services.settings().confirmEverySeqs()
        || (confirmed > persisted && now() - lastAt >= services.settings().confirmMaxDelay().toMillis());
    if (!due) {
      return Effect().none();
    }
    lastConfirmPersisted.put(s.peer(), now());
    return Effect().persist(new PeerSyncConfirmed(node, s.peer(), confirmed, now()));
  }

  private Effect<ReplicaEvent, ReplicaState> onFetch(ReplicaState state, FetchBatches f) {
    CompletableFuture.supplyAsync(() -> services.store().readBatches(collector, f.fromSeq(), f.toSeq(), f.maxBytes()), storeExecutor)
        .whenComplete((batches, failure) -> {
          if (failure != null) {
            // No answer: the recovering side times out and asks another sibling.
            context.getSystem().log().error("Reading batches of [{}] for a sibling failed", collector, failure);
            return;
          }
          f.replyTo().tell(new BatchChunk(node, collector, f.fromSeq(), f.toSeq(), batches));
        });
    return Effect().none();
  }

  // ---- stops and recovery

  private Effect<ReplicaEvent, ReplicaState> onStartup(ReplicaState state) {
    if (lastSequenceNumber(context) > 0 && state.isRecording()) {
      // The last run ended while recording: it crashed, and may have missed anything after this.
      return stop(state, StopReason.UNCLEAN_SHUTDOWN);
    }
    return Effect().none();
  }

  private Effect<ReplicaEvent, ReplicaState> onStopRecording(ReplicaState state, StopRecording cmd) {
    if (!state.isRecording()) {
      cmd.replyTo().tell(Done.getInstance());
      return Effect().none();
    }
    return stop(state, cmd.reason()).thenRun(s -> cmd.replyTo().tell(Done.getInstance()));
  }

  private EffectBuilder<ReplicaEvent, ReplicaState> stop(ReplicaState state, StopReason reason) {
    RecordingStopped e = new RecordingStopped(node, reason, state.held().highest(), state.held().contiguous(), "", now(), now());
    return Effect().persist(e).thenRun(s -> logStatusChange(e));
  }

  private Effect<ReplicaEvent, ReplicaState> onFinishRecovery(ReplicaState state, FinishRecovery f) {
    recovering = false;
    List<ReplicaEvent> events = new ArrayList<>(2);
    RecoveryRecord r = f.filled();
    if (r != null) {
      events.add(new GapRecovered(node, r.ranges(), r.sources(), r.batches(), r.samples(), r.bytes(), r.millis(), now()));
    }
    if (f.complete() && !state.isRecording()) {
      events.add(new RecordingResumed(node, ResumeReason.RECOVERED, state.held().highest(),
          "stopped " + state.serverStop().reason() + " at seq " + state.serverStop().highestSeq(), now(), now()));
    }
    return Effect().persist(events).thenRun(s -> {
      events.forEach(this::logStatusChange);
      f.replyTo().tell(Done.getInstance());
    });
  }

  @Override
  public EventHandler<ReplicaState, ReplicaEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(BatchStored.class, (state, e) -> state.withBatch(e.seq(), e.checksum(), e.samples(), e.bytes()))
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

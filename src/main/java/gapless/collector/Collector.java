package gapless.collector;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
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
import gapless.CborSerializable;
import gapless.collector.CollectorProtocol.ChangeStatus;
import gapless.collector.CollectorProtocol.Command;
import gapless.collector.CollectorProtocol.Ingest;
import gapless.collector.CollectorProtocol.IngestResult;
import gapless.collector.CollectorProtocol.Outcome;
import gapless.config.GaplessSettings;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;
import gapless.replica.Placement;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One collector as the gateway sees it. Assigns the next seq to each accepted batch, keeps the
 * batch in its journal (durable at the gateway before anything else happens), sends it to every
 * replica of the collector's replica set, and answers the collector once W replicas hold it.
 * With fewer than W replicas reachable it answers "buffered" and keeps sending until W hold it;
 * then the batch leaves the buffer. A replica that missed a batch does not get it from here
 * later: it recovers it from its siblings.
 *
 * <p>A batch whose encoding is over {@code gapless.ingest.max-encoded-bytes} is refused
 * ({@code TOO_LARGE}) before it is journaled: it could not travel to a replica as one cluster message.
 *
 * <p>A failed journal write restarts it after a back-off ({@code gapless.ingest.restart-backoff}): it
 * replays its journal and carries on. Every request gets an answer: one whose batch is not durable
 * when the write fails (or when the collector stops) is rejected, so the client sends it again.
 */
public final class Collector extends EventSourcedBehavior<Command, Collector.Event, CollectorState> {

  // Local only (adapters and timers), never serialized.
  private record HostsChanged(Receptionist.Listing listing) implements Command, NoSerializationVerificationNeeded {}

  private record Acked(ReplicaProtocol.StoreReply ack) implements Command, NoSerializationVerificationNeeded {}

  private record AckTimeout(long seq) implements Command, NoSerializationVerificationNeeded {}

  private enum Tick implements Command, NoSerializationVerificationNeeded {
    RETRY,
    FLUSH_DELIVERED
  }

  /** Events in the collector's journal. */
  public sealed interface Event extends CborSerializable
      permits BatchAccepted, BatchesDelivered, CollectorStatusChanged {}

  /** Batch {@code seq} was accepted from the collector; {@code blob} is its encoding. */
  public record BatchAccepted(long seq, long acceptedAt, byte[] blob, int samples, String node) implements Event {}

  /** These batches are on W replicas and leave the gateway buffer. */
  public record BatchesDelivered(List<Long> seqs, String node, long time) implements Event {}

  /** The collector reported a new status; the status change itself travels as batch {@code seq}. */
  public record CollectorStatusChanged(long seq, CollectorStatus status, String reason, String node, long time)
      implements Event {}

  /** A batch sent and not yet on W replicas; who acked, who waits for the answer. */
  private static final class InFlight {
    final Set<String> acked = new HashSet<>();
    ActorRef<IngestResult> replyTo;
    long lastSent;

    InFlight(ActorRef<IngestResult> replyTo, long lastSent) {
      this.replyTo = replyTo;
      this.lastSent = lastSent;
    }
  }

  private static final int MAX_RESENDS_PER_TICK = 200;

  private final TimerScheduler<Command> timers;
  private final String collector;
  private final GaplessSettings settings;
  private final List<String> replicaSet;
  private final ActorContext<Command> context;
  private final ActorRef<ReplicaProtocol.StoreReply> ackAdapter;
  private final ActorRef<Receptionist.Listing> listingAdapter;

  // Not persisted. A restart after a failed journal write re-runs only the persistent behavior,
  // not this object's construction, so these outlive it; what the restart loses (timers, Akka's
  // stash) is made good in onRecovered.
  private final Map<String, ActorRef<ReplicaHost.Command>> hosts = new HashMap<>();
  private final Set<String> listed = new HashSet<>();
  private final Map<Long, InFlight> inFlight = new HashMap<>();
  // A delivery recorded in a write that fails is forgotten here; its batch stays buffered and the
  // next resend's acks record it again.
  private final Set<Long> deliveredNotRecorded = new LinkedHashSet<>();
  private final UnansweredRequests unanswered = new UnansweredRequests();
  private boolean restarted;

  public static Behavior<Command> create(String collector, GaplessSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Collector behavior = new Collector(ctx, timers, collector, settings);
      return behavior.unanswered.noteArrivals(behavior);
    }));
  }

  private Collector(ActorContext<Command> context, TimerScheduler<Command> timers, String collector, GaplessSettings settings) {
    super(PersistenceId.of("collector", collector), settings.ingest().restartBackoff().restartStrategy());
    this.context = context;
    this.timers = timers;
    this.collector = collector;
    this.settings = settings;
    this.replicaSet = Placement.of(settings).replicaSet(collector);
    this.ackAdapter = context.messageAdapter(ReplicaProtocol.StoreReply.class, Acked::new);
    this.listingAdapter = context.messageAdapter(Receptionist.Listing.class, HostsChanged::new);
    ReplicaHost.subscribe(context.getSystem(), replicaSet, listingAdapter);
  }

  @Override
  public CollectorState emptyState() {
    return CollectorState.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // The buffer is in the snapshot, so older events (and their blobs) can go.
    return RetentionCriteria.snapshotEvery(settings.ingest().snapshotEvery(), 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public CommandHandler<Command, Event, CollectorState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Ingest.class, (state, cmd) -> !knowsReplicaSet() ? Effect().stash()
            : accept(state, Batch.ofSamples(state.lastSeq() + 1, now(), cmd.samples()), cmd.replyTo()))
        .onCommand(ChangeStatus.class, (state, cmd) -> !knowsReplicaSet() ? Effect().stash()
            : accept(state, Batch.ofStatus(state.lastSeq() + 1, now(), cmd.status(), cmd.reason()), cmd.replyTo()))
        .onCommand(Acked.class, this::onAck)
        .onCommand(AckTimeout.class, this::onAckTimeout)
        .onCommand(HostsChanged.class, this::onHostsChanged)
        .onCommand(Tick.class, this::onTick)
        .build();
  }

  private Effect<Event, CollectorState> accept(CollectorState state, Batch batch, ActorRef<IngestResult> replyTo) {
    if (state.bufferSize() >= settings.ingest().maxBufferedBatches()) {
      reply(replyTo, new IngestResult(collector, 0, 0, Outcome.REJECTED,
          "gateway buffer of collector " + collector + " is full: " + state.bufferSize()
              + " batches are not yet on " + settings.writeQuorum() + " replicas"));
      return Effect().none();
    }
    byte[] blob = BatchCodec.encode(batch);
    // Refused before anything is journaled: Artery would drop every StoreBatch of it, and the
    // gateway would resend it forever while the client holds a 202.
    if (blob.length > settings.ingest().maxEncodedBytes()) {
      reply(replyTo, new IngestResult(collector, 0, 0, Outcome.TOO_LARGE,
          "batch of " + batch.samples().size() + " samples encodes to " + blob.length + " bytes, over the limit of "
              + settings.ingest().maxEncodedBytes() + " bytes (gapless.ingest.max-encoded-bytes); nothing was stored:"
              + " send fewer samples, or fewer distinct or shorter tags, per request"));
      return Effect().none();
    }
    List<Event> events = new ArrayList<>(2);
    // Recording deliveries in the same journal write as the next batch costs no extra fsync.
    drainDelivered().ifPresent(events::add);
    events.add(new BatchAccepted(batch.seq(), batch.acceptedAt(), blob, batch.samples().size(), settings.nodeId()));
    if (batch.isStatusChange()) {
      events.add(new CollectorStatusChanged(batch.seq(), batch.status(), batch.reason(), settings.nodeId(), batch.acceptedAt()));
    }
    return Effect().persist(events).thenRun(newState -> {
      inFlight.put(batch.seq(), new InFlight(replyTo, now()));
      send(batch.seq(), blob, Set.of());
      timers.startSingleTimer(new AckTimeout(batch.seq()), settings.ingest().ackTimeout());
    });
  }

  private Optional<Event> drainDelivered() {
    if (deliveredNotRecorded.isEmpty()) {
      return Optional.empty();
    }
    List<Long> seqs = List.copyOf(deliveredNotRecorded);
    deliveredNotRecorded.clear();
    return Optional.of(new BatchesDelivered(seqs, settings.nodeId(), now()));
  }

  private void send(long seq, byte[] blob, Set<String> skip) {
    for (String node : replicaSet) {
      ActorRef<ReplicaHost.Command> host = hosts.get(node);
      if (host != null && !skip.contains(node)) {
        host.tell(new ReplicaProtocol.StoreBatch(collector, seq, 0, blob, ReplicaProtocol.WriteKind.OWNER, ackAdapter));
      }
    }
  }

  private Effect<Event, CollectorState> onAck(CollectorState state, Acked msg) {
    InFlight f = inFlight.get(msg.ack().seq());
    if (!(msg.ack() instanceof ReplicaProtocol.StoreAck) || f == null || !f.acked.add(msg.ack().node())) {
      return Effect().none();
    }
    if (f.acked.size() >= settings.writeQuorum()) {
      if (f.replyTo != null) {
        reply(f.replyTo, new IngestResult(collector, msg.ack().seq(), f.acked.size(), Outcome.STORED, ""));
      }
      inFlight.remove(msg.ack().seq());
      timers.cancel(new AckTimeout(msg.ack().seq()));
      deliveredNotRecorded.add(msg.ack().seq());
    }
    return Effect().none();
  }

  private Effect<Event, CollectorState> onAckTimeout(CollectorState state, AckTimeout msg) {
    InFlight f = inFlight.get(msg.seq());
    if (f != null && f.replyTo != null) {
      reply(f.replyTo, new IngestResult(collector, msg.seq(), f.acked.size(), Outcome.BUFFERED, ""));
      f.replyTo = null;
    }
    return Effect().none();
  }

  /**
   * Whether the receptionist has answered for every node of the replica set. Until then a new
   * batch would miss replicas that are in fact up, so requests wait (stashed) for that first
   * answer, which comes within milliseconds of the collector starting.
   */
  private boolean knowsReplicaSet() {
    return listed.size() == replicaSet.size();
  }

  private Effect<Event, CollectorState> onHostsChanged(CollectorState state, HostsChanged msg) {
    boolean knewReplicaSet = knowsReplicaSet();
    String node = ReplicaHost.nodeOf(msg.listing());
    listed.add(node);
    ReplicaHost.reachableHost(msg.listing()).ifPresentOrElse(host -> {
      if (!host.equals(hosts.put(node, host))) {
        sendBufferedTo(state, node, host);
      }
    }, () -> hosts.remove(node));
    return !knewReplicaSet && knowsReplicaSet() ? Effect().unstashAll() : Effect().none();
  }

  private Effect<Event, CollectorState> onTick(CollectorState state, Tick tick) {
    if (tick == Tick.FLUSH_DELIVERED) {
      return drainDelivered().<Effect<Event, CollectorState>>map(e -> Effect().persist(e)).orElse(Effect().none());
    }
    resendOverdue(state);
    return Effect().none();
  }

  /** Sends again every buffered batch still short of W acks after the ack timeout. */
  private void resendOverdue(CollectorState state) {
    long overdue = now() - settings.ingest().ackTimeout().toMillis();
    int resent = 0;
    for (Map.Entry<Long, byte[]> e : state.buffer().entrySet()) {
      if (resent >= MAX_RESENDS_PER_TICK) {
        break;
      }
      long seq = e.getKey();
      if (deliveredNotRecorded.contains(seq)) {
        continue;
      }
      InFlight f = inFlight.computeIfAbsent(seq, s -> new InFlight(null, 0));
      if (f.lastSent <= overdue) {
        f.lastSent = now();
        send(seq, e.getValue(), f.acked);
        resent++;
      }
    }
  }

  /**
   * A replica node just became reachable (or known, right after start): give it every buffered
   * batch it has not acked, without waiting for the retry tick.
   */
  private void sendBufferedTo(CollectorState state, String node, ActorRef<ReplicaHost.Command> host) {
    for (Map.Entry<Long, byte[]> e : state.buffer().entrySet()) {
      InFlight f = inFlight.get(e.getKey());
      if (!deliveredNotRecorded.contains(e.getKey()) && (f == null || !f.acked.contains(node))) {
        host.tell(new ReplicaProtocol.StoreBatch(collector, e.getKey(), 0, e.getValue(), ReplicaProtocol.WriteKind.OWNER, ackAdapter));
      }
    }
  }

  private void reply(ActorRef<IngestResult> replyTo, IngestResult result) {
    unanswered.reply(replyTo, result);
  }

  @Override
  public SignalHandler<CollectorState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(PreRestart.instance(), state -> onJournalFailure())
        .onSignal(PostStop.instance(), state -> onStop())
        .build();
  }

  /** After the first start and after every restart. */
  private void onRecovered(CollectorState state) {
    // Akka cancels an actor's timers when it restarts it, so they are started here.
    timers.startTimerWithFixedDelay(Tick.RETRY, settings.ingest().retryInterval());
    timers.startTimerWithFixedDelay(Tick.FLUSH_DELIVERED, settings.ingest().deliveredFlushInterval());
    if (restarted) {
      inFlight.forEach((seq, f) -> {
        if (f.replyTo != null) {
          timers.startSingleTimer(new AckTimeout(seq), settings.ingest().ackTimeout());
        }
      });
      // A listing dropped with Akka's stash would leave a replica host unknown until it changes again.
      replicaSet.forEach(node -> context.getSystem().receptionist()
          .tell(Receptionist.find(ReplicaHost.serviceKey(node), listingAdapter)));
    }
  }

  /**
   * A journal write failed; the back-off restart follows. Requests whose batch is durable keep
   * waiting for their acks; the others (the one being written, those stashed behind it) are
   * rejected now. The failed write may in fact be on disk: then its batch is in the buffer after
   * the replay and reaches the replicas, and the client's resend becomes one more batch.
   */
  private void onJournalFailure() {
    restarted = true;
    unanswered.rejectAllBut(waitingForAcks(), collector, "journal write failed at the gateway for collector " + collector
        + "; the batch was not acknowledged, send it again");
  }

  /** Stopping (the gateway starts it again): answer everyone rather than leave them to time out. */
  private void onStop() {
    inFlight.forEach((seq, f) -> {
      if (f.replyTo != null) {
        // Durable here; the collector's next incarnation forwards it from the buffer.
        reply(f.replyTo, new IngestResult(collector, seq, f.acked.size(), Outcome.BUFFERED, ""));
      }
    });
    unanswered.rejectAllBut(Set.of(), collector, "collector " + collector + " stopped at the gateway; send the batch again");
  }

  private Set<ActorRef<IngestResult>> waitingForAcks() {
    return inFlight.values().stream().map(f -> f.replyTo).filter(Objects::nonNull).collect(Collectors.toSet());
  }

  @Override
  public EventHandler<CollectorState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(BatchAccepted.class, (state, e) -> state.accepted(e.seq(), e.blob()))
        .onEvent(BatchesDelivered.class, (state, e) -> state.delivered(e.seqs()))
        .onEvent(CollectorStatusChanged.class, (state, e) -> state.withStatus(e.status()))
        .build();
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}

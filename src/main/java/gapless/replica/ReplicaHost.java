package gapless.replica;

import akka.Done;
import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import gapless.CborSerializable;
import gapless.config.GaplessSettings;
import gapless.events.ClusterEvent;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import gapless.model.RecoveryTrigger;
import gapless.model.StopReason;
import gapless.store.SampleStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * The storage side of a node: owns one {@link Replica} per collector this node holds (all started
 * with the host, so a crashed replica notices at once that it must record a stop and recover) and
 * the node's recovery runner. Routes commands to replicas by collector id and fans the
 * supervisor's node-wide signals out to them. Registered with the receptionist under a key named
 * after the node id, so other nodes address "the replicas on s2" by configuration.
 *
 * <p>Failures stay visible: a replica that stops is started again (and recovered), and a store that
 * cannot list its collectors is retried and reported, never taken for an empty one. Replicas idle
 * for {@code replica.passivate-after} are put to sleep ({@link Sleepers}): a sleeping replica costs
 * no actor, timer or heartbeat; its host answers views and scrub digests for it and starts it
 * again for anything else.
 */
public final class ReplicaHost extends AbstractBehavior<ReplicaHost.Command> {

  /** Messages the host handles (its own cannot be serialized); CollectorCommands go to the replica. */
  public interface Command {}

  /** List the collectors this node holds a replica of. */
  public record ListCollectors(ActorRef<CollectorList> replyTo) implements Command, CborSerializable {}

  public record CollectorList(String node, List<String> collectors) implements CborSerializable {}

  /** Ask which node this host is and where its HTTP API listens. */
  public record Describe(ActorRef<HostInfo> replyTo) implements Command, CborSerializable {}

  /** {@code opened}: the store's collectors are read and their replicas started. */
  public record HostInfo(String node, String httpUrl, boolean opened) implements CborSerializable {}

  /** Every local replica records that recording stopped; answered when all have. */
  public record StopAllRecording(StopReason reason, ActorRef<Done> replyTo) implements Command, NoSerializationVerificationNeeded {}

  /** A sibling node became unreachable or left: the replicas sharing a set with it record it. */
  public record PeerDown(String peer) implements Command, NoSerializationVerificationNeeded {}

  /** Recover every local replica (start-up, rejoined the cluster). */
  public record RecoverAll(RecoveryTrigger trigger) implements Command, NoSerializationVerificationNeeded {}

  private record Opened(List<String> collectors, Throwable failure) implements Command, NoSerializationVerificationNeeded {}

  private enum OpenStore implements Command, NoSerializationVerificationNeeded { INSTANCE }

  private record ReplicaStopped(String collector, ActorRef<ReplicaProtocol.Command> replica)
      implements Command, NoSerializationVerificationNeeded {}

  private record StopRecorded(String collector, Throwable failure) implements Command, NoSerializationVerificationNeeded {}

  private enum SleepCheck implements Command, NoSerializationVerificationNeeded { INSTANCE }

  /** A replica's answer to {@link Replica.Sleep}. */
  sealed interface SleepAnswer extends Command, NoSerializationVerificationNeeded permits FellAsleep, StayedAwake {}

  /** It stops next, and {@code held} answers for it meanwhile. */
  record FellAsleep(String collector, ActorRef<ReplicaProtocol.Command> replica, Sleepers.Asleep held) implements SleepAnswer {}

  /** It was not settled: it stays awake and gets the commands that waited. */
  record StayedAwake(String collector, ActorRef<ReplicaProtocol.Command> replica) implements SleepAnswer {}

  private static final String KEY_PREFIX = "replica-host-";

  public static ServiceKey<Command> serviceKey(String nodeId) {
    return ServiceKey.create(Command.class, KEY_PREFIX + nodeId);
  }

  /** Subscribes {@code subscriber} to the replica hosts of {@code nodes}: one listing per change. */
  public static void subscribe(ActorSystem<?> system, Collection<String> nodes, ActorRef<Receptionist.Listing> subscriber) {
    nodes.forEach(node -> system.receptionist().tell(Receptionist.subscribe(serviceKey(node), subscriber)));
  }

  /** The node a listing of replica hosts is about. */
  public static String nodeOf(Receptionist.Listing listing) {
    return listing.getKey().id().substring(KEY_PREFIX.length());
  }

  /** The node's replica host, if the listing has it and it is reachable. */
  public static Optional<ActorRef<Command>> reachableHost(Receptionist.Listing listing) {
    return listing.getServiceInstances(serviceKey(nodeOf(listing))).stream().findFirst();
  }

  private final GaplessSettings settings;
  private final ReplicaServices services;
  private final Executor storeExecutor;
  private final ActorRef<RecoveryRequest> recovery;
  private final TimerScheduler<Command> timers;
  // The awake replicas; with the sleeping ones, every collector held here: the store's registry once read, and every replica started since.
  private final Map<String, ActorRef<ReplicaProtocol.Command>> replicas = new HashMap<>();
  private final Sleepers sleepers;
  private final SiblingHosts siblingHosts;
  private boolean opened;
  private int openFailures;
  private final List<ActorRef<CollectorList>> listWaiters = new ArrayList<>();
  private final List<ActorRef<Done>> stopWaiters = new ArrayList<>();
  private int stopsPending;

  /** Makes the node's recovery runner from this host and the shared services (it lives in another package). */
  public interface RecoveryRunnerFactory extends BiFunction<ActorRef<Command>, ReplicaServices, Behavior<RecoveryRequest>> {}

  public static Behavior<Command> create(
      GaplessSettings settings, SampleStore store, ActorRef<EventLog.Command> eventLog, RecoveryRunnerFactory recoveries) {
    return create(new ReplicaServices(settings, store, Placement.of(settings), eventLog), recoveries);
  }

  public static Behavior<Command> create(ReplicaServices services, RecoveryRunnerFactory recoveries) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ReplicaHost(ctx, timers, services, recoveries)));
  }

  private ReplicaHost(ActorContext<Command> context, TimerScheduler<Command> timers, ReplicaServices services,
      RecoveryRunnerFactory recoveries) {
    super(context);
    this.timers = timers;
    this.settings = services.settings();
    this.services = services;
    this.storeExecutor = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("gapless-store-dispatcher"));
    this.sleepers = new Sleepers(settings.replica().passivateAfter(), settings.nodeId(), services.store(), storeExecutor);
    this.siblingHosts = new SiblingHosts(sleepers, timers,
        settings.replica().syncInterval().multipliedBy(settings.replica().heartbeatIntervals()), settings.replica().syncGather());
    subscribe(context.getSystem(), settings.storageNodes().stream().filter(n -> !n.equals(settings.nodeId())).toList(),
        context.messageAdapter(Receptionist.Listing.class, SiblingHosts.Changed::new));
    if (sleepers.enabled()) {
      timers.startTimerWithFixedDelay(SleepCheck.INSTANCE, sleepers.checkInterval());
    }
    // Restarted, never stopped, on failure: every replica holds this ref for good.
    this.recovery = context.spawn(Behaviors.supervise(recoveries.apply(context.getSelf(), services))
        .onFailure(SupervisorStrategy.restart()), "recovery");
    openStore();
    context.getSystem().receptionist().tell(Receptionist.register(serviceKey(settings.nodeId()), context.getSelf()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ReplicaProtocol.CollectorCommand.class, this::route)
        .onMessage(Opened.class, this::onOpened)
        .onMessage(OpenStore.class, o -> openStore())
        .onMessage(ReplicaStopped.class, this::onReplicaStopped)
        .onMessage(SleepCheck.class, c -> askIdleToSleep())
        .onMessage(SiblingHosts.Message.class, m -> {
          siblingHosts.on(m);
          return this;
        })
        .onMessage(ReplicaProtocol.SyncReports.class, r -> {
          r.reports().forEach(this::route);
          return this;
        })
        .onMessage(FellAsleep.class, this::onFellAsleep)
        .onMessage(StayedAwake.class, this::onStayedAwake)
        .onMessage(ListCollectors.class, this::onListCollectors)
        .onMessage(Describe.class, d -> {
          d.replyTo().tell(new HostInfo(settings.nodeId(), settings.httpUrl(), opened));
          return this;
        })
        .onMessage(StopAllRecording.class, this::onStopAll)
        .onMessage(StopRecorded.class, this::onStopRecorded)
        .onMessage(PeerDown.class, this::onPeerDown)
        .onMessage(RecoverAll.class, r -> {
          recovery.tell(new RecoveryRequest.RecoverAll(r.trigger()));
          return this;
        })
        .build();
  }

  private Behavior<Command> route(ReplicaProtocol.CollectorCommand cmd) {
    String collector = cmd.collector();
    if (sleepers.isFalling(collector)) {
      sleepers.hold(collector, cmd);
      return this;
    }
    if (sleepers.answeredAsleep(cmd, siblingHosts::send)) {
      return this;
    }
    ActorRef<ReplicaProtocol.Command> replica = replicas.get(collector);
    // Placement is only worked out for a collector seen here for the first time, not per message.
    if (replica == null && !sleepers.isAsleep(collector) && !services.placement().holds(settings.nodeId(), collector)) {
      getContext().getLog().warn("Dropped [{}]: node [{}] holds no replica of [{}]",
          cmd.getClass().getSimpleName(), settings.nodeId(), collector);
      return this;
    }
    if (Sleepers.isUse(cmd)) {
      sleepers.used(collector, System.currentTimeMillis());
    }
    (replica != null ? replica : replicaOf(collector)).tell(cmd);
    return this;
  }

  private ActorRef<ReplicaProtocol.Command> replicaOf(String collector) {
    return replicas.computeIfAbsent(collector, id -> {
      boolean woke = sleepers.isAsleep(id);
      if (woke) {
        getContext().getLog().debug("Waking the replica of [{}]", id);
      }
      sleepers.woken(id, System.currentTimeMillis());
      ActorRef<ReplicaProtocol.Command> replica =
          getContext().spawn(Replica.create(id, services, getContext().getSelf(), recovery, woke), "replica-" + id);
      getContext().watchWith(replica, new ReplicaStopped(id, replica));
      sleepers.stopToRecord(id).ifPresent(replica::tell);
      return replica;
    });
  }

  private Behavior<Command> askIdleToSleep() {
    for (String collector : sleepers.askToSleep(replicas.keySet(), System.currentTimeMillis())) {
      ActorRef<ReplicaProtocol.Command> replica = replicas.get(collector);
      // Answered straight to the host, not through an ask: its answer then comes before its
      // Terminated. Until then nothing is sent to it (its commands wait here), so nothing can
      // follow the Sleep into its mailbox and be lost when it stops. No timeout: one in a journal
      // restart's back-off keeps the Sleep and answers after its replay.
      replica.tell(new Replica.Sleep(getContext().getSelf().narrow()));
    }
    return this;
  }

  private Behavior<Command> onFellAsleep(FellAsleep f) {
    if (f.replica().equals(replicas.get(f.collector()))) {
      sleepers.fellAsleep(f.collector(), f.held());
    }
    return this;
  }

  private Behavior<Command> onStayedAwake(StayedAwake s) {
    if (s.replica().equals(replicas.get(s.collector()))) {
      sleepers.stayedAwake(s.collector(), System.currentTimeMillis()).forEach(cmd -> deliver(s.collector(), cmd));
    }
    return this;
  }

  /** A command that waited while its replica was asked to sleep: routed (it may wake it), or told (a stop to record). */
  private void deliver(String collector, ReplicaProtocol.Command cmd) {
    if (cmd instanceof ReplicaProtocol.CollectorCommand c) {
      route(c);
    } else {
      replicaOf(collector).tell(cmd);
    }
  }

  /**
   * A replica stopped (a failure its own restart did not cover). It is started again at once, so
   * commands never go to a dead ref; the new one records the unclean stop after its replay, and a
   * recovery fills what it missed meanwhile.
   */
  private Behavior<Command> onReplicaStopped(ReplicaStopped stopped) {
    if (!stopped.replica().equals(replicas.get(stopped.collector()))) {
      // An older incarnation: the current one is already running.
      return this;
    }
    replicas.remove(stopped.collector());
    List<ReplicaProtocol.Command> waited = sleepers.stopped(stopped.collector());
    if (sleepers.isAsleep(stopped.collector())) {
      // What came while it fell asleep wakes it again.
      waited.forEach(cmd -> deliver(stopped.collector(), cmd));
      return this;
    }
    getContext().getLog().warn("Replica of [{}] stopped; starting it again", stopped.collector());
    emit(ClusterEvents.replicaRestarted(settings.nodeId(), stopped.collector(), "replica stopped", 0));
    replicaOf(stopped.collector());
    recovery.tell(new RecoveryRequest.Recover(stopped.collector(), RecoveryTrigger.REPLICA_RESTARTED, ""));
    waited.forEach(cmd -> deliver(stopped.collector(), cmd));
    return this;
  }

  /** Reads which collectors the store holds, to start their replicas (off the actor's thread). */
  private Behavior<Command> openStore() {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(services.store()::collectors, storeExecutor), Opened::new);
    return this;
  }

  private Behavior<Command> onOpened(Opened o) {
    if (o.failure() != null) {
      // Not "no collectors": that would leave every replica here asleep and answer lists that
      // are wrong. Retry with a growing delay until the store answers, and say so.
      openFailures++;
      Duration delay = settings.replica().restartBackoff().delayAfter(openFailures);
      getContext().getLog().error("Reading the collectors of the sample store failed [{}] times; retrying in [{}]",
          openFailures, delay, o.failure());
      emit(ClusterEvents.storeFailed(settings.nodeId(), String.valueOf(o.failure().getMessage()),
          "listing collectors, attempt " + openFailures));
      timers.startSingleTimer(OpenStore.INSTANCE, delay);
      return this;
    }
    opened = true;
    o.collectors().forEach(this::replicaOf);
    listWaiters.forEach(this::answerList);
    listWaiters.clear();
    return this;
  }

  private Behavior<Command> onListCollectors(ListCollectors cmd) {
    // Until the store's registry is read the list would miss collectors: answered once it is.
    if (opened) {
      answerList(cmd.replyTo());
    } else {
      listWaiters.add(cmd.replyTo());
    }
    return this;
  }

  private void answerList(ActorRef<CollectorList> replyTo) {
    // Replicas started by a sibling's report (a replacement node) count before their first write.
    replyTo.tell(new CollectorList(settings.nodeId(),
        Stream.concat(replicas.keySet().stream(), sleepers.sleeping().stream()).sorted().toList()));
  }

  private void emit(ClusterEvent event) {
    services.eventLog().tell(new EventLog.Emit(event));
  }

  private Behavior<Command> onStopAll(StopAllRecording cmd) {
    stopWaiters.add(cmd.replyTo());
    sleepers.recordingStopped(cmd.reason(), System.currentTimeMillis());
    for (Map.Entry<String, ActorRef<ReplicaProtocol.Command>> r : replicas.entrySet()) {
      if (sleepers.isFalling(r.getKey())) {
        // Waits with its other commands (recordingStopped), in the order they came.
        continue;
      }
      stopsPending++;
      // Asked with a timeout: a replica that stopped or cannot write its journal must not keep
      // this and every later stop waiting. Its next start then records an unclean stop instead.
      getContext().ask(Done.class, r.getValue(), settings.replica().stopTimeout(),
          replyTo -> new ReplicaProtocol.StopRecording(r.getKey(), cmd.reason(), replyTo),
          (done, failure) -> new StopRecorded(r.getKey(), failure));
    }
    return answerStopWaitersIfDone();
  }

  private Behavior<Command> onStopRecorded(StopRecorded s) {
    if (s.failure() != null) {
      getContext().getLog().error("Replica of [{}] did not record the stop of recording", s.collector(), s.failure());
    }
    stopsPending--;
    return answerStopWaitersIfDone();
  }

  private Behavior<Command> answerStopWaitersIfDone() {
    if (stopsPending <= 0) {
      stopsPending = 0;
      stopWaiters.forEach(w -> w.tell(Done.getInstance()));
      stopWaiters.clear();
    }
    return this;
  }

  private Behavior<Command> onPeerDown(PeerDown p) {
    // A sleeping replica has nothing to record: its siblings had confirmed all it holds.
    replicas.forEach((collector, replica) -> {
      if (services.placement().holds(p.peer(), collector)) {
        ReplicaProtocol.PeerLost lost = new ReplicaProtocol.PeerLost(collector, p.peer());
        if (sleepers.isFalling(collector)) {
          sleepers.hold(collector, lost);
        } else {
          replica.tell(lost);
        }
      }
    });
    return this;
  }
}

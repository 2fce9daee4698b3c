package gapless.recovery;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PreRestart;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import gapless.model.RecoveryTrigger;
import gapless.model.SeqRanges;
import gapless.replica.RecoveryRequest.Recover;
import gapless.replica.RecoveryRequest.RecoverAll;
import gapless.replica.RecoveryRequest;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol;
import gapless.replica.ReplicaServices;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs this node's replica recoveries: one {@link Recovery} child per collector, at most
 * {@code recovery.max-concurrent} at a time, so a node that comes back with thousands of
 * collectors heals them steadily without starving live ingest. A recovery asked for while one
 * of the same collector runs is run again afterwards; one that could not finish, or that stopped
 * without saying how it ended (it crashed), is retried with a growing delay.
 */
public final class RecoveryCoordinator extends AbstractBehavior<RecoveryRequest> {

  /** The coordinator's own messages beside the replicas' {@link RecoveryRequest}s. */
  interface Command extends RecoveryRequest {}

  private record Listed(ReplicaHost.CollectorList list, RecoveryTrigger trigger) implements Command, NoSerializationVerificationNeeded {}

  /** From a recovery, once, just before it stops. */
  record Finished(String collector, boolean complete, ActorRef<?> recovery) implements Command, NoSerializationVerificationNeeded {}

  private record Retry(Recover request) implements Command, NoSerializationVerificationNeeded {}

  /** A recovery child stopped; after its {@link Finished} that is expected, before it, a crash. */
  private record RecoveryStopped(String collector, ActorRef<?> recovery) implements Command, NoSerializationVerificationNeeded {}

  private record Running(ActorRef<?> recovery, Recover request) {}

  private final ActorRef<ReplicaHost.Command> host;
  private final ReplicaServices services;
  private final TimerScheduler<RecoveryRequest> timers;
  private final LinkedHashMap<String, Recover> queued = new LinkedHashMap<>();
  private final Map<String, Running> running = new HashMap<>();
  private final Map<String, Recover> again = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();

  public static Behavior<RecoveryRequest> create(ActorRef<ReplicaHost.Command> host, ReplicaServices services) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new RecoveryCoordinator(ctx, timers, host, services)));
  }

  private RecoveryCoordinator(
      ActorContext<RecoveryRequest> context, TimerScheduler<RecoveryRequest> timers, ActorRef<ReplicaHost.Command> host, ReplicaServices services) {
    super(context);
    this.timers = timers;
    this.host = host;
    this.services = services;
  }

  @Override
  public Receive<RecoveryRequest> createReceive() {
    return newReceiveBuilder()
        .onMessage(Recover.class, this::enqueue)
        .onMessage(Retry.class, r -> enqueue(r.request()))
        .onMessage(RecoverAll.class, this::onRecoverAll)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(RecoveryStopped.class, this::onRecoveryStopped)
        .onSignal(PreRestart.class, s -> onPreRestart())
        .build();
  }

  private Behavior<RecoveryRequest> onRecoverAll(RecoverAll all) {
    ActorRef<ReplicaHost.CollectorList> adapter =
        getContext().messageAdapter(ReplicaHost.CollectorList.class, l -> new Listed(l, all.trigger()));
    host.tell(new ReplicaHost.ListCollectors(adapter));
    return this;
  }

  private Behavior<RecoveryRequest> onListed(Listed listed) {
    listed.list().collectors().forEach(c -> enqueue(new Recover(c, listed.trigger(), "")));
    return this;
  }

  private Behavior<RecoveryRequest> enqueue(Recover request) {
    if (timers.isTimerActive(retryKey(request.collector()))) {
      // It failed lately and waits out its back-off: the retry will run, no sooner.
      return this;
    }
    if (running.containsKey(request.collector())) {
      again.put(request.collector(), request);
    } else {
      queued.putIfAbsent(request.collector(), request);
    }
    startNext();
    return this;
  }

  private void startNext() {
    if (services.store().space().low()) {
      // Nothing fetched could be stored: the queue waits for the DISK_FREED recovery of every replica.
      return;
    }
    var it = queued.entrySet().iterator();
    while (running.size() < services.settings().recovery().maxConcurrent() && it.hasNext()) {
      Recover next = it.next().getValue();
      it.remove();
      ActorRef<?> recovery = getContext().spawnAnonymous(
          Recovery.create(next, host, services, getContext().getSelf().narrow()));
      // Watched so a recovery that crashes does not hold its collector's slot for good.
      getContext().watchWith(recovery, new RecoveryStopped(next.collector(), recovery));
      running.put(next.collector(), new Running(recovery, next));
    }
  }

  private boolean isRunning(String collector, ActorRef<?> recovery) {
    Running r = running.get(collector);
    return r != null && r.recovery().equals(recovery);
  }

  private Behavior<RecoveryRequest> onFinished(Finished f) {
    if (!isRunning(f.collector(), f.recovery())) {
      getContext().getLog().debug("Ignored [{}]: not the running recovery of [{}]", f, f.collector());
      return this;
    }
    return ended(f.collector(), f.complete());
  }

  /**
   * A recovery that stopped before reporting how it ended crashed. The replica still believes it
   * runs (and so does not check its lag): tell it the recovery ended, incomplete, then treat the
   * crash as any failure.
   */
  private Behavior<RecoveryRequest> onRecoveryStopped(RecoveryStopped s) {
    if (!isRunning(s.collector(), s.recovery())) {
      return this; // stopped after reporting Finished, as every recovery does
    }
    getContext().getLog().warn("Recovery of [{}] stopped without finishing; retrying", s.collector());
    services.eventLog().tell(new EventLog.Emit(ClusterEvents.recoveryFailed(services.node(), s.collector(),
        "the recovery crashed before it finished", 0, 0, 0, SeqRanges.EMPTY, 0)));
    host.tell(new ReplicaProtocol.FinishRecovery(s.collector(), null, false, getContext().getSystem().ignoreRef()));
    return ended(s.collector(), false);
  }

  private static String retryKey(String collector) {
    return "retry-" + collector;
  }

  /**
   * This coordinator failed and is restarted by the host: its recoveries are stopped with it.
   * Their replicas must hear that those recoveries ended, or they stay "recovering" (and so never
   * check their lag again).
   */
  private Behavior<RecoveryRequest> onPreRestart() {
    running.keySet().forEach(collector -> host.tell(
        new ReplicaProtocol.FinishRecovery(collector, null, false, getContext().getSystem().ignoreRef())));
    return this;
  }

  private Behavior<RecoveryRequest> ended(String collector, boolean complete) {
    Recover request = running.remove(collector).request();
    if (complete) {
      failures.remove(collector);
    } else {
      // Siblings unreachable or failing, a phase timed out, or the recovery crashed: try again
      // later, backing off up to 10 times retry-after.
      int n = failures.merge(collector, 1, Integer::sum);
      Duration delay = services.settings().recovery().retryAfter().multipliedBy(Math.min(n, 10));
      timers.startSingleTimer(retryKey(collector), new Retry(request), delay);
    }
    Recover rerun = again.remove(collector);
    if (rerun != null && complete) {
      queued.putIfAbsent(collector, rerun);
    }
    startNext();
    return this;
  }
}

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
import gapless.events.ClusterEvent;
import gapless.events.EventLog;
import gapless.replica.RecoveryRequest;
import gapless.replica.RecoveryRequest.Recover;
import gapless.replica.RecoveryRequest.RecoverAll;
import gapless.replica.Replica;
import gapless.replica.ReplicaHost;
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

  private record Listed(ReplicaHost.CollectorList list, String reason) implements Command, NoSerializationVerificationNeeded {}

  /** From a recovery, once, just before it stops. */
  record Finished(String collector, boolean complete, ActorRef<?> recovery) implements Command, NoSerializationVerificationNeeded {}

  private record Retry(String collector, String reason) implements Command, NoSerializationVerificationNeeded {}

  /** A recovery child stopped; after its {@link Finished} that is expected, before it, a crash. */
  private record RecoveryStopped(String collector, ActorRef<?> recovery) implements Command, NoSerializationVerificationNeeded {}

  /** The replica recorded the end of a crashed recovery; nothing more to do. */
  private record CrashRecorded(Done done) implements Command, NoSerializationVerificationNeeded {}

  private record Running(ActorRef<?> recovery, String reason) {}

  private final ActorRef<ReplicaHost.Command> host;
  private final ReplicaServices services;
  private final TimerScheduler<RecoveryRequest> timers;
  private final LinkedHashMap<String, String> queued = new LinkedHashMap<>();
  private final Map<String, Running> running = new HashMap<>();
  private final Map<String, String> again = new HashMap<>();
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
        .onMessage(Recover.class, r -> enqueue(r.collector(), r.detail().isEmpty() ? r.trigger().name() : r.trigger() + ": " + r.detail()))
        .onMessage(Retry.class, r -> enqueue(r.collector(), r.reason()))
        .onMessage(RecoverAll.class, this::onRecoverAll)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(RecoveryStopped.class, this::onRecoveryStopped)
        .onMessage(CrashRecorded.class, c -> this)
        .build();
  }

  private Behavior<RecoveryRequest> onRecoverAll(RecoverAll all) {
    ActorRef<ReplicaHost.CollectorList> adapter =
        getContext().messageAdapter(ReplicaHost.CollectorList.class, l -> new Listed(l, all.trigger().name()));
    host.tell(new ReplicaHost.ListCollectors(adapter));
    return this;
  }

  private Behavior<RecoveryRequest> onListed(Listed listed) {
    listed.list().collectors().forEach(c -> enqueue(c, listed.reason()));
    return this;
  }

  private Behavior<RecoveryRequest> enqueue(String collector, String reason) {
    if (running.containsKey(collector)) {
      again.put(collector, reason);
    } else {
      queued.putIfAbsent(collector, reason);
    }
    startNext();
    return this;
  }

  private void startNext() {
    var it = queued.entrySet().iterator();
    while (running.size() < services.settings().recoveryMaxConcurrent() && it.hasNext()) {
      Map.Entry<String, String> next = it.next();
      it.remove();
      ActorRef<?> recovery = getContext().spawnAnonymous(
          Recovery.create(next.getKey(), next.getValue(), host, services, getContext().getSelf().narrow()));
      // Watched so a recovery that crashes does not hold its collector's slot for good.
      getContext().watchWith(recovery, new RecoveryStopped(next.getKey(), recovery));
      running.put(next.getKey(), new Running(recovery, next.getValue()));
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
    services.eventLog().tell(new EventLog.Emit(ClusterEvent.ofCollector(services.node(), "RECOVERY_FAILED", s.collector(),
        "reason", "the recovery crashed before it finished")));
    host.tell(new Replica.FinishRecovery(s.collector(), null, false,
        getContext().messageAdapter(Done.class, CrashRecorded::new)));
    return ended(s.collector(), false);
  }

  private Behavior<RecoveryRequest> ended(String collector, boolean complete) {
    String reason = running.remove(collector).reason();
    if (complete) {
      failures.remove(collector);
    } else {
      // Siblings unreachable or failing, a phase timed out, or the recovery crashed: try again
      // later, backing off up to 10 times retry-after.
      int n = failures.merge(collector, 1, Integer::sum);
      Duration delay = services.settings().recoveryRetryAfter().multipliedBy(Math.min(n, 10));
      timers.startSingleTimer("retry-" + collector, new Retry(collector, reason), delay);
    }
    String rerun = again.remove(collector);
    if (rerun != null) {
      queued.putIfAbsent(collector, rerun);
    }
    startNext();
    return this;
  }
}

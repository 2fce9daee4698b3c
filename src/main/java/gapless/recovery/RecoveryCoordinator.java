package gapless.recovery;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import gapless.replica.RecoveryRequest;
import gapless.replica.RecoveryRequest.Recover;
import gapless.replica.RecoveryRequest.RecoverAll;
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
 * of the same collector runs is run again afterwards; one that could not finish is retried with
 * a growing delay.
 */
public final class RecoveryCoordinator extends AbstractBehavior<RecoveryRequest> {

  /** The coordinator's own messages beside the replicas' {@link RecoveryRequest}s. */
  interface Command extends RecoveryRequest {}

  private record Listed(ReplicaHost.CollectorList list, String reason) implements Command, NoSerializationVerificationNeeded {}

  record Finished(String collector, boolean complete) implements Command, NoSerializationVerificationNeeded {}

  private record Retry(String collector, String reason) implements Command, NoSerializationVerificationNeeded {}

  private final ActorRef<ReplicaHost.Command> host;
  private final ReplicaServices services;
  private final TimerScheduler<RecoveryRequest> timers;
  private final LinkedHashMap<String, String> queued = new LinkedHashMap<>();
  private final Map<String, String> running = new HashMap<>();
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
        .onMessage(Recover.class, r -> enqueue(r.collector(), r.trigger().reason(r.detail())))
        .onMessage(Retry.class, r -> enqueue(r.collector(), r.reason()))
        .onMessage(RecoverAll.class, this::onRecoverAll)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Finished.class, this::onFinished)
        .build();
  }

  private Behavior<RecoveryRequest> onRecoverAll(RecoverAll all) {
    ActorRef<ReplicaHost.CollectorList> adapter =
        getContext().messageAdapter(ReplicaHost.CollectorList.class, l -> new Listed(l, all.trigger().reason("")));
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
      running.put(next.getKey(), next.getValue());
      getContext().spawnAnonymous(
          Recovery.create(next.getKey(), next.getValue(), host, services, getContext().getSelf().narrow()));
    }
  }

  private Behavior<RecoveryRequest> onFinished(Finished f) {
    String reason = running.remove(f.collector());
    if (f.complete()) {
      failures.remove(f.collector());
    } else {
      // Siblings unreachable or failing: try again later, backing off up to 30 s.
      int n = failures.merge(f.collector(), 1, Integer::sum);
      Duration delay = services.settings().recoveryRetryAfter().multipliedBy(Math.min(n, 10));
      timers.startSingleTimer("retry-" + f.collector(), new Retry(f.collector(), reason), delay);
    }
    String rerun = again.remove(f.collector());
    if (rerun != null) {
      queued.putIfAbsent(f.collector(), rerun);
    }
    startNext();
    return this;
  }
}

package gapless.node;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.stream.javadsl.Tcp;
import gapless.api.HttpApi;
import gapless.collector.CollectorOwners;
import gapless.collector.GatewayBuffer;
import gapless.collector.IngestGateway;
import gapless.config.GaplessSettings;
import gapless.config.NodeSecurity;
import gapless.events.ClusterEvents;
import gapless.events.EventLog;
import gapless.metrics.EventCounter;
import gapless.metrics.NodeMetrics;
import gapless.model.StopReason;
import gapless.recovery.RecoveryCoordinator;
import gapless.replica.Placement;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaServices;
import gapless.scrub.Scrubber;
import gapless.store.DiskSpace;
import gapless.store.SampleStore;
import gapless.supervision.DiskWatch;
import gapless.supervision.NodeIdGuard;
import gapless.supervision.NodeSupervisor;
import gapless.supervision.StorageWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The root actor of a node. Only spawns: the event log and the node's metrics everywhere; the replica host, the node
 * supervisor and the scrubber on storage nodes; the ingest gateway on gateway nodes; and the HTTP API, whose
 * binding it reports through {@code started} so the process can exit with a clear message when
 * the port is taken. On storage nodes it also makes coordinated shutdown record the stop in every
 * replica before the node goes. It watches what it spawned: each child supervises its own
 * children, so one of these stopping is a failure the node cannot serve through (a gateway that
 * answers nothing, a log that records nothing); the guardian stops, and the node with it, for the
 * operator (or systemd) to see and restart.
 */
public final class Guardian {

  private Guardian() {}

  public static Behavior<Void> create(
      GaplessSettings settings, Optional<SampleStore> store, Optional<GatewayBuffer> buffer,
      CompletableFuture<Tcp.ServerBinding> started) {
    return Behaviors.setup(ctx -> {
      ActorRef<EventLog.Command> eventLog = ctx.spawn(EventLog.create(settings.nodeId(), settings.logDir(), settings.logMaxFileBytes(),
          settings.logKeepFiles()),
          "event-log", DispatcherSelector.fromConfig("gapless-event-log-dispatcher"));
      ctx.watch(eventLog);
      warnIfExposedWithoutSecurity(ctx, settings, eventLog);
      ctx.spawn(NodeIdGuard.create(settings.nodeId(), eventLog), "node-id-guard");
      NodeMetrics metrics = new NodeMetrics(settings.nodeId());
      NodeGauges.register(metrics, ctx.getSystem(), settings, store, buffer);
      ctx.spawn(EventCounter.create(eventLog, metrics), "event-counter");
      Optional<ActorRef<ReplicaHost.Command>> host = store.map(s ->
          ctx.spawn(ReplicaHost.create(new ReplicaServices(settings, s, Placement.of(settings), eventLog, metrics.replicas()),
              RecoveryCoordinator::create), "replicas"));
      store.ifPresent(s -> s.pendingIndex().onBuilt(b ->
          eventLog.tell(new EventLog.Emit(ClusterEvents.indexBuilt(settings.nodeId(), b.batches(), b.collectors(), b.millis())))));
      host.ifPresent(h -> {
        ctx.watch(h);
        ctx.watch(ctx.spawn(NodeSupervisor.create(settings, h), "supervisor"));
        // Not watched: the node serves without its scrub; a failure restarts it.
        ctx.spawn(Behaviors.supervise(Scrubber.create(settings, h, eventLog)).onFailure(SupervisorStrategy.restart()), "scrubber");
        recordStopOnShutdown(ctx.getSystem(), h, settings.shutdown().recordStopTimeout());
      });
      Optional<IngestGateway> gateway = buffer.map(b -> IngestGateway.start(ctx, settings, b, eventLog));
      new HttpApi(ctx.getSystem(), settings, gateway.map(CollectorOwners.class::cast), host, eventLog, metrics).bind()
          .whenComplete((binding, failure) -> {
            if (failure != null) {
              started.completeExceptionally(failure);
            } else {
              started.complete(binding);
            }
          });
      gateway.ifPresent(g -> ctx.watch(g.redrive()));
      List<DiskSpace> disks = new ArrayList<>();
      store.ifPresent(s -> disks.add(s.space()));
      buffer.ifPresent(b -> disks.add(b.space()));
      ctx.spawn(DiskWatch.create(settings.nodeId(), settings.disk().checkInterval(), disks, host, eventLog), "disk-watch");
      if (!settings.isStorageNode()) {
        ctx.spawn(StorageWatch.create(settings.nodeId(), settings.ingest().rejoinWithoutStorageAfter(), eventLog), "storage-watch");
      }
      return Behaviors.receive(Void.class)
          .onSignal(Terminated.class, t -> {
            ctx.getLog().error("[{}] stopped: node [{}] stops", t.getRef().path().name(), settings.nodeId());
            return Behaviors.stopped();
          })
          .build();
    });
  }

  /**
   * Before the node stops serving, every replica records the target event: SHUTDOWN for an
   * operator's stop (SIGTERM), SERVER_OFFLINE when the cluster downed this node.
   */
  private static void recordStopOnShutdown(
      ActorSystem<?> system, ActorRef<ReplicaHost.Command> host, Duration timeout) {
    CoordinatedShutdown cs = CoordinatedShutdown.get(system);
    cs.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "gapless-record-stop", () -> {
      StopReason reason = cs.getShutdownReason()
          .filter(r -> r.equals(CoordinatedShutdown.clusterDowningReason()))
          .map(r -> StopReason.SERVER_OFFLINE).orElse(StopReason.SHUTDOWN);
      return AskPattern.<ReplicaHost.Command, Done>ask(host, r -> new ReplicaHost.StopAllRecording(reason, r),
          timeout, system.scheduler());
    });
  }

  /** Protected mode let this node listen where others can reach it only because it was told to. */
  private static void warnIfExposedWithoutSecurity(ActorContext<?> ctx, GaplessSettings settings,
      ActorRef<EventLog.Command> eventLog) {
    List<String> exposed = NodeSecurity.exposedAddresses(ctx.getSystem().settings().config());
    if (!settings.security().enabled() && !exposed.isEmpty()) {
      String detail = "listening on " + String.join(" and ", exposed) + " with security off (gapless.security.insecure):"
          + " anyone who reaches these addresses can join the cluster, write and read";
      ctx.getLog().warn(detail);
      eventLog.tell(new EventLog.Emit(ClusterEvents.securityOff(settings.nodeId(), detail)));
    }
  }
}

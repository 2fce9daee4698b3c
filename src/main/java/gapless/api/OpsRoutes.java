package gapless.api;

import static gapless.api.Answers.json;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import gapless.api.dto.HealthAnswer;
import gapless.config.GaplessSettings;
import gapless.metrics.NodeMetrics;
import gapless.replica.ReplicaHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What operators and their tools read: the web console at {@code /}, {@code /metrics} for
 * Prometheus, {@code /health/live} (the process answers) and {@code /health/ready} (worth sending
 * requests to: a member that is Up; on a storage node also its store read and its replicas
 * started, none recovering for longer than {@code gapless.http.ready-max-recovering}) for load
 * balancers and watchdogs.
 */
final class OpsRoutes extends AllDirectives {

  private static final ContentType PROMETHEUS_TEXT = ContentTypes.parse(NodeMetrics.contentType());

  private final ActorSystem<?> system;
  private final GaplessSettings settings;
  private final Optional<ActorRef<ReplicaHost.Command>> host;
  private final NodeMetrics metrics;
  private final Access access;

  OpsRoutes(ActorSystem<?> system, GaplessSettings settings, Optional<ActorRef<ReplicaHost.Command>> host, NodeMetrics metrics,
      Access access) {
    this.system = system;
    this.access = access;
    this.settings = settings;
    this.host = host;
    this.metrics = metrics;
  }

  Route routes() {
    return concat(
        // The web console: static files from the jar, and uPlot from its webjar.
        pathSingleSlash(() -> get(() -> getFromResource("console/index.html", ContentTypes.TEXT_HTML_UTF8))),
        pathPrefix("console", () -> get(() -> getFromResourceDirectory("console"))),
        pathPrefix("webjars", () -> get(() -> getFromResourceDirectory("META-INF/resources/webjars"))),
        path("metrics", () -> get(() -> access.read(() -> complete(HttpEntities.create(PROMETHEUS_TEXT, metrics.scrape()))))),
        pathPrefix("health", () -> concat(
            path("live", () -> get(() -> json(StatusCodes.OK, Json.write(new HealthAnswer(settings.nodeId(), "live", List.of()))))),
            path("ready", () -> get(() -> onSuccess(notReadyBecause(), reasons -> reasons.isEmpty()
                ? json(StatusCodes.OK, Json.write(new HealthAnswer(settings.nodeId(), "ready", reasons)))
                : json(StatusCodes.SERVICE_UNAVAILABLE, Json.write(new HealthAnswer(settings.nodeId(), "not-ready", reasons)))))))));
  }

  private CompletionStage<List<String>> notReadyBecause() {
    List<String> reasons = new ArrayList<>();
    MemberStatus status = Cluster.get(system).selfMember().status();
    if (status != MemberStatus.up()) {
      reasons.add("cluster member is " + status + ", not Up");
    }
    if (host.isEmpty()) {
      return CompletableFuture.completedFuture(reasons);
    }
    Duration limit = settings.http().readyMaxRecovering();
    long recovering = metrics.replicas().longestRecoveringMillis(System.currentTimeMillis());
    if (recovering > limit.toMillis()) {
      reasons.add("a replica has been recovering for " + recovering / 1000 + " s, longer than " + limit.toSeconds()
          + " s (gapless.http.ready-max-recovering)");
    }
    return AskPattern.<ReplicaHost.Command, ReplicaHost.HostInfo>ask(host.get(), ReplicaHost.Describe::new,
            settings.http().askTimeout(), system.scheduler())
        .handle((info, failure) -> {
          if (failure != null) {
            reasons.add("the replica host did not answer within " + settings.http().askTimeout().toMillis() + " ms");
          } else if (!info.opened()) {
            reasons.add("the sample store's collectors are not read yet: replicas not started");
          }
          return reasons;
        });
  }
}

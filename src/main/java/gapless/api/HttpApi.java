package gapless.api;

import static gapless.api.Answers.cause;
import static gapless.api.Answers.json;
import static gapless.api.Answers.rootMessage;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.AccessControlAllowHeaders;
import akka.http.javadsl.model.headers.AccessControlAllowMethods;
import akka.http.javadsl.model.headers.AccessControlAllowOrigin;
import akka.http.javadsl.model.headers.AccessControlMaxAge;
import akka.http.javadsl.model.headers.HttpOriginRanges;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.stream.javadsl.Tcp;
import gapless.api.dto.MemberInfo;
import gapless.api.dto.NodeStatus;
import gapless.api.dto.ReplicaList;
import gapless.api.dto.StorageNodeInfo;
import gapless.collector.CollectorOwners;
import gapless.config.GaplessSettings;
import gapless.config.GaplessSettings.SecuritySettings;
import gapless.events.EventLog;
import gapless.metrics.NodeMetrics;
import gapless.model.Validation;
import gapless.replica.Placement;
import gapless.replica.QueryRouting;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol;
import gapless.replica.ReplicaView;
import gapless.security.TlsContexts;
import gapless.security.TokenFile;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;
import javax.net.ssl.SSLContext;

/**
 * The HTTP API of a node (JSON): ingest and collector status on gateways ({@link IngestRoutes});
 * queries, replica views, cluster status, the event log ({@link EventRoutes}), metrics and health
 * ({@link OpsRoutes}) everywhere. It is the edge of the system, so it is the one place that uses
 * {@code ask}.
 */
public final class HttpApi extends AllDirectives {

  /** The request header that makes a retried ingest return the first answer (IETF httpapi draft, Stripe). */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final Duration askTimeout;

  /**
   * Any page may read the API's answers: the console served by one node reads the replicas of every
   * storage node. (Preflights allow GET only, so a page elsewhere cannot send JSON; who may send
   * what at all is for API tokens, not CORS.)
   */
  private static final AccessControlAllowOrigin ANY_ORIGIN = AccessControlAllowOrigin.create(HttpOriginRanges.ALL);

  private final ActorSystem<?> system;
  private final GaplessSettings settings;
  private final Optional<ActorRef<ReplicaHost.Command>> host;
  private final EventRoutes events;
  private final IngestRoutes ingest;
  private final OpsRoutes ops;
  private final QueryRoutes queries;
  private final Access access;
  private final NodeMetrics metrics;

  public HttpApi(
      ActorSystem<?> system,
      GaplessSettings settings,
      Optional<CollectorOwners> gateway,
      Optional<ActorRef<ReplicaHost.Command>> host,
      ActorRef<EventLog.Command> eventLog,
      NodeMetrics metrics) {
    this.system = system;
    this.settings = settings;
    this.host = host;
    this.metrics = metrics;
    this.askTimeout = settings.http().askTimeout();
    SecuritySettings security = settings.security();
    this.access = security.enabled() ? new Access(Optional.of(new TokenFile(security.files().tokenHashes())))
        : Access.open();
    this.events = new EventRoutes(system, eventLog, askTimeout);
    this.ingest = new IngestRoutes(system, settings, gateway, metrics, access);
    this.ops = new OpsRoutes(system, settings, host, metrics, access);
    Placement placement = Placement.of(settings);
    QueryRouting<ActorRef<ReplicaHost.Command>> routing = new QueryRouting<>(placement, this::findHost,
        (h, collector) -> AskPattern.ask(h, r -> new ReplicaProtocol.GetView(collector, r), askTimeout, system.scheduler()));
    this.queries = new QueryRoutes(system, settings, host, placement, routing, this::findHost);
  }

  /** Binds the API: HTTPS with the node's certificate when security is on. */
  public CompletionStage<Tcp.ServerBinding> bind() {
    SecuritySettings security = settings.security();
    Optional<SSLContext> tls = security.enabled()
        ? Optional.of(TlsContexts.server(security.files(), settings.nodeId())) : Optional.empty();
    return new HttpServer(system, tls, settings.http().headerTimeout(), metrics::slowHeaderCut)
        .bind(settings.http().host(), settings.http().port(), routes().flow(system));
  }

  Route routes() {
    // A failure anywhere below is answered in the JSON error shape, never Akka HTTP's plain-text
    // 500: an ask that timed out is a 503 (retry later), anything else a 500 with the reason.
    return handleExceptions(ExceptionHandler.newBuilder()
        .matchAny(e -> json(cause(e, TimeoutException.class).isPresent() ? StatusCodes.SERVICE_UNAVAILABLE : StatusCodes.INTERNAL_SERVER_ERROR,
            Json.error(rootMessage(e))))
        .build(), () -> respondWithDefaultHeader(ANY_ORIGIN, () -> concat(options(this::preflight), apiRoutes(),
            ingest.influx(), ops.routes())));
  }

  /**
   * A page of another node (the console reads every storage node's replicas) may GET with a token;
   * nothing else: a cross-origin POST stays refused by the browser.
   */
  private Route preflight() {
    return respondWithHeaders(List.of(AccessControlAllowMethods.create(HttpMethods.GET),
        AccessControlAllowHeaders.create("Authorization"), AccessControlMaxAge.create(600)),
        () -> complete(StatusCodes.NO_CONTENT));
  }

  private Route apiRoutes() {
    return pathPrefix("api", () -> pathPrefix("v1", () -> concat(
        pathPrefix("collectors", () -> concat(
            pathEnd(() -> reading(queries::collectors)),
            pathPrefix(PathMatchers.segment(), id -> concat(
                path("samples", () -> concat(post(() -> ingest.ingest(id)), reading(() -> queries.query(id)))),
                path("tags", () -> reading(() -> queries.tags(id))),
                path("last", () -> reading(() -> queries.last(id))),
                path("status", () -> post(() -> ingest.changeStatus(id))))))),
        pathPrefix("replicas", () -> concat(
            pathEnd(() -> reading(this::replicas)),
            path(PathMatchers.segment(), id -> reading(() -> replica(id))))),
        path("status", () -> reading(this::status)),
        path("events", () -> reading(events::events)),
        // The API described (OpenAPI 3.0): a resource of the jar, kept true to the routes by a test.
        path("openapi.json", () -> reading(() -> getFromResource("api/openapi.json", ContentTypes.APPLICATION_JSON))))));
  }

  /** A GET that needs a token with the read scope (when the node has tokens). */
  private Route reading(Supplier<Route> route) {
    return get(() -> access.read(route));
  }

  // ---------------------------------------------------------------- replicas

  private CompletionStage<Optional<ActorRef<ReplicaHost.Command>>> findHost(String node) {
    return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
            r -> Receptionist.find(ReplicaHost.serviceKey(node), r), askTimeout, system.scheduler())
        .thenApply(ReplicaHost::reachableHost);
  }

  private Route replicas() {
    if (host.isEmpty()) {
      return json(StatusCodes.BAD_REQUEST, Json.error("node " + settings.nodeId() + " is not a storage node"));
    }
    return onSuccess(localViews().thenApply(views ->
        json(StatusCodes.OK, Json.write(new ReplicaList(settings.nodeId(), Json.replicas(views))))), r -> r);
  }

  private CompletionStage<List<ReplicaView>> localViews() {
    if (host.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return AskPattern.<ReplicaHost.Command, ReplicaHost.CollectorList>ask(host.get(), ReplicaHost.ListCollectors::new, askTimeout, system.scheduler())
        .thenCompose(list -> {
          List<CompletableFuture<ReplicaView>> views = list.collectors().stream()
              .map(c -> AskPattern.<ReplicaHost.Command, ReplicaView>ask(host.get(), r -> new ReplicaProtocol.GetView(c, r), askTimeout, system.scheduler())
                  .toCompletableFuture())
              .toList();
          return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
              .thenApply(x -> views.stream().map(CompletableFuture::join).toList());
        });
  }

  private Route replica(String id) {
    if (host.isEmpty()) {
      return json(StatusCodes.BAD_REQUEST, Json.error("node " + settings.nodeId() + " is not a storage node"));
    }
    if (!Validation.isCollectorId(id)) {
      return json(StatusCodes.BAD_REQUEST, Json.error("collector id must match [A-Za-z0-9._-]{1,64}"));
    }
    CompletionStage<Route> answer = AskPattern.<ReplicaHost.Command, ReplicaHost.CollectorList>ask(host.get(),
            ReplicaHost.ListCollectors::new, askTimeout, system.scheduler())
        .thenCompose(list -> !list.collectors().contains(id)
            ? CompletableFuture.completedFuture(json(StatusCodes.NOT_FOUND,
                Json.error("node " + settings.nodeId() + " holds no replica of " + id)))
            : AskPattern.<ReplicaHost.Command, ReplicaView>ask(host.get(), r -> new ReplicaProtocol.GetView(id, r), askTimeout, system.scheduler())
                .thenApply(v -> json(StatusCodes.OK, Json.write(Json.replica(v)))));
    return onSuccess(answer, r -> r);
  }

  // ---------------------------------------------------------------- status

  private Route status() {
    Cluster cluster = Cluster.get(system);
    var state = cluster.state();
    List<MemberInfo> members = StreamSupport.stream(state.getMembers().spliterator(), false)
        .map(m -> new MemberInfo(EventLog.nodeIdOf(m), m.address().toString(), statusName(m.status()),
            !state.getUnreachable().contains(m), EventLog.publicRoles(m)))
        .toList();
    // A storage node that does not describe itself within a second is shown as not reachable: the
    // status is a quick look, and one slow node must not hold up the whole answer.
    Duration describeTimeout = askTimeout.compareTo(Duration.ofSeconds(1)) < 0 ? askTimeout : Duration.ofSeconds(1);
    List<CompletableFuture<StorageNodeInfo>> storage = settings.storageNodes().stream()
        .map(node -> findHost(node).thenCompose(h -> h.isEmpty()
            ? CompletableFuture.completedFuture(new StorageNodeInfo(node, null, false))
            : AskPattern.<ReplicaHost.Command, ReplicaHost.HostInfo>ask(h.get(), ReplicaHost.Describe::new, describeTimeout,
                system.scheduler())
                .thenApply(info -> new StorageNodeInfo(node, info.httpUrl(), true)))
            .exceptionally(e -> new StorageNodeInfo(node, null, false))
            .toCompletableFuture())
        .toList();
    CompletionStage<Route> answer = CompletableFuture.allOf(storage.toArray(CompletableFuture[]::new))
        .thenCompose(x -> localViews())
        .thenApply(views -> json(StatusCodes.OK, Json.write(new NodeStatus(settings.nodeId(),
            EventLog.publicRoles(cluster.selfMember()), cluster.selfMember().address().toString(), members,
            storage.stream().map(CompletableFuture::join).toList(), host.isPresent() ? Json.replicas(views) : null))));
    return onSuccess(answer, r -> r);
  }

  private static String statusName(MemberStatus s) {
    String n = s.toString();
    return n.isEmpty() ? n : Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }
}

package gapless.api;

import static gapless.api.Answers.cause;
import static gapless.api.Answers.json;
import static gapless.api.Answers.rootMessage;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.pattern.StatusReply;
import gapless.api.dto.CollectorNames;
import gapless.api.dto.InterpolatedAnswer;
import gapless.api.dto.LastValues;
import gapless.api.dto.TagNamesAnswer;
import gapless.collector.IngestParser;
import gapless.config.GaplessSettings;
import gapless.config.GaplessSettings.QuerySettings;
import gapless.replica.Placement;
import gapless.replica.QueryRouting;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol;
import gapless.replica.ReplicaProtocol.SampleAnswer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Historian reads: the collectors and a collector's tags; raw samples, per-interval aggregates or
 * interpolated values of one or more tags ({@link QueryParams}), as JSON or CSV (raw samples also
 * in binary columns), from the most up-to-date reachable replica (or this storage node's own,
 * {@code replica=local}). Each tag is one read of that replica.
 */
final class QueryRoutes extends AllDirectives {

  /** At most this many tags in one tag list: it crosses the cluster as one message (an Artery frame is 1 MiB). */
  static final int MAX_TAGS_LISTED = 10_000;

  private final ActorSystem<?> system;
  private final GaplessSettings settings;
  private final Optional<ActorRef<ReplicaHost.Command>> host;
  private final Placement placement;
  private final QueryRouting<ActorRef<ReplicaHost.Command>> routing;
  private final Function<String, CompletionStage<Optional<ActorRef<ReplicaHost.Command>>>> findHost;
  private final Duration askTimeout;

  QueryRoutes(ActorSystem<?> system, GaplessSettings settings, Optional<ActorRef<ReplicaHost.Command>> host, Placement placement,
      QueryRouting<ActorRef<ReplicaHost.Command>> routing,
      Function<String, CompletionStage<Optional<ActorRef<ReplicaHost.Command>>>> findHost) {
    this.system = system;
    this.settings = settings;
    this.host = host;
    this.placement = placement;
    this.routing = routing;
    this.findHost = findHost;
    this.askTimeout = settings.http().askTimeout();
  }

  /** Every collector a reachable storage node holds, and which storage nodes did not answer. */
  Route collectors() {
    List<CompletableFuture<Optional<ReplicaHost.CollectorList>>> lists = settings.storageNodes().stream()
        .map(node -> findHost.apply(node).thenCompose(h -> h.isEmpty()
                ? CompletableFuture.completedFuture(Optional.<ReplicaHost.CollectorList>empty())
                : AskPattern.<ReplicaHost.Command, ReplicaHost.CollectorList>ask(h.get(), ReplicaHost.ListCollectors::new, askTimeout,
                    system.scheduler()).thenApply(Optional::of))
            .exceptionally(e -> Optional.empty()).toCompletableFuture())
        .toList();
    CompletionStage<Route> answer = CompletableFuture.allOf(lists.toArray(CompletableFuture[]::new)).thenApply(x -> {
      SortedSet<String> collectors = new TreeSet<>();
      List<String> unreachable = new ArrayList<>();
      for (int i = 0; i < lists.size(); i++) {
        Optional<ReplicaHost.CollectorList> list = lists.get(i).join();
        list.ifPresent(l -> collectors.addAll(l.collectors()));
        if (list.isEmpty()) {
          unreachable.add(settings.storageNodes().get(i));
        }
      }
      return json(StatusCodes.OK, Json.write(new CollectorNames(List.copyOf(collectors), unreachable)));
    });
    return onSuccess(answer, r -> r);
  }

  /** The tags of one collector, from its most up-to-date reachable replica. */
  Route tags(String id) {
    try {
      IngestParser.checkCollectorId(id);
    } catch (IngestParser.InvalidInput e) {
      return json(StatusCodes.BAD_REQUEST, Json.error(e.getMessage()));
    }
    CompletionStage<Route> answer = routing.bestReplica(id).thenCompose(h -> h.isEmpty()
        ? CompletableFuture.completedFuture(json(StatusCodes.SERVICE_UNAVAILABLE, Json.error("no replica of " + id + " is reachable")))
        : AskPattern.<ReplicaHost.Command, ReplicaProtocol.TagNames>askWithStatus(h.get(),
                replyTo -> new ReplicaProtocol.ListTags(id, MAX_TAGS_LISTED, replyTo), askTimeout, system.scheduler())
            .thenApply(t -> json(StatusCodes.OK, Json.write(new TagNamesAnswer(t.collector(), t.node(), t.tags(), t.truncated())))));
    return onSuccess(answer.exceptionally(this::queryFailed), r -> r);
  }

  Route query(String id) {
    return read(id, QueryParams::parse, (q, answers) -> answer(id, q, answers));
  }

  /** Each tag's last sample at or before {@code at} ({@link QueryParams#last}). */
  Route last(String id) {
    return read(id, QueryParams::last, (q, answers) -> {
      LastValues last = Json.last(id, q.to(), answers);
      return q.csv() ? csv(Csv.samples(last.samples())) : json(StatusCodes.OK, Json.write(last));
    });
  }

  private interface ParamsParser {
    QueryParams parse(Map<String, List<String>> params, long now, QuerySettings settings);
  }

  /** Checks the request, reads every tag from the chosen replica, and answers with {@code render}. */
  private Route read(String id, ParamsParser parser, BiFunction<QueryParams, List<SampleAnswer>, Route> render) {
    return parameterMultiMap(params -> {
      QueryParams q;
      try {
        IngestParser.checkCollectorId(id);
        q = parser.parse(params, System.currentTimeMillis(), settings.query());
        if (q.local() && host.isEmpty()) {
          throw new IngestParser.InvalidInput("replica=local needs a storage node; " + settings.nodeId() + " is not one");
        }
      } catch (IngestParser.InvalidInput e) {
        return json(StatusCodes.BAD_REQUEST, Json.error(e.getMessage()));
      }
      if (q.local() && !placement.holds(settings.nodeId(), id)) {
        return json(StatusCodes.NOT_FOUND, Json.error("node " + settings.nodeId() + " holds no replica of " + id));
      }
      CompletionStage<Optional<ActorRef<ReplicaHost.Command>>> target = q.local()
          ? CompletableFuture.completedFuture(host)
          : routing.bestReplica(id);
      CompletionStage<Route> answer = target.thenCompose(h -> h.isEmpty()
          ? CompletableFuture.completedFuture(json(StatusCodes.SERVICE_UNAVAILABLE, Json.error("no replica of " + id + " is reachable")))
          : read(h.get(), id, q).thenApply(answers -> render.apply(q, answers)));
      return onSuccess(answer.exceptionally(this::queryFailed), r -> r);
    });
  }

  /** One read per tag, all from the same replica. */
  private CompletionStage<List<SampleAnswer>> read(ActorRef<ReplicaHost.Command> replica, String id, QueryParams q) {
    List<CompletableFuture<SampleAnswer>> reads = q.tags().stream()
        .map(tag -> AskPattern.<ReplicaHost.Command, SampleAnswer>askWithStatus(replica,
            replyTo -> new ReplicaProtocol.QuerySamples(id, tag, q.from(), q.to(), q.limit(), q.intervalMs(), replyTo),
            askTimeout, system.scheduler()).toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(x -> reads.stream().map(CompletableFuture::join).toList());
  }

  private Route answer(String id, QueryParams q, List<SampleAnswer> answers) {
    if (q.stepMs() > 0) {
      List<InterpolatedAnswer> values = answers.stream().map(a -> Json.interpolated(a, q.from(), q.to(), q.stepMs())).toList();
      return q.csv() ? csv(Csv.interpolated(values)) : jsonOf(id, values);
    }
    if (q.aggregate() != null) {
      return q.csv() ? csv(Csv.buckets(answers, q.aggregate()))
          : jsonOf(id, answers.stream().map(a -> Json.aggregate(a, q.aggregate(), q.intervalMs())).toList());
    }
    // Raw samples may be millions (100 tags of max-samples each): streamed, a tag decoded at a time.
    return complete(HttpResponse.create().withEntity(switch (q.format()) {
      case JSON -> StreamedSamples.json(id, answers);
      case CSV -> StreamedSamples.csv(answers);
      case BINARY -> StreamedSamples.binary(answers);
    }));
  }

  private Route csv(String text) {
    return complete(HttpEntities.create(ContentTypes.TEXT_CSV_UTF8, text));
  }

  /** One tag: its answer; several: each in {@code results}. */
  private static Route jsonOf(String id, List<?> each) {
    return json(StatusCodes.OK, Json.writeBytes(each.size() == 1 ? each.get(0) : Json.tags(id, each)));
  }

  /**
   * The replica said why it could not answer (its store failed): a 500 with that reason. No
   * answer in time (unreachable, overloaded): a 503, worth retrying.
   */
  private Route queryFailed(Throwable e) {
    return cause(e, StatusReply.ErrorMessage.class)
        .map(error -> json(StatusCodes.INTERNAL_SERVER_ERROR, Json.error("query failed: " + error.getMessage())))
        .orElseGet(() -> json(StatusCodes.SERVICE_UNAVAILABLE, Json.error("query failed: " + rootMessage(e))));
  }
}

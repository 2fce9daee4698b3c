package gapless.api;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.marshalling.sse.EventStreamMarshalling;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.sse.ServerSentEvent;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Source;
import akka.stream.typed.javadsl.ActorSource;
import com.fasterxml.jackson.databind.JsonNode;
import gapless.api.dto.EventList;
import gapless.collector.IngestParser;
import gapless.events.ClusterEvent;
import gapless.events.EventLog;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /api/v1/events[?limit=N][&follow=true]}: the cluster event log this node keeps, as one
 * answer or as server-sent events that go on with every new event.
 */
final class EventRoutes extends AllDirectives {

  private final ActorSystem<?> system;
  private final ActorRef<EventLog.Command> eventLog;
  private final Duration askTimeout;

  EventRoutes(ActorSystem<?> system, ActorRef<EventLog.Command> eventLog, Duration askTimeout) {
    this.system = system;
    this.eventLog = eventLog;
    this.askTimeout = askTimeout;
  }

  Route events() {
    return parameterOptional("follow", follow -> parameterOptional("limit", limit -> {
      int lim;
      try {
        lim = (int) Math.max(0, Math.min(EventLog.KEEP, Answers.longParam("limit", limit, 200)));
      } catch (IngestParser.InvalidInput e) {
        return Answers.json(StatusCodes.BAD_REQUEST, Json.error(e.getMessage()));
      }
      CompletionStage<EventLog.Recent> recent = AskPattern.ask(eventLog,
          r -> new EventLog.GetRecent(lim, r), askTimeout, system.scheduler());
      if (follow.map("true"::equals).orElse(false)) {
        return onSuccess(recent, r -> completeOK(followSource(r.events()), EventStreamMarshalling.toEventStream()));
      }
      return onSuccess(recent, r -> Answers.json(StatusCodes.OK,
          Json.write(new EventList(r.events().stream().<JsonNode>map(ClusterEvent::toJson).toList()))));
    }));
  }

  private Source<ServerSentEvent, NotUsed> followSource(List<ClusterEvent> backlog) {
    Source<ClusterEvent, NotUsed> live = ActorSource.<ClusterEvent>actorRef(
            e -> false, e -> Optional.empty(), 1000, OverflowStrategy.dropHead())
        .mapMaterializedValue(ref -> {
          eventLog.tell(new EventLog.Follow(ref));
          return NotUsed.getInstance();
        });
    return Source.from(backlog).concat(live)
        .map(e -> ServerSentEvent.create(e.toJsonLine()))
        .keepAlive(Duration.ofSeconds(10), ServerSentEvent::heartbeat);
  }
}

package gapless.api;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import gapless.collector.IngestParser;
import java.util.Optional;

/** What every group of routes shares: the JSON answer, reading an integer parameter, the reason of a failure. */
final class Answers {

  private Answers() {}

  static Route json(StatusCode code, String body) {
    return Directives.complete(HttpResponse.create().withStatus(code)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body)));
  }

  static Route json(StatusCode code, byte[] body) {
    return Directives.complete(HttpResponse.create().withStatus(code)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body)));
  }

  /** Gapless' JSON error: {@code {"error": message}}. */
  static Route jsonError(StatusCode code, String message) {
    return json(code, Json.error(message));
  }

  static long longParam(String name, Optional<String> value, long dflt) {
    if (value.isEmpty()) {
      return dflt;
    }
    try {
      return Long.parseLong(value.get());
    } catch (NumberFormatException e) {
      throw new IngestParser.InvalidInput("query parameter '" + name + "' must be an integer, got '" + value.get() + "'");
    }
  }

  /** The first cause of {@code e} (itself included) that is a {@code type}. */
  static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}

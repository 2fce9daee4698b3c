package gapless.api;

import static gapless.api.Answers.cause;
import static gapless.api.Answers.json;
import static gapless.api.Answers.rootMessage;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RetryAfter;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.scaladsl.model.EntityStreamSizeException;
import gapless.collector.CollectorOwners;
import gapless.collector.CollectorProtocol;
import gapless.collector.IngestParser;
import gapless.collector.StatusRequest;
import gapless.config.GaplessSettings;
import gapless.metrics.NodeMetrics;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.Sample;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Ingest and collector status changes, on gateways: checks the request, encodes the batch and
 * hands it to the collector's owner; every answer is counted in the node's metrics by outcome.
 */
final class IngestRoutes extends AllDirectives {

  private final ActorSystem<?> system;
  private final GaplessSettings settings;
  private final Optional<CollectorOwners> gateway;
  private final IngestParser parser;
  private final NodeMetrics metrics;

  IngestRoutes(ActorSystem<?> system, GaplessSettings settings, Optional<CollectorOwners> gateway, NodeMetrics metrics) {
    this.system = system;
    this.settings = settings;
    this.gateway = gateway;
    this.parser = new IngestParser(settings.ingest().maxSamplesPerBatch());
    this.metrics = metrics;
  }

  Route ingest(String id) {
    return jsonBody(id, (body, key, start) -> {
      List<Sample> samples = parser.parseSamples(body);
      return submit(id, Batch.ofSamples(0, System.currentTimeMillis(), samples), key, start);
    });
  }

  Route changeStatus(String id) {
    return jsonBody(id, (body, key, start) -> {
      StatusRequest req = parser.parseStatus(body);
      return submit(id, Batch.ofStatus(0, System.currentTimeMillis(), req.status(), req.reason()), key, start);
    });
  }

  private interface BodyHandler {
    /** {@code idempotencyKey}: the request's {@code Idempotency-Key}, empty when it had none; {@code start}: nanoTime at arrival. */
    CompletionStage<Route> handle(byte[] body, String idempotencyKey, long start);
  }

  /**
   * Checks the collector id, the gateway role, the content type and the size (413 over
   * {@code max-body-bytes}, before reading the body when its length is declared); then parses.
   */
  private Route jsonBody(String id, BodyHandler handler) {
    return withoutSizeLimit(() -> optionalHeaderValueByName(HttpApi.IDEMPOTENCY_KEY, header -> extractRequestEntity(entity -> {
      long start = System.nanoTime();
      String key;
      try {
        IngestParser.checkCollectorId(id);
        key = IngestParser.idempotencyKey(header);
      } catch (IngestParser.InvalidInput e) {
        return refused(StatusCodes.BAD_REQUEST, "invalid", e.getMessage(), start);
      }
      if (gateway.isEmpty()) {
        return refused(StatusCodes.BAD_REQUEST, "invalid",
            "node " + settings.nodeId() + " is not a gateway; send samples to a node with role gateway", start);
      }
      if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
        return refused(StatusCodes.BAD_REQUEST, "invalid", "Content-Type must be application/json, got " + entity.getContentType(), start);
      }
      long max = settings.ingest().maxBodyBytes();
      if (entity.getContentLengthOption().isPresent() && entity.getContentLengthOption().getAsLong() > max) {
        return refused(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "request body of " + entity.getContentLengthOption().getAsLong()
            + " bytes is larger than the limit of " + max + " bytes (gapless.ingest.max-body-bytes); send fewer samples per request", start);
      }
      CompletionStage<Route> answer = entity.withSizeLimit(max).toStrict(settings.http().entityTimeout().toMillis(), system)
          .thenCompose(strict -> {
            try {
              return handler.handle(strict.getData().toArray(), key, start);
            } catch (IngestParser.InvalidInput e) {
              return CompletableFuture.completedFuture(refused(StatusCodes.BAD_REQUEST, "invalid", e.getMessage(), start));
            }
          })
          .exceptionally(e -> cause(e, EntityStreamSizeException.class).isPresent()
              ? refused(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "request body is larger than the limit of " + max
                  + " bytes (gapless.ingest.max-body-bytes); send fewer samples per request", start)
              : refused(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", "cannot accept now: " + rootMessage(e), start));
      return onSuccess(answer, route -> route);
    })));
  }

  private Route refused(StatusCode code, String outcome, String error, long start) {
    metrics.ingestAnswered(outcome, 0, start);
    return json(code, Json.error(error));
  }

  /**
   * Encodes the batch here, at the gateway that took the request, and hands it to the collector's
   * owner, on whichever gateway that is. A batch too large to travel as one cluster message is
   * refused now (413), before it gets a seq.
   */
  private CompletionStage<Route> submit(String id, Batch batch, String idempotencyKey, long start) {
    byte[] blob = BatchCodec.encode(batch, idempotencyKey);
    long max = settings.ingest().maxEncodedBytes();
    int samples = batch.samples().size();
    if (blob.length > max) {
      return CompletableFuture.completedFuture(refused(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "batch of "
          + samples + " samples encodes to " + blob.length + " bytes, over the limit of " + max
          + " bytes (gapless.ingest.max-encoded-bytes); nothing was stored: send fewer samples, or fewer distinct"
          + " or shorter tags, per request", start));
    }
    Duration timeout = settings.ingest().answerWithin(settings.http());
    return gateway.get().ask(id, replyTo -> new CollectorProtocol.Submit(blob, samples, replyTo), timeout)
        .thenApply(r -> {
          metrics.ingestAnswered(r.outcome().name().toLowerCase(Locale.ROOT), samples, start);
          return ingestAnswer(r);
        })
        // The batch may have got a seq and gone to the replicas before the answer was lost.
        .exceptionally(e -> {
          metrics.ingestAnswered("unknown", samples, start);
          return json(StatusCodes.GATEWAY_TIMEOUT, Json.write(Json.unknownOutcome(id,
              "no answer from the collector's owner within " + timeout.toMillis() + " ms: " + rootMessage(e))));
        });
  }

  private Route ingestAnswer(CollectorProtocol.IngestResult r) {
    return switch (r.outcome()) {
      case STORED -> json(StatusCodes.OK, Json.write(Json.receipt(r)));
      case BUFFERED -> json(StatusCodes.ACCEPTED, Json.write(Json.receipt(r)));
      case KEY_REUSED -> json(StatusCodes.UNPROCESSABLE_ENTITY, Json.error(r.error()));
      case REJECTED, BUFFER_FULL, DISK_FULL -> retryLater(json(StatusCodes.SERVICE_UNAVAILABLE, Json.error(r.error())));
      case UNKNOWN -> json(StatusCodes.GATEWAY_TIMEOUT, Json.write(Json.unknownOutcome(r.collector(), r.error())));
    };
  }

  /** A 503 says when to come back. */
  private Route retryLater(Route route) {
    return respondWithHeader(RetryAfter.create(settings.ingest().retryInterval().toSeconds() + 1), () -> route);
  }
}

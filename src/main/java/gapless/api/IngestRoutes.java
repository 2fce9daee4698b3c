package gapless.api;

import static gapless.api.Answers.cause;
import static gapless.api.Answers.json;
import static gapless.api.Answers.rootMessage;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RetryAfter;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.http.scaladsl.model.EntityStreamSizeException;
import gapless.api.dto.InfluxError;
import gapless.collector.CollectorOwners;
import gapless.collector.CollectorProtocol;
import gapless.collector.IngestParser;
import gapless.collector.LineProtocol;
import gapless.collector.StatusRequest;
import gapless.config.GaplessSettings;
import gapless.metrics.NodeMetrics;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.Sample;
import gapless.model.SampleColumns;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;

/**
 * Ingest and collector status changes, on gateways, in Gapless' JSON and in InfluxDB's line
 * protocol: checks the request, encodes the batch and hands it to the collector's owner; every
 * answer is counted in the node's metrics by outcome.
 */
final class IngestRoutes extends AllDirectives {

  private final ActorSystem<?> system;
  private final GaplessSettings settings;
  private final Optional<CollectorOwners> gateway;
  private final IngestParser parser;
  private final NodeMetrics metrics;
  private final Access access;
  private final Semaphore ingestSlots;

  IngestRoutes(ActorSystem<?> system, GaplessSettings settings, Optional<CollectorOwners> gateway, NodeMetrics metrics,
      Access access) {
    this.system = system;
    this.access = access;
    this.ingestSlots = new Semaphore(settings.http().maxConcurrentIngest());
    this.settings = settings;
    this.gateway = gateway;
    this.parser = new IngestParser(settings.ingest().maxSamplesPerBatch());
    this.metrics = metrics;
  }

  /** Samples as JSON or, with {@code Content-Type: }{@value SampleColumns#MEDIA_TYPE}, in the binary columns. */
  Route ingest(String id) {
    return access.write(id, gapless::error, () -> body(id, gapless, SAMPLES, (body, key, start) -> {
      List<Sample> samples = binary(body.type()) ? parser.parseBinarySamples(body.bytes()) : parser.parseSamples(body.bytes());
      return submit(id, Batch.ofSamples(0, System.currentTimeMillis(), samples), key, start, gapless);
    }));
  }

  private static boolean isJson(ContentType type) {
    return type.mediaType().equals(MediaTypes.APPLICATION_JSON);
  }

  /** {@value SampleColumns#MEDIA_TYPE}, in any case, with or without parameters. */
  private static boolean binary(ContentType type) {
    return (type.mediaType().mainType() + "/" + type.mediaType().subType()).equalsIgnoreCase(SampleColumns.MEDIA_TYPE);
  }

  /** A status (STOPPED turns an outage into a hole that is never refilled): for admin tokens only. */
  Route changeStatus(String id) {
    return access.admin(() -> body(id, gapless, JSON_ONLY, (body, key, start) -> {
      StatusRequest req = parser.parseStatus(body.bytes());
      return submit(id, Batch.ofStatus(0, System.currentTimeMillis(), req.status(), req.reason()), key, start, gapless);
    }));
  }

  /**
   * InfluxDB's write endpoints ({@code POST /api/v2/write?bucket=<collector>&precision=..} and v1's
   * {@code POST /write?db=<collector>}), so Telegraf and the InfluxDB clients can send here: a
   * request is one batch of {@link LineProtocol}; 204 once kept (stored, or buffered on this
   * gateway's disk), errors in InfluxDB's shape. When every point carries its time, the body's
   * digest is the request's Idempotency-Key: a client's retry of a write whose answer it lost is
   * stored once.
   */
  Route influx() {
    return concat(
        path(PathMatchers.segment("api").slash("v2").slash("write"), () -> post(() -> parameterOptional("bucket", bucket ->
            parameterOptional("precision", precision -> lines(bucket, "bucket", precision))))),
        path("write", () -> post(() -> parameterOptional("db", db ->
            parameterOptional("precision", precision -> lines(db, "db", precision))))));
  }

  private Route lines(Optional<String> collector, String param, Optional<String> precision) {
    if (collector.isEmpty()) {
      return influx.error(StatusCodes.BAD_REQUEST, "query parameter '" + param + "' (the Gapless collector id) is required");
    }
    String id = collector.get();
    return access.write(id, influx::error, () -> decodeRequest(() -> body(id, influx, ANY, (body, key, start) -> {
      LineProtocol.Points points = LineProtocol.parse(body.bytes(), LineProtocol.Precision.parse(precision.orElse(null)),
          System.currentTimeMillis(), settings.ingest().maxSamplesPerBatch());
      String idempotencyKey = key.isEmpty() && points.allTimed() ? "lp-" + digest(body.bytes()) : key;
      return submit(id, Batch.ofSamples(0, System.currentTimeMillis(), points.samples()), idempotencyKey, start, influx);
    })));
  }

  private static String digest(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** How the answers of one ingest API look: Gapless' own JSON, or InfluxDB's. */
  private interface Dialect {
    Route error(StatusCode code, String message);

    /** The owner's answer to a batch. */
    Route answer(CollectorProtocol.IngestResult r);

    /** The batch was handed to its owner and no answer came: it may be kept or not. */
    Route unknown(String collector, String message);
  }

  /** Why a request body of a type is not read here; null when it is. */
  @FunctionalInterface
  private interface TypeCheck {
    String refusal(ContentType type);
  }

  private static final TypeCheck JSON_ONLY = type -> isJson(type) ? null : "Content-Type must be application/json, got " + type;

  private static final TypeCheck SAMPLES = type -> isJson(type) || binary(type) ? null
      : "Content-Type must be application/json or " + SampleColumns.MEDIA_TYPE + ", got " + type;

  private static final TypeCheck ANY = type -> null;

  private final Dialect gapless = new Dialect() {
    @Override
    public Route error(StatusCode code, String message) {
      return json(code, Json.error(message));
    }

    @Override
    public Route answer(CollectorProtocol.IngestResult r) {
      return ingestAnswer(r);
    }

    @Override
    public Route unknown(String collector, String message) {
      return json(StatusCodes.GATEWAY_TIMEOUT, Json.write(Json.unknownOutcome(collector, message)));
    }
  };

  private final Dialect influx = new Dialect() {
    @Override
    public Route error(StatusCode code, String message) {
      Route answer = json(code, Json.write(new InfluxError(switch (code.intValue()) {
        case 400 -> "invalid";
        case 401 -> "unauthorized";
        case 403 -> "forbidden";
        case 413 -> "request too large";
        case 422 -> "conflict";
        case 429 -> "too many requests";
        default -> "unavailable";
      }, message)));
      return code.intValue() == 503 ? retryLater(answer) : answer;
    }

    @Override
    public Route answer(CollectorProtocol.IngestResult r) {
      return switch (r.outcome()) {
        case STORED, BUFFERED -> complete(StatusCodes.NO_CONTENT);
        case KEY_REUSED -> error(StatusCodes.UNPROCESSABLE_ENTITY, r.error());
        case REJECTED, BUFFER_FULL, DISK_FULL -> error(StatusCodes.SERVICE_UNAVAILABLE, r.error());
        case UNKNOWN -> unknown(r.collector(), r.error());
      };
    }

    @Override
    public Route unknown(String collector, String message) {
      return json(StatusCodes.GATEWAY_TIMEOUT, Json.write(new InfluxError("unavailable", "outcome unknown: " + message)));
    }
  };

  /** A request's body, read in full, and its type. */
  private record Body(ContentType type, byte[] bytes) {}

  private interface BodyHandler {
    /** {@code idempotencyKey}: the request's {@code Idempotency-Key}, empty when it had none; {@code start}: nanoTime at arrival. */
    CompletionStage<Route> handle(Body body, String idempotencyKey, long start);
  }

  /**
   * Takes a request's body under the gateway's cap on ingest requests at once: beyond it 429 with
   * Retry-After at once, its body unread; otherwise the slot is held until the answer is known.
   */
  private Route body(String id, Dialect dialect, TypeCheck types, BodyHandler handler) {
    return withoutSizeLimit(() -> optionalHeaderValueByName(HttpApi.IDEMPOTENCY_KEY, header -> extractRequestEntity(entity -> {
      long start = System.nanoTime();
      if (!ingestSlots.tryAcquire()) {
        entity.discardBytes(system);
        return respondWithHeader(RetryAfter.create(1L), () -> refused(StatusCodes.TOO_MANY_REQUESTS, "too_many",
            "more than " + settings.http().maxConcurrentIngest() + " ingest requests at once on " + settings.nodeId()
                + " (gapless.http.max-concurrent-ingest): nothing stored, send again after Retry-After", start, dialect));
      }
      CompletionStage<Route> answer;
      try {
        answer = admit(id, dialect, types, handler, header, entity, start);
      } catch (RuntimeException e) {
        ingestSlots.release();
        throw e;
      }
      return onSuccess(answer.whenComplete((route, failure) -> ingestSlots.release()), route -> route);
    })));
  }

  /**
   * Checks the collector id, the gateway role, the content type ({@code types}) and the size (413
   * over {@code max-body-bytes}, before reading the body when its length is declared); then
   * parses. Every refusal is counted and answered in {@code dialect}.
   */
  private CompletionStage<Route> admit(String id, Dialect dialect, TypeCheck types, BodyHandler handler, Optional<String> header,
      RequestEntity entity, long start) {
    String key;
    try {
      IngestParser.checkCollectorId(id);
      key = IngestParser.idempotencyKey(header);
    } catch (IngestParser.InvalidInput e) {
      return done(refused(StatusCodes.BAD_REQUEST, "invalid", e.getMessage(), start, dialect));
    }
    if (gateway.isEmpty()) {
      return done(refused(StatusCodes.BAD_REQUEST, "invalid",
          "node " + settings.nodeId() + " is not a gateway; send samples to a node with role gateway", start, dialect));
    }
    String wrongType = types.refusal(entity.getContentType());
    if (wrongType != null) {
      return done(refused(StatusCodes.BAD_REQUEST, "invalid", wrongType, start, dialect));
    }
    long max = settings.ingest().maxBodyBytes();
    if (entity.getContentLengthOption().isPresent() && entity.getContentLengthOption().getAsLong() > max) {
      return done(refused(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "request body of " + entity.getContentLengthOption().getAsLong()
          + " bytes is larger than the limit of " + max + " bytes (gapless.ingest.max-body-bytes); send fewer samples per request", start,
          dialect));
    }
    // The size limit given here too: without it each read looks up Akka HTTP's default in the config, through an exception.
    return entity.withSizeLimit(max).toStrict(settings.http().entityTimeout().toMillis(), max, system)
        .thenCompose(strict -> {
          try {
            return handler.handle(new Body(strict.getContentType(), strict.getData().toArray()), key, start);
          } catch (IngestParser.InvalidInput e) {
            return done(refused(StatusCodes.BAD_REQUEST, "invalid", e.getMessage(), start, dialect));
          }
        })
        .exceptionally(e -> cause(e, EntityStreamSizeException.class).isPresent()
            ? refused(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "request body is larger than the limit of " + max
                + " bytes (gapless.ingest.max-body-bytes); send fewer samples per request", start, dialect)
            : refused(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", "cannot accept now: " + rootMessage(e), start, dialect));
  }

  private static CompletionStage<Route> done(Route route) {
    return CompletableFuture.completedFuture(route);
  }

  private Route refused(StatusCode code, String outcome, String error, long start, Dialect dialect) {
    metrics.ingestAnswered(outcome, 0, start);
    return dialect.error(code, error);
  }

  /**
   * Encodes the batch here, at the gateway that took the request, and hands it to the collector's
   * owner, on whichever gateway that is. A batch too large to travel as one cluster message is
   * refused now (413), before it gets a seq.
   */
  private CompletionStage<Route> submit(String id, Batch batch, String idempotencyKey, long start, Dialect dialect) {
    byte[] blob = BatchCodec.encode(batch, idempotencyKey);
    long max = settings.ingest().maxEncodedBytes();
    int samples = batch.samples().size();
    if (blob.length > max) {
      return CompletableFuture.completedFuture(refused(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", "batch of "
          + samples + " samples encodes to " + blob.length + " bytes, over the limit of " + max
          + " bytes (gapless.ingest.max-encoded-bytes); nothing was stored: send fewer samples, or fewer distinct"
          + " or shorter tags, per request", start, dialect));
    }
    Duration timeout = settings.ingest().answerWithin(settings.http());
    return gateway.get().ask(id, replyTo -> new CollectorProtocol.Submit(blob, samples, replyTo), timeout)
        .thenApply(r -> {
          metrics.ingestAnswered(r.outcome().name().toLowerCase(Locale.ROOT), samples, start);
          return dialect.answer(r);
        })
        // The batch may have got a seq and gone to the replicas before the answer was lost.
        .exceptionally(e -> {
          metrics.ingestAnswered("unknown", samples, start);
          return dialect.unknown(id, "no answer from the collector's owner within " + timeout.toMillis() + " ms: " + rootMessage(e));
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

package gapless.client;

import static gapless.client.GaplessClientException.describe;
import static gapless.client.GaplessClientException.oneLine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.api.dto.ApiJson;
import gapless.api.dto.ColumnAnswers;
import gapless.api.dto.ErrorAnswer;
import gapless.api.dto.EventList;
import gapless.api.dto.IngestReceipt;
import gapless.api.dto.NodeStatus;
import gapless.api.dto.QueryAnswer;
import gapless.api.dto.ReplicaList;
import gapless.api.dto.ReplicaReport;
import gapless.model.Sample;
import gapless.model.SampleColumns;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * Small blocking client for the Gapless HTTP API (v1), shared by every CLI command, the demo, the
 * benchmark and the tests. It reads the answers into the server's own records
 * ({@link gapless.api.dto}) with the contract's mapper. Every failure surfaces as a
 * {@link GaplessClientException} with a one-line message; ingest answers are returned whatever
 * their status so callers can count them.
 */
public final class GaplessClient {

  private static final String JSON = "application/json";
  /** Cuts off answers that take longer than the request timeout to arrive in full. */
  private static final ScheduledThreadPoolExecutor DEADLINES = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "gapless-client-deadlines");
    t.setDaemon(true);
    return t;
  });

  static {
    // A cut-off is cancelled once its answer is in: dropped at once, not kept for the timeout with its stream.
    DEADLINES.setRemoveOnCancelPolicy(true);
  }

  private final HttpClient http;
  private final ObjectMapper mapper;
  private final Duration requestTimeout;
  private final Credentials credentials;

  /**
   * How the client proves itself to a secure cluster and checks the cluster in turn.
   *
   * @param token what it sends as {@code Authorization: Bearer <token>}
   * @param tls   whom it trusts for https URLs (the cluster CA); empty = the JDK's default CAs
   */
  public record Credentials(Optional<String> token, Optional<SSLContext> tls) {
    public static final Credentials NONE = new Credentials(Optional.empty(), Optional.empty());
  }

  public GaplessClient() {
    this(Credentials.NONE);
  }

  public GaplessClient(Credentials credentials) {
    this(Duration.ofSeconds(3), Duration.ofSeconds(30), credentials);
  }

  public GaplessClient(Duration connectTimeout, Duration requestTimeout) {
    this(connectTimeout, requestTimeout, Credentials.NONE);
  }

  public GaplessClient(Duration connectTimeout, Duration requestTimeout, Credentials credentials) {
    // HTTP/1.1 explicitly: the JDK client would otherwise try an h2c upgrade on every new connection.
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout);
    credentials.tls().ifPresent(builder::sslContext);
    this.http = builder.build();
    this.mapper = newMapper();
    this.requestTimeout = requestTimeout;
    this.credentials = credentials;
  }

  /** A request to {@code uri} with the client's token, if it has one. */
  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    credentials.token().ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b;
  }

  /** The mapper every Gapless client component uses: the contract's ({@link ApiJson}). */
  public static ObjectMapper newMapper() {
    return ApiJson.newMapper();
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  /** Posts an already encoded {@code {"samples":[...]}} body; answers whatever status came back. */
  public IngestResponse postSamples(URI gateway, String collector, byte[] jsonBody) {
    return postSamples(gateway, collector, jsonBody, "");
  }

  /**
   * Posts a body with an {@code Idempotency-Key} ({@code idempotencyKey}; empty: none): sent again
   * with the same key, to any gateway, it gets the first answer and is stored once.
   */
  public IngestResponse postSamples(URI gateway, String collector, byte[] jsonBody, String idempotencyKey) {
    return postSamples(gateway, collector, JSON, jsonBody, idempotencyKey);
  }

  /**
   * Posts a body of {@code contentType}: {@code application/json}, or {@link SampleColumns#MEDIA_TYPE}
   * for the binary columns ({@link SampleColumns#encode}).
   */
  public IngestResponse postSamples(URI gateway, String collector, String contentType, byte[] body, String idempotencyKey) {
    return ingest(resolve(gateway, "/api/v1/collectors/" + collector + "/samples"), contentType, body, idempotencyKey);
  }

  public IngestResponse postSamples(URI gateway, String collector, List<Sample> samples) {
    return postSamples(gateway, collector, toJson(Map.of("samples", samples)));
  }

  public IngestResponse postSamples(URI gateway, String collector, List<Sample> samples, String idempotencyKey) {
    return postSamples(gateway, collector, toJson(Map.of("samples", samples)), idempotencyKey);
  }

  /** Reports a collector status change ({@code RUNNING} or {@code STOPPED}). */
  public IngestResponse postStatus(URI gateway, String collector, String status, String reason) {
    return ingest(resolve(gateway, "/api/v1/collectors/" + collector + "/status"), JSON,
        toJson(Map.of("status", status, "reason", reason == null ? "" : reason)), "");
  }

  /**
   * Reads samples of one tag in {@code [from, to]} (inclusive, null = open).
   *
   * @param local read the answering storage node's own replica ({@code replica=local})
   */
  public QueryAnswer query(URI node, String collector, String tag, Long from, Long to, Integer limit, boolean local) {
    StringBuilder q = new StringBuilder("/api/v1/collectors/").append(collector).append("/samples?tag=")
        .append(URLEncoder.encode(tag, StandardCharsets.UTF_8));
    if (from != null) {
      q.append("&from=").append(from);
    }
    if (to != null) {
      q.append("&to=").append(to);
    }
    if (limit != null) {
      q.append("&limit=").append(limit);
    }
    if (local) {
      q.append("&replica=local");
    }
    return get(node, q.toString(), QueryAnswer.class);
  }

  public NodeStatus status(URI node) {
    return get(node, "/api/v1/status", NodeStatus.class);
  }

  public ReplicaList replicas(URI node) {
    return get(node, "/api/v1/replicas", ReplicaList.class);
  }

  /** This node's replica of {@code collector}, empty when the node holds none (404). */
  public Optional<ReplicaReport> replica(URI node, String collector) {
    try {
      return Optional.of(get(node, "/api/v1/replicas/" + collector, ReplicaReport.class));
    } catch (GaplessClientException e) {
      if (e.httpStatus() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The most recent cluster events, oldest first. */
  public List<JsonNode> events(URI node, int limit) {
    return get(node, "/api/v1/events?limit=" + limit, EventList.class).events();
  }

  /**
   * Follows the server-sent event stream, the {@code backlog} most recent events first, handing
   * each to {@code sink} until the server closes the stream or the calling thread is interrupted.
   */
  public void followEvents(URI node, int backlog, Consumer<JsonNode> sink) {
    URI uri = resolve(node, "/api/v1/events?follow=true&limit=" + backlog);
    // No request timeout: the stream is meant to stay open.
    HttpRequest request = request(uri).header("Accept", "text/event-stream").GET().build();
    HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw errorOf(request, response.statusCode(), readAll(response.body()));
    }
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        if (line.startsWith("data:")) {
          String data = line.substring(5).trim();
          if (!data.isEmpty()) {
            sink.accept(mapper.readTree(data));
          }
        }
      }
    } catch (IOException e) {
      throw new GaplessClientException("event stream from " + uri + " broke: " + describe(e), 0, e);
    }
  }

  /**
   * The path of a samples query: {@code tags} each as a {@code tag} parameter, then {@code params}
   * (name, value; null values left out), all URL-encoded.
   */
  public static String samplesPath(String collector, List<String> tags, Map<String, String> params) {
    StringBuilder q = new StringBuilder("/api/v1/collectors/").append(collector).append("/samples?");
    tags.forEach(t -> q.append("tag=").append(URLEncoder.encode(t, StandardCharsets.UTF_8)).append('&'));
    params.forEach((name, value) -> {
      if (value != null) {
        q.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('&');
      }
    });
    return q.substring(0, q.length() - 1);
  }

  /** GETs {@code path} on {@code node} and returns the answer's text (JSON or CSV); a non-200 answer is an exception. */
  public String getText(URI node, String path) {
    URI uri = resolve(node, path);
    HttpRequest request = request(uri).timeout(requestTimeout).GET().build();
    HttpResponse<byte[]> response = send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw errorOf(request, response.statusCode(), response.body());
    }
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  /**
   * GETs {@code path} on {@code node} and maps the JSON answer; a non-200 answer is an exception.
   * The answer is read as it arrives (a node streams a large one), all of it within the request
   * timeout: at the deadline the body is closed, and the read fails.
   */
  public <T> T get(URI node, String path, Class<T> type) {
    return get(node, path, JSON, body -> mapper.readerFor(type).without(StreamReadFeature.AUTO_CLOSE_SOURCE).readValue(body));
  }

  /**
   * GETs a raw sample query {@code path} that asks for {@code format=binary} and reads its
   * {@link ColumnAnswers}: one answer per tag, in the order asked; as {@link #get} otherwise.
   */
  public List<QueryAnswer> getColumns(URI node, String path) {
    return get(node, path, ColumnAnswers.MEDIA_TYPE, body -> ColumnAnswers.read(body, mapper));
  }

  private interface BodyReader<T> {
    T read(InputStream body) throws IOException;
  }

  private <T> T get(URI node, String path, String accept, BodyReader<T> reader) {
    URI uri = resolve(node, path);
    HttpRequest request = request(uri).timeout(requestTimeout).header("Accept", accept).GET().build();
    long deadline = System.nanoTime() + requestTimeout.toNanos();
    HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
    InputStream body = response.body();
    // Set before the body is closed: the failed read can come before the cut-off task counts as done.
    AtomicBoolean cut = new AtomicBoolean();
    ScheduledFuture<?> cutOff = DEADLINES.schedule(() -> {
      cut.set(true);
      closeQuietly(body);
    }, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    try (body) {
      if (response.statusCode() != 200) {
        throw errorOf(request, response.statusCode(), readAll(body));
      }
      T answer = reader.read(body);
      // Read to the end, so the connection is whole and is used again.
      body.transferTo(OutputStream.nullOutputStream());
      return answer;
    } catch (IOException e) {
      String why = cut.get() ? "no whole answer within " + requestTimeout.toMillis() + " ms" : oneLine(e.getMessage());
      throw new GaplessClientException("GET " + uri + ": unexpected answer: " + why, 200, e);
    } finally {
      cutOff.cancel(false);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Closed to stop a read that took too long: nothing more to do.
    }
  }

  private IngestResponse ingest(URI uri, String contentType, byte[] body, String idempotencyKey) {
    HttpRequest.Builder builder = request(uri).timeout(requestTimeout)
        .header("Content-Type", contentType).header("Accept", JSON);
    if (!idempotencyKey.isEmpty()) {
      builder.header("Idempotency-Key", idempotencyKey);
    }
    HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    HttpResponse<byte[]> response = send(request, HttpResponse.BodyHandlers.ofByteArray());
    int status = response.statusCode();
    byte[] answer = response.body();
    long retryAfter = response.headers().firstValue("Retry-After").map(GaplessClient::seconds).orElse(0L);
    try {
      if (status == 200 || status == 202) {
        IngestReceipt r = mapper.readValue(answer, IngestReceipt.class);
        return new IngestResponse(status, r.seq(), r.acks(), r.copies(), r.buffered(), 0, "");
      }
      String error = answer.length == 0 ? "" : mapper.readValue(answer, ErrorAnswer.class).error();
      return new IngestResponse(status, 0, 0, 0, false, retryAfter, error);
    } catch (IOException e) {
      // A proxy or a crashed handler may answer with non-JSON, or a 504 its outcome; keep the text as the error.
      return new IngestResponse(status, 0, 0, 0, false, retryAfter, oneLine(new String(answer, StandardCharsets.UTF_8)));
    }
  }

  private static long seconds(String retryAfter) {
    try {
      return Long.parseLong(retryAfter.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GaplessClientException(request.method() + " " + request.uri() + ": interrupted", 0, e);
    } catch (IOException e) {
      throw new GaplessClientException(request.method() + " " + request.uri() + ": " + describe(e), 0, e);
    }
  }

  private GaplessClientException errorOf(HttpRequest request, int status, byte[] body) {
    String message = oneLine(new String(body, StandardCharsets.UTF_8));
    try {
      String error = mapper.readValue(body, ErrorAnswer.class).error();
      message = error.isEmpty() ? message : error;
    } catch (IOException e) {
      // Not our JSON (a proxy's page, a crashed handler): its text is the message.
    }
    return new GaplessClientException(request.method() + " " + request.uri() + ": HTTP " + status
        + (message.isEmpty() ? "" : " " + message), status, null);
  }

  private byte[] toJson(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode request body", e);
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** {@code base} + {@code path}, keeping any path prefix the base URL has. */
  static URI resolve(URI base, String path) {
    String b = base.toString();
    if (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    try {
      return URI.create(b + path);
    } catch (IllegalArgumentException e) {
      throw new GaplessClientException("bad URL " + b + path + ": " + oneLine(e.getMessage()));
    }
  }
}

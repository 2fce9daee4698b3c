package gapless.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.stream.javadsl.Tcp;
import akka.pattern.StatusReply;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import gapless.Promtool;
import gapless.TestConfig;
import gapless.api.dto.ErrorAnswer;
import gapless.api.dto.IngestReceipt;
import gapless.client.GaplessClient;
import gapless.collector.CollectorOwners;
import gapless.collector.CollectorProtocol;
import gapless.config.GaplessSettings;
import gapless.config.NodeConfig;
import gapless.events.EventLog;
import gapless.metrics.NodeMetrics;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.Sample;
import gapless.replica.ReplicaHost;
import gapless.replica.ReplicaProtocol;
import java.io.IOException;
import gapless.model.SampleColumns;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's HTTP API over a real socket: every kind of bad input gets a 400 (a body or batch
 * too large: 413) that says what is wrong, and none of it is kept (the next good batch still takes
 * seq 1). The collectors' owners answer every batch 202, as when no replica host is up.
 */
class HttpApiTest {

  private static ActorTestKit testKit;
  private static Tcp.ServerBinding binding;
  private static final HttpClient http = HttpClient.newHttpClient();
  /** The client's reader of the JSON contract. */
  private static final ObjectMapper json = GaplessClient.newMapper();
  private static final NodeMetrics metrics = new NodeMetrics("gw1");

  @BeforeAll
  static void setUp() throws Exception {
    testKit = ActorTestKit.create("HttpApiTest", TestConfig.withDataDir(Files.createTempDirectory("http-test")));
    GaplessSettings settings = GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(
        "gapless.node-id = gw1\n"
            + "akka.cluster.roles = [gateway]\n"
            + "gapless.http.port = 0\n"
            + "gapless.ingest.ack-timeout = 300ms\n"
            + "gapless.ingest.max-body-bytes = 2k\n"
            + "gapless.ingest.max-samples-per-batch = 5\n")));
    TestProbe<EventLog.Command> eventLog = testKit.createTestProbe();
    binding = new HttpApi(testKit.system(), settings, Optional.of(bufferingOwners(testKit)),
        Optional.empty(), eventLog.getRef(), metrics).bind().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /**
   * Owners that answer every batch 202 with the next seq of its collector, as a real owner does when
   * no replica acks in time: the routes' mapping is what is tested here ({@code CollectorTest} tests the owner).
   */
  static CollectorOwners bufferingOwners(ActorTestKit testKit) {
    Map<String, ActorRef<CollectorProtocol.Command>> owners = new ConcurrentHashMap<>();
    return (collector, request, timeout) -> AskPattern.ask(
        owners.computeIfAbsent(collector, c -> testKit.spawn(Behaviors.setup(ctx -> {
          long[] seq = {0};
          return Behaviors.receive(CollectorProtocol.Command.class)
              .onMessage(CollectorProtocol.Submit.class, m -> {
                String key = BatchCodec.idempotencyKey(m.blob());
                if (key.startsWith("taken")) {
                  m.replyTo().tell(new CollectorProtocol.IngestResult(c, 0, 0, 0, CollectorProtocol.Outcome.KEY_REUSED,
                      "Idempotency-Key '" + key + "' was used for another batch"));
                  return Behaviors.same();
                }
                m.replyTo().tell(new CollectorProtocol.IngestResult(c, ++seq[0], 0, 1, CollectorProtocol.Outcome.BUFFERED, ""));
                return Behaviors.same();
              })
              .build();
        }))),
        request, timeout, testKit.system().scheduler());
  }

  @AfterAll
  static void tearDown() {
    binding.unbind();
    testKit.shutdownTestKit();
  }

  private static HttpResponse<String> post(String path, String contentType, String body) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> postBinary(String path, byte[] body) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).header("Content-Type", SampleColumns.MEDIA_TYPE)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> postWithKey(String path, String key, String body) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json").header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path);
    return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertBadRequest(HttpResponse<String> r, String expectedInMessage) throws IOException {
    assertError(r, 400, expectedInMessage);
  }

  private static void assertError(HttpResponse<String> r, int status, String... expectedInMessage) throws IOException {
    assertEquals(status, r.statusCode(), r.body());
    String error = json.readValue(r.body(), ErrorAnswer.class).error();
    for (String expected : expectedInMessage) {
      assertTrue(error.contains(expected), "error '" + error + "' should mention '" + expected + "'");
    }
  }

  private static final String GOOD = "{\"samples\":[{\"tag\":\"FIC101.PV\",\"ts\":1732400000000,\"value\":12.5,\"quality\":192}]}";

  @Test
  void badInputIsRejectedWithAReasonAndStoresNothing() throws Exception {
    String path = "/api/v1/collectors/line-1/samples";
    assertBadRequest(post(path, "text/plain", GOOD), "Content-Type must be application/json or application/vnd.gapless.samples");
    assertBadRequest(postBinary(path, GOOD.getBytes(StandardCharsets.UTF_8)), "starts with \"GLS\"");
    assertBadRequest(postBinary(path, SampleColumns.encode(List.of(new Sample("FIC101.PV", -5, 1, 192)))), "ts 0 must be between");
    assertBadRequest(postBinary(path, SampleColumns.encode(java.util.Collections.nCopies(6, new Sample("A", 5, 1, 192)))),
        "more than 5 samples");
    assertBadRequest(post(path, "application/json", "{\"samples\":[{\"tag\":\"FIC101.PV\",\"ts\":1,"), "malformed JSON");
    assertBadRequest(post(path, "application/json", GOOD.replace("192", "300")), "quality");
    assertBadRequest(post(path, "application/json", GOOD.replace("\"ts\":1732400000000", "\"ts\":\"now\"")), "ts");
    assertBadRequest(post(path, "application/json", "{\"samples\":[]}"), "must not be empty");
    String six = "{\"samples\":[" + String.join(",", java.util.Collections.nCopies(6, GOOD.substring(12, GOOD.length() - 2))) + "]}";
    assertBadRequest(post(path, "application/json", six), "more than 5");
    assertError(post(path, "application/json", "{\"samples\":[" + "x".repeat(3000) + "]}"), 413,
        "larger than the limit of 2048 bytes", "max-body-bytes");
    assertBadRequest(post("/api/v1/collectors/bad%20id/samples", "application/json", GOOD), "collector id");
    assertBadRequest(post("/api/v1/collectors/line-1/status", "application/json", "{\"status\":\"PAUSED\"}"), "status");

    // None of it reached the collector: the first good batch takes seq 1, the binary one after it seq 2.
    HttpResponse<String> ok = post(path, "application/json", GOOD);
    assertEquals(202, ok.statusCode(), ok.body());
    assertEquals(new IngestReceipt("line-1", 1, 0, 1, true), json.readValue(ok.body(), IngestReceipt.class));
    HttpResponse<String> binary = postBinary(path, SampleColumns.encode(List.of(new Sample("FIC101.PV", 1732400000000L, 12.5, 192))));
    assertEquals(202, binary.statusCode(), binary.body());
    assertEquals(new IngestReceipt("line-1", 2, 0, 1, true), json.readValue(binary.body(), IngestReceipt.class));
    // The media type in any case, with parameters.
    URI uri = URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path);
    HttpResponse<String> withParameter = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "Application/VND.Gapless.Samples; v=1")
        .POST(HttpRequest.BodyPublishers.ofByteArray(SampleColumns.encode(List.of(new Sample("FIC101.PV", 1732400000001L, 1, 192)))))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, withParameter.statusCode(), withParameter.body());
  }

  @Test
  void theIdempotencyKeyIsCheckedAndReachesTheOwnerInTheBatch() throws Exception {
    String path = "/api/v1/collectors/line-k/samples";
    assertBadRequest(postWithKey(path, "two words", GOOD), "Idempotency-Key must be 1 to 128 visible ASCII characters");
    assertBadRequest(postWithKey(path, "k".repeat(129), GOOD), "Idempotency-Key");
    // Bare or as a structured-field string; the owner refusing a reused key is a 422.
    assertError(postWithKey(path, "\"taken-7\"", GOOD), 422, "'taken-7'");
    assertError(postWithKey(path, "taken-8", GOOD), 422, "'taken-8'");
    HttpResponse<String> ok = postWithKey(path, "fresh-1", GOOD);
    assertEquals(202, ok.statusCode(), ok.body());
    assertEquals(1, json.readValue(ok.body(), IngestReceipt.class).seq(), "refused requests took no seq");
  }

  /** {@code n} samples, each with its own 128-char tag when {@code distinctTags}, else all of one. */
  private static List<Sample> samples(int n, boolean distinctTags) {
    List<Sample> samples = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String tag = distinctTags ? String.format("T%0127d", i) : "FIC101.PV";
      samples.add(new Sample(tag, 1_732_400_000_000L + i, i * 0.5, 192));
    }
    return samples;
  }

  private static String body(List<Sample> samples) throws IOException {
    return json.writeValueAsString(Map.of("samples", samples));
  }

  private static int encodedSize(List<Sample> samples) {
    return BatchCodec.encode(Batch.ofSamples(1, 0, samples)).length;
  }

  /**
   * The documented limits (10000 samples, 4 MiB of body, 128-char tags) allow a batch whose
   * encoding cannot travel to a replica in one Artery frame: it is refused with 413 at the door,
   * never 202, and nothing of it is kept.
   */
  @Test
  void aBatchTooLargeToTravelIsA413AndStoresNothing() throws Exception {
    GaplessSettings settings = GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(
        "gapless.node-id = gw1\n"
            + "akka.cluster.roles = [gateway]\n"
            + "gapless.http.port = 0\n"
            + "gapless.ingest.ack-timeout = 300ms\n")));
    long limit = settings.ingest().maxEncodedBytes();
    TestProbe<EventLog.Command> eventLog = testKit.createTestProbe();
    Tcp.ServerBinding gateway = new HttpApi(testKit.system(), settings, Optional.of(bufferingOwners(testKit)),
        Optional.empty(), eventLog.getRef(), metrics).bind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      String path = "http://127.0.0.1:" + gateway.localAddress().getPort() + "/api/v1/collectors/big-1/samples";

      List<Sample> largest = samples(settings.ingest().maxSamplesPerBatch(), true);
      String largestBody = body(largest);
      assertTrue(largestBody.length() < settings.ingest().maxBodyBytes(), "inside the body limit: " + largestBody.length());
      int size = encodedSize(largest);
      assertTrue(size > limit, "encodes to " + size);
      assertError(postTo(path, largestBody), 413,
          "encodes to " + size + " bytes", "limit of " + limit + " bytes", "max-encoded-bytes", "nothing was stored",
          "fewer samples");

      // Nothing of it was kept: the next batches take seq 1 and 2. Both are large but fit: 5000
      // samples with their own 128-char tags, and the most samples with one tag.
      List<Sample> fitting = samples(5000, true);
      assertTrue(encodedSize(fitting) > limit / 2 && encodedSize(fitting) <= limit, "encodes to " + encodedSize(fitting));
      HttpResponse<String> first = postTo(path, body(fitting));
      assertEquals(202, first.statusCode(), first.body());
      assertEquals(new IngestReceipt("big-1", 1, 0, 1, true), json.readValue(first.body(), IngestReceipt.class));
      HttpResponse<String> second = postTo(path, body(samples(settings.ingest().maxSamplesPerBatch(), false)));
      assertEquals(202, second.statusCode(), second.body());
      assertEquals(new IngestReceipt("big-1", 2, 0, 1, true), json.readValue(second.body(), IngestReceipt.class));
    } finally {
      gateway.unbind();
    }
  }

  private static HttpResponse<String> postTo(String uri, String body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(uri)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aQueryTheReplicaCannotAnswerIsA500WithItsReason() throws Exception {
    GaplessSettings settings = GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(
        "gapless.node-id = s1\n"
            + "akka.cluster.roles = [storage]\n"
            + "gapless.http.port = 0\n")));
    // A replica host whose store read fails: the replica answers with the reason.
    ActorRef<ReplicaHost.Command> failingHost = testKit.spawn(Behaviors.receive(ReplicaHost.Command.class)
        .onMessage(ReplicaProtocol.QuerySamples.class, q -> {
          q.replyTo().tell(StatusReply.error("reading line-1 on s1 failed: sample store is closed"));
          return Behaviors.same();
        })
        .build());
    TestProbe<EventLog.Command> eventLog = testKit.createTestProbe();
    Tcp.ServerBinding storage = new HttpApi(testKit.system(), settings, Optional.empty(), Optional.of(failingHost),
        eventLog.getRef(), metrics).bind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      URI uri = URI.create("http://127.0.0.1:" + storage.localAddress().getPort()
          + "/api/v1/collectors/line-1/samples?tag=A&replica=local");
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(500, r.statusCode(), r.body());
      String error = json.readTree(r.body()).path("error").asText();
      assertTrue(error.contains("sample store is closed"), error);
    } finally {
      storage.unbind();
    }
  }

  @Test
  void anAskNobodyAnswersIsA503InTheJsonErrorShape() throws Exception {
    GaplessSettings settings = GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(
        "gapless.node-id = s1\n"
            + "akka.cluster.roles = [storage]\n"
            + "gapless.http.port = 0\n"
            + "gapless.http.ask-timeout = 300ms\n")));
    ActorRef<ReplicaHost.Command> silentHost = testKit.spawn(Behaviors.ignore());
    TestProbe<EventLog.Command> eventLog = testKit.createTestProbe();
    Tcp.ServerBinding storage = new HttpApi(testKit.system(), settings, Optional.empty(), Optional.of(silentHost),
        eventLog.getRef(), metrics).bind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      for (String path : List.of("/api/v1/replicas", "/api/v1/replicas/line-1")) {
        URI uri = URI.create("http://127.0.0.1:" + storage.localAddress().getPort() + path);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, r.statusCode(), path + ": " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        assertTrue(json.readValue(r.body(), ErrorAnswer.class).error().contains("timed out"), r.body());
      }
    } finally {
      storage.unbind();
    }
  }

  @Test
  void badQueriesAreRejectedWithAReason() throws Exception {
    assertBadRequest(get("/api/v1/collectors/line-1/samples"), "'tag' is required");
    assertBadRequest(get("/api/v1/collectors/line-1/samples?tag=A&from=yesterday"), "'from' must be epoch ms, ISO-8601");
    assertBadRequest(get("/api/v1/collectors/line-1/samples?tag=A&from=-1h&interval=1m&agg=median"), "'agg' must be one of");
    assertBadRequest(get("/api/v1/collectors/line-1/samples?tag=A&tagg=B"), "unknown query parameter 'tagg'");
    assertBadRequest(get("/api/v1/collectors/line-1/samples?tag=A&from=10&to=5"), "before 'from'");
    assertBadRequest(get("/api/v1/collectors/line-1/samples?tag=A&limit=0"), "'limit' must be at least 1");
    assertBadRequest(get("/api/v1/collectors/line-1/samples?tag=A&replica=all"), "'replica' can only be 'local'");
    assertBadRequest(get("/api/v1/collectors/line-1/samples?tag=A&replica=local"), "needs a storage node");
    assertBadRequest(get("/api/v1/replicas/line-1"), "not a storage node");
  }

  @Test
  void metricsCountIngestAnswersByOutcomeInThePrometheusTextFormat() throws Exception {
    assertEquals(202, post("/api/v1/collectors/metered/samples", "application/json", GOOD).statusCode());
    assertEquals(400, post("/api/v1/collectors/metered/samples", "application/json", "{").statusCode());
    HttpResponse<String> r = get("/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"), r.headers().toString());
    String body = r.body();
    for (String expected : List.of(
        "gapless_ingest_requests_total{node=\"gw1\",outcome=\"buffered\"}",
        "gapless_ingest_requests_total{node=\"gw1\",outcome=\"invalid\"}",
        "gapless_ingest_samples_total{node=\"gw1\",outcome=\"buffered\"}",
        "gapless_ingest_ack_seconds_bucket{node=\"gw1\",outcome=\"buffered\",le=\"10.0\"}",
        "jvm_memory_used_bytes{area=\"heap\",node=\"gw1\"}")) {
      assertTrue(body.contains(expected), expected + " missing from:\n" + body);
    }
  }

  @Test
  void theMetricsPassPromtoolsCheck() throws Exception {
    assumeTrue(Promtool.installed(), "promtool not installed (Debian package prometheus): not checked");
    assertEquals("", Promtool.problems(get("/metrics").body()));
  }

  @Test
  void liveAnswersWhileTheNodeRuns() throws Exception {
    HttpResponse<String> r = get("/health/live");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("\"status\":\"live\""), r.body());
  }

  @Test
  void influxLineProtocolIsOneBatchPerRequestAnsweredInInfluxDbsShape() throws Exception {
    String lines = "reactor,unit=1 temp=350.5,running=t 1764144000\n温度 value=21.5 1764144000\n";
    assertEquals(204, post("/api/v2/write?bucket=influx-1&org=plant&precision=s", "text/plain; charset=utf-8", lines).statusCode());
    assertEquals(204, post("/write?db=influx-1&precision=s", "text/plain", lines).statusCode());
    HttpResponse<String> bad = post("/api/v2/write?bucket=influx-1", "text/plain", "m f=1\nm f=\"text\"\n");
    assertEquals(400, bad.statusCode());
    assertEquals("{\"code\":\"invalid\",\"message\":\"line 2: field 'f' is a string; only numbers and booleans can be stored\"}", bad.body());
    assertTrue(post("/api/v2/write?org=plant", "text/plain", lines).body().contains("query parameter 'bucket' (the Gapless collector id) is required"));
    assertTrue(post("/api/v2/write?bucket=influx-1&precision=h", "text/plain", lines).body().contains("precision must be ns, us, ms or s"));
    assertTrue(post("/api/v2/write?bucket=bad%20id", "text/plain", lines).body().contains("collector id must match"));
    // Nothing was kept from the bad requests: the next batch of this collector takes seq 3.
    HttpResponse<String> next = post("/api/v1/collectors/influx-1/samples", "application/json", GOOD);
    assertEquals(3, json.readValue(next.body(), IngestReceipt.class).seq(), next.body());
  }

  @Test
  void theConsoleIsServedFromTheJar() throws Exception {
    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.headers().toString());
    assertTrue(page.body().contains("<title>Gapless console</title>"), page.body());
    for (String asset : List.of("/console/console.js", "/console/console.css", "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js")) {
      assertEquals(200, get(asset).statusCode(), asset);
    }
    assertEquals("*", get("/api/v1/collectors/line-1/samples").headers().firstValue("Access-Control-Allow-Origin").orElse(""),
        "every answer, errors too, may be read by a page of another node");
  }

  /**
   * The OpenAPI document is served, every operation it lists is routed (answered by its route,
   * not Akka HTTP's "not found" or "method not allowed"), and it lists exactly the endpoints of
   * the README's API table.
   */
  @Test
  void theOpenApiDocumentMatchesTheRoutesAndTheReadme() throws Exception {
    HttpResponse<String> r = get("/api/v1/openapi.json");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode doc = json.readTree(r.body());
    assertEquals("3.0.3", doc.get("openapi").asText());
    Set<String> documented = new TreeSet<>();
    doc.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
      if (!method.equals("parameters")) {
        documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
      }
    }));
    for (String operation : documented) {
      String[] parts = operation.split(" ");
      URI uri = URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + parts[1].replace("{id}", "doc-check"));
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
      HttpResponse<String> answer = http.send(parts[0].equals("POST")
          ? request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{")).build()
          : request.GET().build(), HttpResponse.BodyHandlers.ofString());
      assertTrue(answer.statusCode() != 405 && !answer.body().contains("The requested resource could not be found"),
          operation + " is documented but not routed: " + answer.statusCode() + " " + answer.body());
    }
    assertEquals(readmeEndpoints(), documented, "the README's API table and the OpenAPI document list the same endpoints");
  }

  /** "METHOD /path" of each row of the README's API table; a second path in a row takes the row's method. */
  private static Set<String> readmeEndpoints() throws IOException {
    Set<String> endpoints = new TreeSet<>();
    Pattern endpoint = Pattern.compile("`(?:(GET|POST) )?(/[^`?\\s\\[]*)");
    for (String line : Files.readAllLines(Path.of("README.md"))) {
      if (!line.startsWith("| `GET ") && !line.startsWith("| `POST ")) {
        continue;
      }
      String cell = line.substring(2, line.indexOf(" | "));
      Matcher m = endpoint.matcher(cell);
      String method = null;
      while (m.find()) {
        method = m.group(1) != null ? m.group(1) : method;
        endpoints.add(method + " " + m.group(2));
      }
    }
    return endpoints;
  }
}

package gapless.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.javadsl.Tcp;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import gapless.TestConfig;
import gapless.api.dto.ErrorAnswer;
import gapless.client.GaplessClient;
import gapless.config.GaplessSettings;
import gapless.config.NodeConfig;
import gapless.events.EventLog;
import gapless.metrics.NodeMetrics;
import gapless.security.ApiTokens;
import gapless.security.ClusterCertificates;
import gapless.security.SecurityFiles;
import gapless.security.TlsContexts;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API of a node with security on: HTTPS with the node's certificate of the cluster CA, and the
 * token matrix (none, unknown, read, write, write limited to some collectors, admin) against every
 * kind of endpoint. Refusals are 401 or 403 with a JSON error and reach no route.
 */
class SecureHttpApiTest {

  private static ActorTestKit testKit;
  private static Tcp.ServerBinding binding;
  private static HttpClient https;
  private static final ObjectMapper json = GaplessClient.newMapper();
  private static final Map<String, String> tokens = new LinkedHashMap<>();
  private static SecurityFiles files;

  @BeforeAll
  static void setUp() throws Exception {
    Path dir = Files.createTempDirectory("secure-http-test");
    files = new SecurityFiles(dir.resolve("certs"));
    new ClusterCertificates(files).create(List.of(new ClusterCertificates.NodeName("gw1", List.of())));
    SecureRandom random = new SecureRandom();
    for (String line : ApiTokens.createInitial(files, random).split("\n")) {
      tokens.put(line.split(" ")[0], line.split(" ")[1]);
    }
    // One more: a writer limited to the collectors of line 3.
    tokens.put("line3", ApiTokens.newToken(random));
    List<ApiTokens.Grant> grants = new ArrayList<>(ApiTokens.read(files.tokenHashes()).grants());
    grants.add(ApiTokens.grant("line3", "write:l3-*", tokens.get("line3")));
    ApiTokens.of(grants).write(files.tokenHashes());

    testKit = ActorTestKit.create("SecureHttpApiTest", TestConfig.withDataDir(dir));
    GaplessSettings settings = GaplessSettings.from(NodeConfig.complete(ConfigFactory.parseString(
        "gapless.node-id = gw1\n"
            + "akka.cluster.roles = [gateway]\n"
            + "gapless.http.port = 0\n"
            + "gapless.http.ask-timeout = 300ms\n"
            + "gapless.http.header-timeout = 2s\n"
            + "gapless.security.enabled = on\n"
            + "gapless.security.dir = \"" + files.dir() + "\"\n")));
    binding = new HttpApi(testKit.system(), settings, Optional.of(HttpApiTest.bufferingOwners(testKit)),
        Optional.empty(), testKit.createTestProbe(EventLog.Command.class).getRef(), new NodeMetrics("gw1"))
        .bind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    https = HttpClient.newBuilder().sslContext(TlsContexts.trusting(files.caPem())).build();
  }

  @AfterAll
  static void tearDown() {
    binding.unbind();
    testKit.shutdownTestKit();
  }

  /**
   * Over HTTPS the handshake counts towards the header deadline (the idle timeout is 30 s): a
   * client that begins one and stalls is cut off at the header timeout, while the tests' own
   * connections, kept open between requests, are not.
   */
  @Test
  void aStalledHandshakeIsCutOffAtTheHeaderTimeout() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", binding.localAddress().getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(0x16); // a TLS record of the handshake begins
      socket.getOutputStream().flush();
      long start = System.nanoTime();
      int read;
      try {
        read = socket.getInputStream().read();
      } catch (SocketException reset) {
        read = -1;
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(-1, read, "closed without an answer");
      assertTrue(millis >= 1500 && millis < 8000, "cut off after " + millis + " ms (header timeout 2 s)");
    }
  }

  private static final String SAMPLES = "{\"samples\":[{\"tag\":\"t\",\"ts\":1700000000000,\"value\":1.0,\"quality\":192}]}";

  /** An endpoint of each kind, and the tokens it lets through. */
  private record Endpoint(String method, String path, String body, List<String> allowed) {}

  private static final List<Endpoint> ENDPOINTS = List.of(
      new Endpoint("POST", "/api/v1/collectors/l3-press/samples", SAMPLES, List.of("writer", "line3", "admin")),
      new Endpoint("POST", "/api/v1/collectors/l4-oven/samples", SAMPLES, List.of("writer", "admin")),
      new Endpoint("POST", "/api/v2/write?bucket=l3-press", "m,site=a v=1 1700000000000000000", List.of("writer", "line3", "admin")),
      new Endpoint("POST", "/api/v1/collectors/l3-press/status", "{\"status\":\"STOPPED\",\"reason\":\"test\"}", List.of("admin")),
      new Endpoint("GET", "/api/v1/collectors/l3-press/samples?tag=t", null, List.of("reader", "admin")),
      new Endpoint("GET", "/api/v1/status", null, List.of("reader", "admin")),
      new Endpoint("GET", "/api/v1/events", null, List.of("reader", "admin")),
      new Endpoint("GET", "/metrics", null, List.of("reader", "admin")),
      new Endpoint("GET", "/api/v1/openapi.json", null, List.of("reader", "admin")));

  @Test
  void everyEndpointAgainstEveryToken() throws Exception {
    List<String> wrong = new ArrayList<>();
    for (Endpoint e : ENDPOINTS) {
      check(e, "none", null, 401, wrong);
      check(e, "unknown", "gpl_thisTokenWasNeverMade", 401, wrong);
      for (String name : List.of("reader", "writer", "line3", "admin")) {
        check(e, name, tokens.get(name), e.allowed().contains(name) ? 0 : 403, wrong);
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  /** {@code expected} 0: anything but a refusal (the route answered). */
  private static void check(Endpoint e, String who, String token, int expected, List<String> wrong) throws Exception {
    HttpResponse<String> r = send(e, token);
    boolean refused = r.statusCode() == 401 || r.statusCode() == 403;
    if (expected == 0 ? refused : r.statusCode() != expected) {
      wrong.add(e.method() + " " + e.path() + " with " + who + ": " + r.statusCode() + " " + r.body());
    } else if (refused && !e.path().startsWith("/api/v2/write")) {
      String error = json.readValue(r.body(), ErrorAnswer.class).error();
      if (error == null || error.contains(token == null ? "\u0000" : token)) {
        wrong.add(e.method() + " " + e.path() + " with " + who + ": the refusal must say why, never echo the token: " + r.body());
      }
    }
  }

  @Test
  void refusalsSayWhyAndChallenge() throws Exception {
    HttpResponse<String> none = send(ENDPOINTS.get(0), null);
    assertEquals("Bearer realm=\"gapless\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
    assertTrue(none.body().contains("needs a token"), none.body());
    HttpResponse<String> reader = send(ENDPOINTS.get(0), tokens.get("reader"));
    assertTrue(reader.body().contains("token 'reader' (read) may not write to collector l3-press"), reader.body());
    HttpResponse<String> line3 = send(ENDPOINTS.get(1), tokens.get("line3"));
    assertTrue(line3.body().contains("may not write to collector l4-oven"), line3.body());
    // InfluxDB clients send 'Token <token>' and read InfluxDB's error shape.
    HttpResponse<String> influx = https.send(HttpRequest.newBuilder(uri("/api/v2/write?bucket=l4-oven"))
        .header("Authorization", "Token " + tokens.get("line3"))
        .POST(HttpRequest.BodyPublishers.ofString("m v=1")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, influx.statusCode(), influx.body());
    assertTrue(influx.body().contains("\"code\":\"forbidden\""), influx.body());
  }

  @Test
  void healthAndTheConsoleNeedNoToken() throws Exception {
    assertEquals(200, send(new Endpoint("GET", "/health/live", null, List.of()), null).statusCode());
    assertEquals(200, send(new Endpoint("GET", "/", null, List.of()), null).statusCode());
  }

  @Test
  void aClientThatDoesNotTrustTheClusterCaCannotTalkToTheNode() {
    assertThrows(SSLHandshakeException.class, () -> HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(uri("/health/live")).build(), HttpResponse.BodyHandlers.ofString()));
  }

  private static HttpResponse<String> send(Endpoint e, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(e.path()));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (e.body() != null) {
      b.header("Content-Type", e.path().contains("/v2/") ? "text/plain" : "application/json");
      b.method(e.method(), HttpRequest.BodyPublishers.ofString(e.body()));
    } else {
      b.method(e.method(), HttpRequest.BodyPublishers.noBody());
    }
    return https.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("https://localhost:" + binding.localAddress().getPort() + path);
  }
}

package gapless.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.javadsl.Tcp;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import gapless.TestConfig;
import gapless.collector.CollectorOwners;
import gapless.collector.CollectorProtocol;
import gapless.config.GaplessSettings;
import gapless.config.NodeConfig;
import gapless.events.EventLog;
import gapless.metrics.NodeMetrics;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The limits that keep a gateway's API up (gapless.http): a cap on ingest requests at once, and
 * connections that send nothing for the idle timeout are closed. The node's config is built as a node builds it (NodeConfig), and its
 * Akka HTTP settings are the actor system's.
 */
class HttpLimitsTest {

  private static ActorTestKit testKit;
  private static Tcp.ServerBinding binding;
  private static final NodeMetrics metrics = new NodeMetrics("gw1");
  /** Asks that reached the owners: an ingest holds its slot from before its ask. */
  private static final Semaphore asked = new Semaphore(0);
  /** Owners that never answer: each ingest holds its slot until its ask times out. */
  private static final CollectorOwners silent = (collector, request, timeout) -> {
    asked.release();
    return new CompletableFuture<CollectorProtocol.IngestResult>().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  };

  @BeforeAll
  static void setUp() throws Exception {
    Config node = NodeConfig.complete(ConfigFactory.parseString(
        "gapless.node-id = gw1\n"
            + "akka.cluster.roles = [gateway]\n"
            + "gapless.http.port = 0\n"
            + "gapless.http.max-concurrent-ingest = 1\n"
            + "gapless.http.idle-timeout = 4s\n"
            + "gapless.http.header-timeout = 2s\n"
            + "gapless.ingest.ack-timeout = 300ms\n"
            + "gapless.ingest.claim-timeout = 300ms\n"
            + "gapless.http.ingest-reply-margin = 1s\n"));
    Config http = node.withOnlyPath("akka.http");
    testKit = ActorTestKit.create("HttpLimitsTest", http.withFallback(TestConfig.withDataDir(Files.createTempDirectory("limits"))));
    binding = new HttpApi(testKit.system(), GaplessSettings.from(node), Optional.of(silent), Optional.empty(),
        testKit.createTestProbe(EventLog.Command.class).getRef(), metrics)
        .bind().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void tearDown() {
    binding.unbind();
    testKit.shutdownTestKit();
  }

  @Test
  void beyondTheIngestCapA429SaysWhenToComeBackAndNothingIsStored() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String body = "{\"samples\":[{\"tag\":\"t\",\"ts\":1700000000000,\"value\":1.0,\"quality\":192}]}";
    HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + binding.localAddress().getPort()
        + "/api/v1/collectors/c-1/samples")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    CompletableFuture<HttpResponse<String>> first = http.sendAsync(post, HttpResponse.BodyHandlers.ofString());
    assertTrue(asked.tryAcquire(10, TimeUnit.SECONDS), "the first request reached its owner, holding the only slot");
    HttpResponse<String> second = http.send(post, HttpResponse.BodyHandlers.ofString());
    assertEquals(429, second.statusCode(), second.body());
    assertEquals("1", second.headers().firstValue("Retry-After").orElse(""));
    assertTrue(second.body().contains("gapless.http.max-concurrent-ingest") && second.body().contains("nothing stored"),
        second.body());
    assertEquals(504, first.get(15, TimeUnit.SECONDS).statusCode(), "the silent owner's request ends: outcome unknown");
    // Its slot is free again.
    assertEquals(504, http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void aConnectionIdleBetweenRequestsIsCutOffAtTheIdleTimeout() throws Exception {
    try (Socket socket = connect()) {
      send(socket, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
      long start = System.nanoTime();
      String answer = readUntilClosed(socket);
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      assertTrue(seconds >= 3 && seconds < 8, "closed after " + seconds + " s (idle timeout 4 s, header timeout 2 s)");
    }
  }

  @Test
  void aClientThatTricklesItsHeadersIsCutOffAtTheHeaderTimeout() throws Exception {
    double cutBefore = slowHeaderCuts();
    try (Socket socket = connect()) {
      CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> readUntilClosed(socket));
      byte[] head = "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);
      long start = System.nanoTime();
      // One byte every 300 ms: never idle for 4 s, and the head would take 20 s in all.
      for (int i = 0; i < head.length && !answer.isDone(); i++) {
        try {
          socket.getOutputStream().write(head[i]);
          socket.getOutputStream().flush();
        } catch (SocketException closed) {
          break;
        }
        Thread.sleep(300);
      }
      assertEquals("", answer.get(10, TimeUnit.SECONDS), "cut off without an answer");
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis >= 1500 && millis < 3900, "cut off after " + millis + " ms (header timeout 2 s, idle timeout 4 s)");
      assertEquals(cutBefore + 1, slowHeaderCuts(), "counted in gapless_http_slow_headers_total");
    }
  }

  @Test
  void aPauseBetweenRequestsAndASlowBodyAreNotSlowHeaders() throws Exception {
    try (Socket socket = connect()) {
      InputStream in = socket.getInputStream();
      send(socket, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
      String first = readAnswerHead(in);
      assertTrue(first.startsWith("HTTP/1.1 200"), first);
      in.readNBytes(contentLength(first));
      Thread.sleep(3000);
      // After a pause longer than the header timeout, a request whose body takes 3 s.
      String body = "{\"samples\":[]}";
      send(socket, "POST /api/v1/collectors/c-3/samples HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length() + "\r\n\r\n");
      for (char c : body.toCharArray()) {
        send(socket, String.valueOf(c));
        Thread.sleep(3000 / body.length());
      }
      String second = readAnswerHead(in);
      assertTrue(second.startsWith("HTTP/1.1 400"), "the request was parsed and answered: " + second);
    }
  }

  private static double slowHeaderCuts() {
    String text = new String(metrics.scrape(), StandardCharsets.UTF_8);
    return text.lines().filter(l -> l.startsWith("gapless_http_slow_headers_total{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static Socket connect() throws Exception {
    Socket socket = new Socket("127.0.0.1", binding.localAddress().getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void send(Socket socket, String text) throws Exception {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  /** An answer's status line and headers, up to the blank line. */
  private static String readAnswerHead(InputStream in) throws Exception {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b == -1) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private static int contentLength(String head) {
    return head.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
        .mapToInt(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
  }

  /** Everything the server says until it closes (or resets) the connection. */
  private static String readUntilClosed(Socket socket) {
    StringBuilder text = new StringBuilder();
    try {
      InputStream in = socket.getInputStream();
      for (int b = in.read(); b != -1; b = in.read()) {
        text.append((char) b);
      }
    } catch (java.io.IOException closed) {
      // reset: closed as well
    }
    return text.toString();
  }
}

package gapless.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.ServerBinding;
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
import java.io.OutputStream;
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
  private static ServerBinding binding;
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
            + "gapless.ingest.ack-timeout = 300ms\n"
            + "gapless.ingest.claim-timeout = 300ms\n"
            + "gapless.http.ingest-reply-margin = 1s\n"));
    Config http = node.withOnlyPath("akka.http");
    testKit = ActorTestKit.create("HttpLimitsTest", http.withFallback(TestConfig.withDataDir(Files.createTempDirectory("limits"))));
    binding = new HttpApi(testKit.system(), GaplessSettings.from(node), Optional.of(silent), Optional.empty(),
        testKit.createTestProbe(EventLog.Command.class).getRef(), new NodeMetrics("gw1"))
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
  void aClientThatStopsSendingIsCutOffAtTheIdleTimeout() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", binding.localAddress().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("POST /api/v1/collectors/c-2/samples HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long start = System.nanoTime();
      InputStream in = socket.getInputStream();
      // Nothing more is sent: the server closes (or resets) the connection at the idle timeout.
      try {
        while (in.read() != -1) {
          // whatever it says before closing
        }
      } catch (SocketException reset) {
        // closed as well
      }
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      assertTrue(seconds >= 3 && seconds < 8, "closed after " + seconds + " s (idle timeout 4 s)");
    }
  }
}

package gapless.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.api.dto.GapReport;
import gapless.api.dto.NodeStatus;
import gapless.api.dto.ReplicaReport;
import gapless.model.CollectorStatus;
import gapless.model.SeqRange;
import gapless.tools.LedgerEntry;
import gapless.tools.SampleGenerator;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GaplessClient} answers and failures, against a fake node. */
class GaplessClientTest {

  private final GaplessClient client = new GaplessClient(Duration.ofSeconds(2), Duration.ofSeconds(5));

  @Test
  void readsStatusAndReplicas() throws Exception {
    try (FakeNode n = new FakeNode("s1", new java.util.concurrent.CopyOnWriteArrayList<>())) {
      n.storageNodes.add(n.info());
      n.views.put("c1", FakeNode.report("c1", "s1", List.of("s1"), 3, 5, List.of(SeqRange.of(4)), 4, 40, 400, "abcdef0123456789",
          CollectorStatus.RUNNING, List.of(new GapReport(1, null, "maintenance", 2))));
      NodeStatus s = client.status(n.url());
      assertEquals("s1", s.node());
      assertEquals(n.url().toString(), s.storageNodes().get(0).http());
      ReplicaReport v = client.replica(n.url(), "c1").orElseThrow();
      assertEquals("4", v.missingText());
      assertEquals("abcdef012345", v.shortDigest());
      assertTrue(v.holds(3) && !v.holds(4) && v.holds(5) && !v.holds(6));
      assertTrue(client.replica(n.url(), "nope").isEmpty());
      assertEquals(1, client.replicas(n.url()).replicas().size());
    }
  }

  @Test
  void ingestAnswersAreReturnedWhateverTheirStatus() throws Exception {
    try (FakeNode n = new FakeNode("gw1", List.of())) {
      n.ingestStatus = c -> 202;
      IngestResponse r = client.postSamples(n.url(), "c1", SampleGenerator.batch("c1", 1, 1, 2, 10, 0));
      assertEquals(new IngestResponse(202, 1, 1, 2, true, 0, ""), r);
      n.ingestStatus = c -> 400;
      IngestResponse bad = client.postSamples(n.url(), "c1", List.of());
      assertEquals(400, bad.httpStatus());
      assertFalse(bad.accepted());
      assertEquals("refused by test", bad.error());
    }
  }

  @Test
  void errorAnswersAndUnreachableNodesAreOneLineExceptions() throws Exception {
    try (FakeNode n = new FakeNode("s1", List.of())) {
      GaplessClientException e = assertThrows(GaplessClientException.class, () -> client.get(n.url(), "/api/v1/nothing", Object.class));
      assertEquals(404, e.httpStatus());
      assertTrue(e.getMessage().endsWith("HTTP 404 no route /api/v1/nothing"), e.getMessage());
    }
    GaplessClientException down = assertThrows(GaplessClientException.class, () -> client.status(URI.create("http://127.0.0.1:1")));
    assertTrue(down.getMessage().contains("connection refused"), down.getMessage());
    assertFalse(down.getMessage().contains("\n"));
  }

  @Test
  void ledgerEntriesRoundTrip() throws Exception {
    ObjectMapper m = GaplessClient.newMapper();
    LedgerEntry e = new LedgerEntry("c1", 42, 200, 10, 100, 10, 1732400000000L, 42L);
    String line = m.writeValueAsString(e);
    assertEquals("{\"collector\":\"c1\",\"seq\":42,\"status\":200,\"tags\":10,\"perTag\":100,\"stepMs\":10,"
        + "\"startTs\":1732400000000,\"batch\":42}", line);
    assertEquals(e, m.readValue(line, LedgerEntry.class));
    LedgerEntry handWritten = m.readValue("{\"collector\":\"c1\",\"seq\":7,\"status\":202,\"tags\":1,\"perTag\":1,"
        + "\"stepMs\":10,\"startTs\":0}", LedgerEntry.class);
    assertEquals(7, handWritten.generatorSeq());
  }

  /** A node that sends the head of an answer and part of its body, then nothing: the read gives up at the request timeout. */
  @Test
  void anAnswerThatStopsHalfWayFailsAtTheRequestTimeout() throws Exception {
    GaplessClient quick = new GaplessClient(Duration.ofSeconds(2), Duration.ofMillis(1500));
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread stalling = new Thread(() -> {
        try (Socket s = server.accept()) {
          s.getInputStream().read(new byte[4096]);
          s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
              + "{\"events\":[").getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          Thread.sleep(10_000);
        } catch (Exception e) {
          // The test is over.
        }
      });
      stalling.setDaemon(true);
      stalling.start();
      long start = System.nanoTime();
      URI url = URI.create("http://127.0.0.1:" + server.getLocalPort());
      GaplessClientException e = assertThrows(GaplessClientException.class, () -> quick.events(url, 10));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(e.getMessage().contains("no whole answer within 1500 ms"), e.getMessage());
      assertTrue(millis < 8000, millis + " ms");
      stalling.interrupt();
    }
  }
}

package gapless.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.client.FakeNode;
import gapless.client.GaplessClient;
import gapless.model.Sample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** {@link Simulator} against a fake gateway: ordering, ledger contents, error counting. */
class SimulatorTest {

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(IngestFormat.class)
  void ledgerHoldsEveryAcceptedBatchAndRegeneratesItsSamples(IngestFormat format) throws Exception {
    try (FakeNode gw = new FakeNode("gw1", List.of())) {
      // Collector 3 is refused every time; collector 2 is buffered every time.
      gw.ingestStatus = c -> c.equals("t-0003") ? 503 : c.equals("t-0002") ? 202 : 200;
      Path ledger = dir.resolve("ledger.jsonl");
      SimulationSettings s = new SimulationSettings(List.of(gw.url()), 3, 2, 5, 10, 0, Duration.ofMillis(700), ledger, 2, "t", 1_000_000L,
          format);
      SimulationResult r = new Simulator(new GaplessClient()).run(s, null);

      List<LedgerEntry> entries = LedgerEntry.readAll(ledger, GaplessClient.newMapper());
      assertEquals(r.acked(), entries.size());
      assertTrue(r.ok200() > 0 && r.buffered202() > 0, r.summary());
      assertTrue(r.rejected() > 0 && r.firstErrors().get(0).contains("HTTP 503 refused by test"), r.firstErrors().toString());
      assertEquals(r.acked() * 10, r.samplesAcked());
      Map<String, Long> lastSeq = new HashMap<>();
      for (LedgerEntry e : entries) {
        assertTrue(!e.collector().equals("t-0003"), "refused batches are not in the ledger");
        assertEquals(e.collector().equals("t-0002") ? 202 : 200, e.status());
        // One in flight per collector: seqs arrive in order, and match the generator's batch number.
        assertEquals(lastSeq.getOrDefault(e.collector(), 0L) + 1, e.seq());
        assertEquals(e.seq(), e.generatorSeq());
        lastSeq.put(e.collector(), e.seq());
      }
      List<Sample> regenerated = new ArrayList<>();
      for (LedgerEntry e : entries) {
        if (e.collector().equals("t-0001")) {
          regenerated.addAll(SampleGenerator.batch(e.collector(), e.generatorSeq(), e.tags(), e.perTag(), e.stepMs(), e.startTs()));
        }
      }
      // Each tag's samples in the order sent (the binary body sends a batch tag by tag).
      assertEquals(regenerated.stream().collect(Collectors.groupingBy(Sample::tag)),
          gw.samples.get("t-0001").stream().collect(Collectors.groupingBy(Sample::tag)));
      assertEquals(regenerated.size(), gw.samples.get("t-0001").size());
    }
  }

  @Test
  void rateLimitHoldsTheSampleRate() throws Exception {
    try (FakeNode gw = new FakeNode("gw1", List.of())) {
      SimulationSettings s = new SimulationSettings(List.of(gw.url()), 2, 1, 10, 10, 200, Duration.ofSeconds(1), null, 2, "r",
          1_000_000L);
      SimulationResult r = new Simulator(new GaplessClient()).run(s, null);
      // 200 samples/s in batches of 10: about 20 batches in one second, never much more.
      assertTrue(r.acked() >= 10 && r.acked() <= 22, r.summary());
    }
  }

  @Test
  void batchesEachSendsThatManyPerCollectorAndEndsEarly() throws Exception {
    try (FakeNode gw = new FakeNode("gw1", List.of())) {
      // Collector 2's first answer is a 503: it sends that batch again, and still sends two in all.
      AtomicBoolean refusedOnce = new AtomicBoolean();
      gw.ingestStatus = c -> c.equals("e-0002") && refusedOnce.compareAndSet(false, true) ? 503 : 200;
      Path ledger = dir.resolve("each.jsonl");
      SimulationSettings s = new SimulationSettings(List.of(gw.url()), 5, 1, 3, 10, 0, Duration.ofSeconds(60), ledger, 2, "e",
          1_000_000L);
      SimulationResult r = new Simulator(new GaplessClient()).batchesEach(2).run(s, null);

      assertEquals(10, r.acked(), r.summary());
      assertEquals(1, r.rejected(), r.summary());
      assertTrue(r.seconds() < 30, "ended when every collector had sent its batches, not at the duration: " + r.summary());
      Map<String, Long> perCollector = LedgerEntry.readAll(ledger, GaplessClient.newMapper()).stream()
          .collect(Collectors.groupingBy(LedgerEntry::collector, Collectors.counting()));
      assertEquals(Map.of("e-0001", 2L, "e-0002", 2L, "e-0003", 2L, "e-0004", 2L, "e-0005", 2L), perCollector);
    }
  }

  @Test
  void unreachableGatewayIsCountedNotThrown() {
    SimulationSettings s = new SimulationSettings(List.of(java.net.URI.create("http://127.0.0.1:1")), 1, 1, 1, 10, 0,
        Duration.ofMillis(500), null, 1, "u", 1_000_000L);
    SimulationResult r = new Simulator(new GaplessClient()).run(s, null);
    assertEquals(0, r.acked());
    assertTrue(r.failed() > 0 && r.firstErrors().get(0).contains("connection refused"), r.firstErrors().toString());
  }
}

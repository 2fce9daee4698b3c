package gapless.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.api.dto.ReplicaReport;
import gapless.api.dto.StorageNodeInfo;
import gapless.client.FakeNode;
import gapless.client.GaplessClient;
import gapless.model.CollectorStatus;
import gapless.model.Sample;
import gapless.model.SeqRange;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Verifier} against three fake storage nodes holding two collectors. */
class VerifierTest {

  private static final long START = 1_732_400_000_000L;
  private static final List<String> SET = List.of("s1", "s2", "s3");
  private static final int BATCHES = 5;
  private static final int TAGS = 3;
  private static final int PER_TAG = 4;

  private final List<StorageNodeInfo> storage = new CopyOnWriteArrayList<>();
  private final List<FakeNode> nodes = new ArrayList<>();
  private final List<LedgerEntry> ledger = new ArrayList<>();
  private final GaplessClient client = new GaplessClient(Duration.ofSeconds(2), Duration.ofSeconds(5));

  @BeforeEach
  void cluster() throws Exception {
    for (String id : SET) {
      FakeNode n = new FakeNode(id, storage);
      nodes.add(n);
      storage.add(n.info());
    }
    for (String c : List.of("fake-0001", "fake-0002")) {
      for (long seq = 1; seq <= BATCHES; seq++) {
        ledger.add(new LedgerEntry(c, seq, 200, TAGS, PER_TAG, 10, START, seq));
      }
      for (FakeNode n : nodes) {
        List<Sample> all = new CopyOnWriteArrayList<>();
        for (long seq = 1; seq <= BATCHES; seq++) {
          all.addAll(SampleGenerator.batch(c, seq, TAGS, PER_TAG, 10, START));
        }
        n.samples.put(c, all);
        n.views.put(c, view(c, n.id, "d1g35t"));
      }
    }
  }

  @AfterEach
  void stop() {
    nodes.forEach(FakeNode::close);
  }

  @Test
  void identicalReplicasPass() {
    VerifyReport r = verifier().verify(ledger);
    assertTrue(r.ok(), r.problems().toString());
    assertEquals(2L * BATCHES * TAGS * PER_TAG * SET.size(), r.samplesChecked());
    assertTrue(r.verdictLine().startsWith("VERIFY OK: 2 collectors"), r.verdictLine());
  }

  @Test
  void aStorageNodeListedWithoutUrlFailsInsteadOfCrashing() {
    // The status lists every configured storage node; one that is down comes with http null.
    storage.set(2, new StorageNodeInfo("s3", null, false));
    VerifyReport r = verifier().verify(ledger);
    assertFalse(r.ok());
    assertTrue(r.problems().get(0).contains("s3 is not reachable"), r.problems().toString());
  }

  @Test
  void smallPagesReadEverything() {
    VerifyReport r = verifier().pageSize(7).verify(ledger);
    assertTrue(r.ok(), r.problems().toString());
    assertEquals(2L * BATCHES * TAGS * PER_TAG * SET.size(), r.samplesChecked());
  }

  @Test
  void withoutLedgerOnlyReplicasAreCompared() {
    VerifyReport r = verifier().verify((List<LedgerEntry>) null);
    assertTrue(r.ok(), r.problems().toString());
    assertFalse(r.samplesCompared());
  }

  @Test
  void digestMismatchFailsNamingTheCollector() {
    nodes.get(1).views.put("fake-0002", view("fake-0002", "s2", "0ther"));
    VerifyReport r = verifier().verify(ledger);
    assertFalse(r.ok());
    assertTrue(r.verdictLine().startsWith("VERIFY FAILED"), r.verdictLine());
    assertTrue(r.verdictLine().contains("fake-0002") && r.verdictLine().contains("digest"), r.verdictLine());
  }

  @Test
  void missingReplicaFailsNamingTheCollector() {
    nodes.get(2).views.remove("fake-0001");
    VerifyReport r = verifier().verify(ledger);
    assertFalse(r.ok());
    assertTrue(r.problems().contains("collector fake-0001: no replica on s3"), r.problems().toString());
  }

  @Test
  void missingSeqsFail() {
    nodes.get(0).views.put("fake-0001", FakeNode.report("fake-0001", "s1", SET, 2, BATCHES, List.of(new SeqRange(3, 4)),
        BATCHES - 2, 0, 0, "d1g35t", CollectorStatus.RUNNING, List.of()));
    VerifyReport r = verifier().verify(ledger);
    assertFalse(r.ok());
    assertTrue(r.problems().stream().anyMatch(p -> p.contains("fake-0001") && p.contains("missing seqs 3..4")),
        r.problems().toString());
    assertTrue(r.problems().stream().anyMatch(p -> p.contains("lacks 2 acknowledged ledger batches (first seq 3)")),
        r.problems().toString());
  }

  @Test
  void ledgerSampleWithWrongValueFailsNamingTheCollector() {
    List<Sample> onS3 = nodes.get(2).samples.get("fake-0002");
    Sample s = onS3.get(7);
    onS3.set(7, new Sample(s.tag(), s.ts(), s.value() + 1, s.quality()));
    VerifyReport r = verifier().verify(ledger);
    assertFalse(r.ok());
    assertTrue(r.verdictLine().contains("collector fake-0002: s3 " + s.tag() + " ts=" + s.ts() + " has value"),
        r.verdictLine());
  }

  @Test
  void aBatchKeptTwiceFailsOnlyWhenExactlyOnceIsAskedFor() {
    // s2 holds batch 3 of fake-0001 a second time (under another seq): its samples appear twice.
    nodes.get(1).samples.get("fake-0001").addAll(SampleGenerator.batch("fake-0001", 3, TAGS, PER_TAG, 10, START));
    assertTrue(verifier().verify(ledger).ok());
    VerifyReport r = verifier().exactlyOnce(true).verify(ledger);
    assertFalse(r.ok());
    assertTrue(r.verdictLine().contains("collector fake-0001: s2 ") && r.verdictLine().contains("is stored 2 times"),
        r.verdictLine());
  }

  @Test
  void ledgerSampleMissingFails() {
    List<Sample> onS1 = nodes.get(0).samples.get("fake-0001");
    Sample s = onS1.remove(0);
    VerifyReport r = verifier().verify(ledger);
    assertFalse(r.ok());
    assertTrue(r.problems().contains("collector fake-0001: s1 " + s.tag() + " ts=" + s.ts() + " missing"),
        r.problems().toString());
  }

  @Test
  void ledgerCollectorWithoutReplicaFails() {
    ledger.add(new LedgerEntry("ghost", 1, 200, 1, 1, 10, START, 1L));
    VerifyReport r = verifier().verify(ledger);
    assertFalse(r.ok());
    assertTrue(r.problems().stream().anyMatch(p -> p.startsWith("collector ghost:")), r.problems().toString());
  }

  @Test
  void unreachableStorageNodeFails() {
    nodes.get(1).close();
    VerifyReport r = verifier().verify(ledger);
    assertFalse(r.ok());
    assertTrue(r.problems().get(0).startsWith("storage node s2 cannot be asked"), r.problems().toString());
  }

  @Test
  void waitingRetriesUntilTheReplicasAgree() throws Exception {
    nodes.get(2).views.remove("fake-0001");
    FakeNode s3 = nodes.get(2);
    // The replica appears while the verifier is retrying, as after a recovery.
    Thread healer = new Thread(() -> {
      try {
        Thread.sleep(1500);
      } catch (InterruptedException e) {
        return;
      }
      s3.views.put("fake-0001", view("fake-0001", "s3", "d1g35t"));
    });
    healer.start();
    java.nio.file.Path file = java.nio.file.Files.createTempFile("ledger", ".jsonl");
    try {
      StringBuilder lines = new StringBuilder();
      for (LedgerEntry e : ledger) {
        lines.append(client.mapper().writeValueAsString(e)).append('\n');
      }
      java.nio.file.Files.writeString(file, lines);
      ByteArrayOutputStream progress = new ByteArrayOutputStream();
      List<Verifier.Progress> steps = new CopyOnWriteArrayList<>();
      VerifyReport r = verifier().onProgress(steps::add)
          .verify(file, Duration.ofSeconds(20), new PrintStream(progress, true, StandardCharsets.UTF_8));
      assertTrue(r.ok(), r.problems().toString());
      // The first attempts only compare replicas; the last reads both collectors back, one after the other.
      Verifier.Progress last = steps.get(steps.size() - 1);
      assertEquals(new Verifier.Progress(last.attempt(), true, 2, 2, r.samplesChecked()), last);
      assertTrue(last.attempt() > 1, steps.toString());
      assertFalse(steps.get(0).readBack(), steps.toString());
      assertEquals(List.of(0, 1, 2), steps.stream().filter(p -> p.attempt() == last.attempt())
          .map(Verifier.Progress::collectorsDone).toList());
      assertTrue(progress.toString(StandardCharsets.UTF_8).contains("verify: not yet: VERIFY FAILED"));
      ByteArrayOutputStream table = new ByteArrayOutputStream();
      r.print(new PrintStream(table, true, StandardCharsets.UTF_8));
      String text = table.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("fake-0001") && text.contains("s1=5 s2=5 s3=5") && text.contains("VERIFY OK"), text);
    } finally {
      healer.join();
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  private Verifier verifier() {
    return new Verifier(client, nodes.get(0).url());
  }

  private static ReplicaReport view(String collector, String node, String digest) {
    return FakeNode.report(collector, node, SET, BATCHES, BATCHES, List.of(), BATCHES, (long) BATCHES * TAGS * PER_TAG,
        1000, digest, CollectorStatus.RUNNING, List.of());
  }
}

package gapless.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.events.ClusterEvent;
import gapless.events.ClusterEvents;
import gapless.events.EventField;
import gapless.events.EventType;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.tools.RecoveryTally;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing of cluster events and the recovery accounting built on them. */
class NodeEventTest {

  private static NodeEvent event(String json) throws Exception {
    return NodeEvent.of(GaplessClient.newMapper().readTree(json));
  }

  @Test
  void gapRecoveredRangesComeFromTheRangesField() throws Exception {
    NodeEvent e = event("{\"time\":\"2026-11-24T21:03:04.120Z\",\"node\":\"s3\",\"event\":\"GAP_RECOVERED\","
        + "\"collector\":\"sim-0003\",\"fromSeq\":41,\"toSeq\":110,\"ranges\":\"41..97,105,107..110\",\"batches\":62,"
        + "\"bytes\":2100000,\"millis\":180,\"peer\":\"s1\"}");
    List<long[]> r = e.seqRanges();
    assertEquals(3, r.size());
    assertArrayEquals(new long[] {41, 97}, r.get(0));
    assertArrayEquals(new long[] {105, 105}, r.get(1));
    assertArrayEquals(new long[] {107, 110}, r.get(2));
    assertTrue(e.readable().endsWith("s3 GAP_RECOVERED collector=sim-0003 seqs 41..97,105,107..110 (62 batches, 2.1 MB) from s1 in 180 ms"),
        e.readable());
  }

  @Test
  void readsWhatTheServerWritesWithItsIdAndType() throws Exception {
    ClusterEvent sent = ClusterEvents.gapsDetected("s3", "p5",
        SeqRanges.of(new SeqRange(3, 4), new SeqRange(8, 9), new SeqRange(12, 12)), 2);
    NodeEvent e = NodeEvent.of(sent.toJson());
    assertEquals(sent.id(), e.id());
    assertEquals(EventType.GAP_DETECTED, e.event());
    assertTrue(e.is(EventType.GAP_DETECTED));
    assertEquals(3, e.num(EventField.RANGE_COUNT));
    assertEquals(List.of(), e.seqRanges(), "a count of ranges covers no seq");
    assertTrue(e.readable().endsWith("s3 GAP_DETECTED collector=p5 3 ranges (5 batches), first 2 ranges listed above"), e.readable());
  }

  @Test
  void anEventTypeFromANewerServerIsKeptByNameAndPrinted() throws Exception {
    NodeEvent e = event("{\"id\":\"s9-a-1\",\"time\":\"2026-11-24T21:00:00Z\",\"node\":\"s9\",\"event\":\"DISK_FULL\","
        + "\"collector\":\"c1\",\"freeBytes\":12}");
    assertFalse(e.known());
    assertEquals("DISK_FULL", e.eventName());
    assertFalse(e.is(EventType.RECOVERY_FAILED));
    assertTrue(e.readable().endsWith("s9 DISK_FULL collector=c1 freeBytes=12"), e.readable());
    RecoveryTally t = RecoveryTally.of(List.of(e), "s9", Instant.EPOCH);
    assertTrue(t.failures().isEmpty() && t.started().isEmpty());
  }

  @Test
  void eventFilesWrittenBeforeRangeCountStillRead() throws Exception {
    NodeEvent e = event("{\"time\":\"2026-11-24T21:00:00Z\",\"node\":\"s3\",\"event\":\"GAP_DETECTED\","
        + "\"collector\":\"c1\",\"ranges\":23,\"batches\":900}");
    assertEquals(List.of(), e.seqRanges(), "an old count is no seq 23");
    assertEquals("", e.id());
  }

  @Test
  void tallyCountsTheLatestRunOfEachCollector() throws Exception {
    List<NodeEvent> events = List.of(
        event("{\"time\":\"2026-11-24T21:00:00Z\",\"node\":\"s3\",\"event\":\"RECOVERY_STARTED\",\"collector\":\"c1\"}"),
        event("{\"time\":\"2026-11-24T21:00:01Z\",\"node\":\"s3\",\"event\":\"SYNC_PROGRESS\",\"collector\":\"c1\",\"peer\":\"s2\"}"),
        event("{\"time\":\"2026-11-24T21:00:02Z\",\"node\":\"s3\",\"event\":\"GAP_RECOVERED\",\"collector\":\"c1\",\"fromSeq\":5,"
            + "\"toSeq\":9,\"batches\":5,\"bytes\":500,\"samples\":50}"),
        event("{\"time\":\"2026-11-24T21:00:02Z\",\"node\":\"s3\",\"event\":\"RECOVERY_COMPLETED\",\"collector\":\"c1\"}"),
        event("{\"time\":\"2026-11-24T21:00:03Z\",\"node\":\"s3\",\"event\":\"RECOVERY_STARTED\",\"collector\":\"c2\"}"),
        event("{\"time\":\"2026-11-24T21:00:03Z\",\"node\":\"s1\",\"event\":\"RECOVERY_COMPLETED\",\"collector\":\"c2\"}"));
    RecoveryTally t = RecoveryTally.of(events, "s3", Instant.parse("2026-11-24T20:59:00Z"));
    assertTrue(t.completed("c1"));
    assertFalse(t.completed("c2"), "c2 completed on s1, not on s3");
    assertEquals(List.of("c2"), t.notCompleted(List.of("c1", "c2")));
    assertEquals(5, t.recoveredBatches());
    assertEquals(500, t.recoveredBytes());
    assertEquals("s2", t.firstSource().orElseThrow());
  }
}

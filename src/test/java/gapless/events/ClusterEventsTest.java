package gapless.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import gapless.model.RecoveryTrigger;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import gapless.model.StopReason;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The event factories: declared fields only, one meaning of {@code ranges}, a unique id, JSON at the edge. */
class ClusterEventsTest {

  @Test
  void aFieldItsTypeDoesNotDeclareIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ClusterEvent(
        "s1-x-1", "2026-11-24T21:00:00Z", "s1", EventType.MEMBER_UP, Map.of(EventField.COLLECTOR, "c1")));
    assertTrue(e.getMessage().contains("collector"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ClusterEvent(
        "s1-x-2", "2026-11-24T21:00:00Z", "s1", EventType.GAP_DETECTED, Map.of(EventField.RANGES, "1..3")));
    assertThrows(IllegalArgumentException.class, () -> new ClusterEvent(
        "s1-x-3", "2026-11-24T21:00:00Z", "s1", EventType.RECOVERY_COMPLETED, Map.of(EventField.COLLECTOR, List.of("c1"))));
  }

  @Test
  void everyFactoryMakesAnEventItsTypeAccepts() {
    SeqRanges two = SeqRanges.of(new SeqRange(32, 334), new SeqRange(400, 410));
    List<ClusterEvent> all = List.of(
        ClusterEvents.memberUp("s1", "s2", "akka://gapless@h:1", List.of("storage")),
        ClusterEvents.memberUnreachable("s1", "s2", "akka://gapless@h:1"),
        ClusterEvents.memberReachable("s1", "s2", "akka://gapless@h:1"),
        ClusterEvents.memberDowned("s1", "s2", "akka://gapless@h:1", List.of("storage")),
        ClusterEvents.memberRemoved("s1", "s2", "akka://gapless@h:1", List.of()),
        ClusterEvents.recordingStopped("s1", "c1", StopReason.UNCLEAN_SHUTDOWN, 31, 31L, ""),
        ClusterEvents.recordingResumed("s1", "c1", gapless.model.ResumeReason.RECOVERED, 334, "stopped at 31"),
        ClusterEvents.recoveryStarted("s1", "c1", RecoveryTrigger.NODE_UP, "", 31, 31, StopReason.UNCLEAN_SHUTDOWN),
        ClusterEvents.gapDetected("s1", "c1", new SeqRange(32, 334), List.of("s2", "s3")),
        ClusterEvents.gapsDetected("s1", "c1", two, 20),
        ClusterEvents.syncProgress("s1", "c1", List.of("s2"), 10, 100, 1000, 2),
        ClusterEvents.syncSourceFailed("s1", "c1", "s2", new SeqRange(40, 334), 10, 1000, "did not answer"),
        ClusterEvents.gapRecovered("s1", "c1", two, 314, 3140, 31400, 12, List.of("s2")),
        ClusterEvents.recoveryCompleted("s1", "c1", 314, 3140, 31400, 12, 0),
        ClusterEvents.recoveryFailed("s1", "c1", "no sibling is reachable", 0, 0, 5, two, 0),
        ClusterEvents.indexBuilt("s1", 3140, 8, 412),
        ClusterEvents.replicaRestarted("s1", "c1", "journal write failed", 3),
        ClusterEvents.storeFailed("s1", "closed", "listing collectors, attempt 1"),
        ClusterEvents.storeResumed("s1", "data/s1/samples: 900 MiB free, above the 256 MiB reserve again; writes go on"),
        ClusterEvents.batchConflict("s1", "c1", 7, "gw1", "kept crc32c=1, offered crc32c=2"),
        ClusterEvents.batchCorrupt("s1", "c1", 7, "s2", "its CRC32C does not match"),
        ClusterEvents.ownerClaimed("gw1", "c1", 4, 120, 2, "s1,s2"),
        ClusterEvents.ownerClaimFailed("gw1", "c1", 4, "1 of the 3 replicas are reachable"),
        ClusterEvents.ownerFenced("gw1", "c1", 4, "s2", "replica promised epoch 5"),
        ClusterEvents.batchReplaced("s1", "c1", 7, 1, 2, "stored crc32c=1 (10 samples), new crc32c=2 (0 samples)"),
        ClusterEvents.storeRebuild("s1", "c1", two, "journal written with store a, this node's store is b"),
        ClusterEvents.journalRestored("s1", "c1", two, "journaled again from the sample store's marks"),
        ClusterEvents.replicaDiverged("s1", "c1", two, "s2,s3", "seq 32 damaged; 312 more"),
        ClusterEvents.replicaRepaired("s1", "c1", two, 4096, "s2", ""),
        ClusterEvents.nodeRejoining("gw1", "no storage node up and reachable for 15 s"),
        ClusterEvents.peerRefused("s1", "inbound", "Received fatal alert: certificate_unknown"),
        ClusterEvents.securityOff("s1", "listening on HTTP 0.0.0.0 with security off"),
        ClusterEvents.nodeIdTaken("s1", "s2", "akka://gapless@h:9", "akka://gapless@h:9 claims node id s2: downed"));
    Set<EventType> made = new HashSet<>();
    all.forEach(e -> made.add(e.event()));
    assertEquals(Set.of(EventType.values()), made, "a factory for every type");
  }

  @Test
  void rangesIsAlwaysAListAndACountIsRangeCount() {
    SeqRanges two = SeqRanges.of(new SeqRange(32, 334), new SeqRange(400, 400));
    JsonNode recovered = ClusterEvents.gapRecovered("s3", "p5", two, 304, 0, 0, 1, List.of("s2")).toJson();
    assertEquals("32..334,400", recovered.path("ranges").asText());
    assertEquals(32, recovered.path("fromSeq").asLong());
    assertEquals(400, recovered.path("toSeq").asLong());
    JsonNode summary = ClusterEvents.gapsDetected("s3", "p5", two, 1).toJson();
    assertFalse(summary.has("ranges"));
    assertEquals(2, summary.path("rangeCount").asInt());
    assertEquals(304, summary.path("batches").asLong());
    JsonNode failed = ClusterEvents.recoveryFailed("s3", "p5", "x", 0, 0, 1, two, 1).toJson();
    assertEquals("32..334,400", failed.path("unrecoverable").asText());
  }

  @Test
  void theJsonHasTheHeadThenTheDeclaredFieldsWithValues() {
    ClusterEvent e = ClusterEvents.recoveryStarted("s3", "p5", RecoveryTrigger.BEHIND_SIBLING, "s2 holds 1..40", 31, 35, null);
    JsonNode j = e.toJson();
    List<String> names = new java.util.ArrayList<>();
    j.fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("id", "time", "node", "event", "collector", "reason", "detail", "contiguousSeq", "highestSeq"), names);
    assertEquals("RECOVERY_STARTED", j.path("event").asText());
    assertEquals("BEHIND_SIBLING", j.path("reason").asText());
    assertEquals("s2 holds 1..40", j.path("detail").asText());
    assertEquals(e.id(), j.path("id").asText());
  }

  @Test
  void idsAreUniqueAndNameTheirNode() {
    Set<String> ids = new HashSet<>();
    IntStream.range(0, 1000).forEach(i -> ids.add(ClusterEvents.memberReachable("s1", "s2", "a").id()));
    ids.add(ClusterEvents.memberReachable("s2", "s1", "a").id());
    assertEquals(1001, ids.size());
    assertTrue(ids.stream().allMatch(id -> id.matches("s[12]-[0-9a-z]+-[0-9]+")), ids.iterator().next());
  }
}

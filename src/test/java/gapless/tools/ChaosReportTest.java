package gapless.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.client.NodeEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosReportTest {

  private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final SimulationResult LOAD = new SimulationResult(90, 10, 0, 3, 10_000, 0, 0, 1_000_000_000L, 1000, 2000, List.of());
  private static final VerifyReport OK = new VerifyReport(List.of(new CollectorVerdict("c1", List.of("s1"), java.util.Map.of(), 100,
      10_000, List.of())), List.of(), 100, 10_000, true, 3);

  private static ChaosFault kill(String node, Duration back) {
    return new ChaosFault(ChaosFault.Kind.KILL, node, null, T0, T0.plusSeconds(10), back);
  }

  private static NodeEvent event(int second, String node, String type, String peer) throws Exception {
    return NodeEvent.of(MAPPER.readTree("{\"id\":\"x\",\"time\":\"" + T0.plusSeconds(second) + "\",\"node\":\"" + node
        + "\",\"event\":\"" + type + "\"" + (peer == null ? "" : ",\"peer\":\"" + peer + "\"") + "}"));
  }

  @Test
  void theTableGivesEachKindItsCountAndHealTimesAndPassesWhenAllHealedToldAndVerified() {
    ChaosReport report = new ChaosReport(7, List.of(kill("s1", Duration.ofSeconds(20)), kill("gw1", Duration.ofSeconds(12)),
        kill("s2", Duration.ofSeconds(30))), List.of(true, true, true), LOAD, OK);
    assertTrue(report.ok());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("kill -9                          3      3         3  12.0 / 20.0 / 30.0 s"), text);
    assertTrue(text.contains("lost              0"), text);
    assertTrue(text.contains("CHAOS OK: 3 faults, seed 7"), text);
  }

  @Test
  void aFaultNotHealedInTimeOrNotToldFailsTheRun() {
    assertFalse(new ChaosReport(7, List.of(kill("s1", null)), List.of(true), LOAD, OK).ok());
    assertFalse(new ChaosReport(7, List.of(kill("s1", Duration.ofSeconds(3))), List.of(false), LOAD, OK).ok());
  }

  @Test
  void aKilledStorageNodeIsToldByAnotherNodeSeeingItUnreachableAndByItsRecoveryAfterTheRestart() throws Exception {
    ChaosFault f = kill("s3", Duration.ofSeconds(5));
    NodeEvent unreachable = event(4, "s1", "MEMBER_UNREACHABLE", "s3");
    NodeEvent recovered = event(15, "s3", "RECOVERY_COMPLETED", null);
    assertTrue(f.explainedBy(List.of(unreachable, recovered), true));
    assertFalse(f.explainedBy(List.of(unreachable), true), "no recovery after the restart");
    assertTrue(f.explainedBy(List.of(unreachable), false), "a gateway recovers nothing");
    assertFalse(f.explainedBy(List.of(event(4, "s3", "MEMBER_UNREACHABLE", "s3"), recovered), true), "only another node tells it");
  }
}

package gapless.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeCpuTest {

  private static final String PAGE = """
      # HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
      # TYPE process_cpu_seconds_total counter
      process_cpu_seconds_total{node="s1"} 4.5
      process_max_fds{node="s1"} 1048576.0
      jvm_gc_collection_seconds_sum{gc="G1 Young Generation",node="s1"} 0.02
      """;

  @Test
  void readsTheNodesCpuSecondsUnderItsId() {
    Map<String, Double> byNode = new LinkedHashMap<>();
    NodeCpu.parse(PAGE, byNode);
    NodeCpu.parse("process_cpu_seconds_total{node=\"gw1\"} 2.25 1732400000000\n", byNode);
    assertEquals(Map.of("s1", 4.5, "gw1", 2.25), byNode);
  }

  @Test
  void perMillionAckedSamplesOfWhatEachUsedInTheWindow() {
    NodeCpu before = new NodeCpu(new LinkedHashMap<>(Map.of("s1", 10.0)), 1.0);
    Map<String, Double> after = new LinkedHashMap<>();
    after.put("s1", 13.0);
    after.put("gw1", 5.0); // not read before: left out
    String line = new NodeCpu(after, 2.5).since(before).perMillion(2_000_000);
    assertEquals("s1 1.5, nodes 1.5; this load generator 0.8", line);
  }

  @Test
  void noFiguresWithoutAckedSamplesOrNodes() {
    assertTrue(new NodeCpu(Map.of("s1", 1.0), 1).perMillion(0).startsWith("no figures"));
    assertTrue(new NodeCpu(Map.of(), 1).perMillion(1000).startsWith("no figures"));
  }
}

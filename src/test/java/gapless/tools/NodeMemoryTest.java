package gapless.tools;

import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NodeMemoryTest {

  private static final String PAGE = """
      # HELP jvm_memory_pool_collection_used_bytes Used bytes after last collection of a given JVM memory pool.
      # TYPE jvm_memory_pool_collection_used_bytes gauge
      jvm_memory_pool_collection_used_bytes{node="s1",pool="G1 Eden Space"} 0.0
      jvm_memory_pool_collection_used_bytes{node="s1",pool="G1 Old Gen"} 4.5E7
      jvm_memory_pool_collection_used_bytes{node="s1",pool="G1 Survivor Space"} 5000000.0
      # TYPE jvm_gc_collection_seconds summary
      jvm_gc_collection_seconds_count{gc="G1 Young Generation",node="s1"} 40
      jvm_gc_collection_seconds_sum{gc="G1 Young Generation",node="s1"} 0.75
      jvm_gc_collection_seconds_count{gc="G1 Old Generation",node="s1"} 2
      jvm_gc_collection_seconds_sum{gc="G1 Old Generation",node="s1"} 0.25 1732600000000
      jvm_memory_pool_used_bytes{node="s1",pool="G1 Eden Space"} 2.0E8
      jvm_memory_pool_used_bytes{node="s1",pool="G1 Old Gen"} 6.0E7
      jvm_memory_pool_used_bytes{node="s1",pool="G1 Survivor Space"} 5000000.0
      jvm_memory_pool_used_bytes{node="s1",pool="Metaspace"} 9.9E7
      """;

  @Test
  void takesEdenAsTheLastCollectionLeftItTheOtherHeapPoolsAsTheyAreAndEveryCollectorsPauses() {
    NodeMemory.Figures f = NodeMemory.parse(PAGE);
    assertEquals(65_000_000, f.heapAfterGcBytes(), 1, "eden 0 + old gen 60 MB + survivor 5 MB; metaspace is no heap");
    assertEquals(1.0, f.gcSeconds(), 1e-9);
    assertEquals(42, f.gcCount());
  }

  @Test
  void aWindowKeepsTheLaterHeapAndThePausesInIt() {
    NodeMemory before = new NodeMemory(Map.of("s1", new NodeMemory.Figures(10e6, 1.0, 42)));
    NodeMemory after = new NodeMemory(Map.of("s1", new NodeMemory.Figures(60e6, 1.5, 50), "s2", new NodeMemory.Figures(1, 1, 1)));
    NodeMemory window = after.since(before);
    assertEquals(Map.of("s1", new NodeMemory.Figures(60e6, 0.5, 8)), window.byNode());
    assertEquals("s1 60 MB, 0.50 s in 8 GCs", window.describe());
    assertEquals(new NodeMemory.Figures(1, 1, 1), after.since(before, "s2").byNode().get("s2"), "a node started since counts from its start");
  }
}

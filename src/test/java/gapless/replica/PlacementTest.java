package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementTest {

  private final Placement three = new Placement(List.of("s1", "s2", "s3"), 3);

  @Test
  void replicaSetHasReplicationFactorDistinctNodes() {
    Placement p = new Placement(List.of("s1", "s2", "s3", "s4", "s5"), 3);
    for (int i = 0; i < 200; i++) {
      List<String> set = p.replicaSet("c" + i);
      assertEquals(3, set.size());
      assertEquals(3, new HashSet<>(set).size());
    }
  }

  @Test
  void isDeterministicAndIndependentOfConfigOrder() {
    Placement reordered = new Placement(List.of("s3", "s1", "s2"), 3);
    for (int i = 0; i < 200; i++) {
      assertEquals(three.replicaSet("c" + i), reordered.replicaSet("c" + i));
      assertEquals(three.replicaSet("c" + i), three.replicaSet("c" + i));
    }
  }

  @Test
  void spreadsCollectorsOverNodes() {
    Placement p = new Placement(List.of("s1", "s2", "s3", "s4", "s5", "s6"), 2);
    Map<String, Integer> load = new HashMap<>();
    for (int i = 0; i < 6000; i++) {
      p.replicaSet("collector-" + i).forEach(n -> load.merge(n, 1, Integer::sum));
    }
    // 12000 replicas over 6 nodes: 2000 each on average.
    load.values().forEach(n -> assertTrue(n > 1700 && n < 2300, "unbalanced: " + load));
  }

  @Test
  void addingANodeOnlyMovesReplicasToIt() {
    Placement before = new Placement(List.of("s1", "s2", "s3", "s4"), 2);
    Placement after = new Placement(List.of("s1", "s2", "s3", "s4", "s5"), 2);
    for (int i = 0; i < 1000; i++) {
      String c = "c" + i;
      for (String node : before.replicaSet(c)) {
        // Rendezvous hashing: a node keeps a replica unless the new node takes its place.
        assertTrue(after.replicaSet(c).contains(node) || after.replicaSet(c).contains("s5"));
      }
    }
  }
}

package gapless.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class QueryRoutingTest {

  private static final Placement PLACEMENT = new Placement(List.of("s1", "s2", "s3"), 3);
  private static final String COLLECTOR = "line-1";

  /** Hosts are the node ids; {@code contiguous} is what each reachable node's replica holds. */
  private static Optional<String> choose(Map<String, Long> contiguous, String failingView) {
    QueryRouting<String> routing = new QueryRouting<>(PLACEMENT,
        node -> CompletableFuture.completedFuture(contiguous.containsKey(node) ? Optional.of(node) : Optional.empty()),
        (host, collector) -> host.equals(failingView)
            ? CompletableFuture.failedFuture(new RuntimeException("ask timed out"))
            : CompletableFuture.completedFuture(viewOf(host, contiguous.get(host))));
    return routing.bestReplica(COLLECTOR).toCompletableFuture().join();
  }

  private static ReplicaView viewOf(String node, long contiguous) {
    return new ReplicaView(COLLECTOR, node, List.of(), contiguous, contiguous, List.of(), contiguous, 0, 0, "0",
        null, List.of(), false, 0, Map.of(), Map.of(), null, null, false);
  }

  @Test
  void theReplicaWithTheLongestContiguousHistoryAnswers() {
    assertEquals(Optional.of("s2"), choose(Map.of("s1", 10L, "s2", 12L, "s3", 11L), null));
  }

  @Test
  void unreachableOrSilentReplicasArePassedOver() {
    assertEquals(Optional.of("s1"), choose(Map.of("s1", 10L, "s2", 12L), "s2"));
    assertEquals(Optional.empty(), choose(Map.of(), null));
    assertEquals(Optional.empty(), choose(Map.of("s3", 4L), "s3"));
  }

  @Test
  void aTieGoesToTheFirstInPlacementOrder() {
    String first = PLACEMENT.replicaSet(COLLECTOR).get(0);
    assertEquals(Optional.of(first), choose(Map.of("s1", 7L, "s2", 7L, "s3", 7L), null));
  }
}

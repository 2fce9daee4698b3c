package gapless.replica;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Chooses which replica answers a query for a collector: of the reachable replicas in its replica
 * set, the one holding the longest contiguous history (the first in placement order on a tie),
 * so an answer never comes from a replica still catching up when a complete one is there.
 * Independent of how hosts are found and asked, so the rule is tested without actors.
 *
 * @param <H> how a replica host is addressed
 */
public final class QueryRouting<H> {

  private final Placement placement;
  private final Function<String, CompletionStage<Optional<H>>> reachableHost;
  private final BiFunction<H, String, CompletionStage<ReplicaView>> view;

  /**
   * @param reachableHost a node's replica host if it is reachable, else empty
   * @param view          asks a host for its replica of a collector
   */
  public QueryRouting(Placement placement, Function<String, CompletionStage<Optional<H>>> reachableHost,
      BiFunction<H, String, CompletionStage<ReplicaView>> view) {
    this.placement = placement;
    this.reachableHost = reachableHost;
    this.view = view;
  }

  /**
   * The host of the replica to ask, or empty when no replica of the collector answered. A replica
   * whose host cannot be found or whose view does not come is passed over, not waited for.
   */
  public CompletionStage<Optional<H>> bestReplica(String collector) {
    List<CompletableFuture<Optional<Map.Entry<H, ReplicaView>>>> candidates = new ArrayList<>();
    for (String node : placement.replicaSet(collector)) {
      candidates.add(reachableHost.apply(node)
          .thenCompose(h -> h.isEmpty()
              ? CompletableFuture.completedFuture(Optional.<Map.Entry<H, ReplicaView>>empty())
              : view.apply(h.get(), collector).thenApply(v -> Optional.of(Map.entry(h.get(), v))))
          .exceptionally(e -> Optional.empty())
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(candidates.toArray(CompletableFuture[]::new)).thenApply(x -> candidates.stream()
        .map(CompletableFuture::join)
        .flatMap(Optional::stream)
        // Stream.max keeps the first of equal elements: placement order breaks ties.
        .max(Comparator.comparingLong(e -> e.getValue().contiguousSeq()))
        .map(Map.Entry::getKey));
  }
}

package gapless.api.dto;

import java.util.List;

/** Answer of {@code GET /api/v1/replicas}: every replica one storage node holds. */
public record ReplicaList(String node, List<ReplicaReport> replicas) {

  public ReplicaList {
    replicas = replicas == null ? List.of() : List.copyOf(replicas);
  }
}

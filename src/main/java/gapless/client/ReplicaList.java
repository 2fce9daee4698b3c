package gapless.client;

import java.util.List;

/** Answer of {@code GET /api/v1/replicas}: every replica one storage node holds. */
public record ReplicaList(String node, List<ReplicaView> replicas) {

  public ReplicaList {
    replicas = replicas == null ? List.of() : replicas;
  }
}

package gapless.client;

import java.util.List;

/**
 * Answer of {@code GET /api/v1/status}.
 *
 * @param storageNodes storage nodes currently registered in the cluster, with their HTTP URL
 * @param replicas     this node's replicas; empty on a node without the storage role
 */
public record NodeStatus(
    String node,
    List<String> roles,
    String address,
    List<MemberInfo> members,
    List<StorageNodeInfo> storageNodes,
    List<ReplicaView> replicas) {

  public NodeStatus {
    roles = roles == null ? List.of() : roles;
    members = members == null ? List.of() : members;
    storageNodes = storageNodes == null ? List.of() : storageNodes;
    replicas = replicas == null ? List.of() : replicas;
  }
}

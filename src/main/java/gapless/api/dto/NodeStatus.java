package gapless.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Answer of {@code GET /api/v1/status}: the cluster as one node sees it.
 *
 * @param roles        this node's roles
 * @param address      this node's Akka address
 * @param storageNodes every configured storage node, with its HTTP URL when reachable
 * @param replicas     this node's replicas; null (left out of the JSON) on a node without the
 *                     storage role
 */
public record NodeStatus(
    String node,
    List<String> roles,
    String address,
    List<MemberInfo> members,
    List<StorageNodeInfo> storageNodes,
    @JsonInclude(JsonInclude.Include.NON_NULL) List<ReplicaReport> replicas) {

  public NodeStatus {
    roles = roles == null ? List.of() : List.copyOf(roles);
    members = members == null ? List.of() : List.copyOf(members);
    storageNodes = storageNodes == null ? List.of() : List.copyOf(storageNodes);
    replicas = replicas == null ? null : List.copyOf(replicas);
  }
}

package gapless.api.dto;

import java.util.List;

/**
 * One cluster member as a node sees it in {@code /api/v1/status}.
 *
 * @param node   the member's node id (its address when it has no node id role)
 * @param status Akka's member status: Joining, Up, Leaving, Exiting, Down, Removed, ...
 * @param roles  its roles without the internal {@code node-<id>} and data-center roles
 */
public record MemberInfo(String node, String address, String status, boolean reachable, List<String> roles) {

  public MemberInfo {
    roles = roles == null ? List.of() : List.copyOf(roles);
  }
}

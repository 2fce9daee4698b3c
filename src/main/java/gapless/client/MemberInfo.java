package gapless.client;

import java.util.List;

/** One cluster member as a node sees it in {@code /api/v1/status}. */
public record MemberInfo(String address, List<String> roles, String status, boolean reachable) {

  public MemberInfo {
    roles = roles == null ? List.of() : roles;
  }
}

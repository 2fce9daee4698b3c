package gapless.tools;

import gapless.api.dto.MemberInfo;
import gapless.api.dto.NodeStatus;
import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import java.net.URI;
import java.util.List;
import java.util.function.Function;

/** Whether the running nodes of a {@link LocalCluster} agree that they are all up, asked of each over HTTP. */
final class UpCheck {

  private UpCheck() {}

  /**
   * Null when every node of {@code running} sees every one of them as an Up, reachable member and
   * lists every storage node among them as registered; else what is not so yet.
   */
  static String problem(GaplessClient client, List<NodeLayout> running, Function<NodeLayout, URI> httpUrl) {
    if (running.isEmpty()) {
      return "no node is running";
    }
    for (NodeLayout n : running) {
      NodeStatus s;
      try {
        s = client.status(httpUrl.apply(n));
      } catch (GaplessClientException e) {
        return n.id() + " not answering yet (" + e.getMessage() + ")";
      }
      for (NodeLayout o : running) {
        MemberInfo m = s.members().stream().filter(mi -> mi.address() != null && mi.address().endsWith(":" + o.arteryPort()))
            .findFirst().orElse(null);
        if (m == null) {
          return n.id() + " does not see " + o.id() + " as a member yet";
        }
        if (!"Up".equals(m.status()) || !m.reachable()) {
          return n.id() + " sees " + o.id() + " " + m.status() + (m.reachable() ? "" : " unreachable");
        }
        if (o.roles().contains("storage") && s.storageNodes().stream()
            .noneMatch(sn -> o.id().equals(sn.node()) && sn.reachable() && sn.http() != null)) {
          return n.id() + " does not list storage node " + o.id() + " yet";
        }
      }
    }
    return null;
  }
}

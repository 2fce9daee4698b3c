package gapless.replica;

import gapless.config.GaplessSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which storage nodes hold a collector's replicas: rendezvous (highest-random-weight) hashing of
 * the collector id over the configured storage node ids. Deterministic and the same on every node;
 * it depends only on configuration, never on who is reachable, so a node that is down keeps its
 * replicas and recovers them when it returns.
 */
public final class Placement {

  private final List<String> storageNodes;
  private final int replicationFactor;

  /** This node's placement: {@code gapless.storage-nodes} and {@code replication-factor}. */
  public static Placement of(GaplessSettings settings) {
    return new Placement(settings.storageNodes(), settings.replicationFactor());
  }

  public Placement(List<String> storageNodes, int replicationFactor) {
    this.storageNodes = List.copyOf(storageNodes);
    this.replicationFactor = replicationFactor;
  }

  /** The replica set of a collector, highest weight first. */
  public List<String> replicaSet(String collector) {
    List<String> nodes = new ArrayList<>(storageNodes);
    nodes.sort(Comparator.comparingLong((String node) -> weight(collector, node)).reversed()
        .thenComparing(Comparator.naturalOrder()));
    return List.copyOf(nodes.subList(0, replicationFactor));
  }

  /** The other nodes of {@code collector}'s replica set than {@code node}. */
  public List<String> siblings(String collector, String node) {
    return replicaSet(collector).stream().filter(n -> !n.equals(node)).toList();
  }

  public boolean holds(String node, String collector) {
    return replicaSet(collector).contains(node);
  }

  /** 64-bit FNV-1a over "collector/node", then a finalizer so close ids spread well. */
  static long weight(String collector, String node) {
    long h = 0xcbf29ce484222325L;
    for (byte b : (collector + "/" + node).getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}

package gapless;

import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.client.GaplessClient;
import gapless.client.NodeEvent;
import gapless.events.EventType;
import gapless.tools.BackgroundLoad;
import gapless.tools.LocalCluster;
import gapless.tools.NetworkFaults;
import gapless.tools.SimulationResult;
import gapless.tools.SimulationSettings;
import gapless.tools.Verifier;
import gapless.tools.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Network partitions between separate JVMs, each on its own loopback address (127.0.0.11 s1 ..
 * 127.0.0.15 gw2): packets really dropped by iptables (root; the class is skipped with the reason
 * otherwise), under load from clients that send every batch with an Idempotency-Key and send it
 * again after no answer. Every fault lasts a bounded time and is healed in a finally block (and
 * by {@link NetworkFaults}' own clean-up); afterwards every acknowledged batch is on every
 * replica exactly once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterPartitionIT {

  private static final int PORT_OFFSET = 2800;
  private static final Duration VERIFY_WAIT = Duration.ofSeconds(90);
  /** Longer than the split-brain resolver's decision (about 10 s here): the cut-off side is downed. */
  private static final Duration CUT = Duration.ofSeconds(18);

  // Replicas idle for 5 s sleep, so the earlier scenarios' replicas are asleep when later links are cut and healed.
  @RegisterExtension
  static final ItCluster it = new ItCluster(PORT_OFFSET, Duration.ofSeconds(90), List.of("-Dgapless.replica.passivate-after=5s"))
      .withOwnAddresses();

  private static final GaplessClient client = new GaplessClient(Duration.ofSeconds(2), Duration.ofSeconds(15));
  private static NetworkFaults faults;

  private static LocalCluster cluster() {
    return it.cluster();
  }

  @BeforeAll
  static void installFaults() {
    faults = NetworkFaults.install();
  }

  @AfterEach
  void heal() {
    faults.heal();
  }

  @AfterAll
  static void removeFaults() {
    if (faults != null) {
      faults.close();
    }
  }

  /**
   * s3 is cut off from every other node: the majority side downs it, it restarts its actor system
   * by itself and cannot join until the cut heals; then it rejoins and recovers what it missed.
   */
  @Test
  @Order(1)
  void aStorageNodeCutOffFromEveryoneIsDownedRejoinsAndRecovers() {
    Instant cut = Instant.now();
    Path ledger = underLoad("isolated", () -> {
      for (String other : cluster().nodeIds()) {
        if (!other.equals("s3")) {
          faults.cut(cluster().host("s3"), cluster().host(other));
        }
      }
      System.out.println("s3 cut off from every node at " + Instant.now());
    });
    assertTrue(seen(e -> e.is(EventType.MEMBER_DOWNED) && "s3".equals(e.peer()) && !"s3".equals(e.node()), cut),
        "the majority side downed s3");
    assertTrue(seen(e -> e.is(EventType.GAP_RECOVERED) && "s3".equals(e.node()), cut), "s3 recovered what it missed");
    verify(ledger);
  }

  /**
   * s3 is cut off from s1 and s2 only; the gateways still reach all three. For the split-brain
   * resolver every storage node is then "indirectly connected", and it downs them all: they
   * restart and form the cluster again, and the gateways, left behind in the old one, notice that
   * no storage node is there any more and rejoin (NODE_REJOINING). The cluster heals by itself.
   */
  @Test
  @Order(2)
  void aCutBetweenStorageNodesThatTheGatewaysBridgeHealsByItself() {
    Instant cut = Instant.now();
    Path ledger = underLoad("bridged", () -> {
      faults.cut(cluster().host("s3"), cluster().host("s1"));
      faults.cut(cluster().host("s3"), cluster().host("s2"));
      System.out.println("s3 cut off from s1 and s2 at " + Instant.now());
    });
    assertTrue(seen(e -> e.is(EventType.MEMBER_DOWNED) && "s3".equals(e.peer()), cut), "s3 was downed");
    assertTrue(seen(e -> e.is(EventType.NODE_REJOINING) && e.node().startsWith("gw"), cut),
        "the gateways, left without storage nodes, rejoined");
    verify(ledger);
  }

  /**
   * s1 cannot send to s2 while s2 still reaches s1: each sees the other unreachable (heartbeat
   * replies are lost one way), the resolver downs one of them, and after the heal the cluster is
   * whole again with nothing lost.
   */
  @Test
  @Order(3)
  void aOneWayCutBetweenTwoStorageNodesLosesNothing() {
    Instant cut = Instant.now();
    Path ledger = underLoad("oneway", () -> {
      faults.cutOneWay(cluster().host("s1"), cluster().host("s2"), cluster().arteryPort("s2"));
      System.out.println("s1 cannot reach s2 from " + Instant.now());
    });
    assertTrue(seen(e -> e.is(EventType.MEMBER_UNREACHABLE), cut), "the one-way cut was noticed");
    verify(ledger);
  }

  /**
   * s3's link is congested: everything the gateways send it shares 1 Mbit/s, a little less than
   * the load writes to each replica (about 1.1 Mbit/s here), so its queue only grows. Writes keep
   * being acknowledged (W = 2 with s1 and s2), and everything ends up on all three.
   */
  @Test
  @Order(4)
  void aCongestedLinkToAStorageNodeLosesNothing() {
    Path ledger = underLoad("slow", () -> {
      faults.slow(List.of(cluster().host("gw1"), cluster().host("gw2")), List.of(cluster().host("s3")), 1024);
      System.out.println("the gateways' link to s3 slowed to 1 Mbit/s from " + Instant.now());
    });
    verify(ledger);
  }

  /** Load for 5 s, then {@code fault} for {@link #CUT}, healed, load until the cluster is whole again; the ledger. */
  private static Path underLoad(String name, Runnable fault) {
    Path ledger = it.dir().resolve(name + ".jsonl");
    SimulationSettings settings = new SimulationSettings(cluster().gatewayUrls(), 6, 5, 100, 10, 20_000,
        Duration.ofSeconds(300), ledger, 6, name, SimulationSettings.defaultStartTs());
    BackgroundLoad load = BackgroundLoad.start(client, settings, null);
    SimulationResult result;
    try {
      sleep(Duration.ofSeconds(5));
      try {
        fault.run();
        sleep(CUT);
      } finally {
        faults.heal();
        System.out.println("healed at " + Instant.now());
      }
      cluster().awaitUp(Duration.ofSeconds(120));
      sleep(Duration.ofSeconds(3));
    } finally {
      result = load.stop();
    }
    System.out.println(name + ": " + result.summary());
    assertTrue(result.ok200() > 0, result.summary());
    return ledger;
  }

  private static boolean seen(Predicate<NodeEvent> p, Instant since) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (cluster().events().stream().anyMatch(e -> e.time().isAfter(since) && p.test(e))) {
        return true;
      }
      sleep(Duration.ofMillis(500));
    }
    return false;
  }

  private static void verify(Path ledger) {
    VerifyReport report = new Verifier(client, cluster().storageUrl()).exactlyOnce(true).verify(ledger, VERIFY_WAIT, System.out);
    report.print(System.out);
    assertTrue(report.ok(), report.verdictLine());
  }

  private static void sleep(Duration d) {
    LockSupport.parkNanos(d.toNanos());
  }
}

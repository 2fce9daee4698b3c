package gapless;

import static org.junit.jupiter.api.Assertions.assertTrue;

import gapless.tools.Chaos;
import gapless.tools.ChaosFault;
import gapless.tools.ChaosReport;
import gapless.tools.LocalClusterSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The chaos checker's bounded run (about two and a half minutes with start and verification): 70 s of
 * faults, one kind after another (now and then two at once) in the order a fixed seed gives, on a
 * cluster of its own under keyed load. Passes when every acknowledged batch is on every replica
 * exactly once, every fault healed in time, and the event log told each. As root (CI) every kind
 * runs; elsewhere only kill -9 and SIGSTOP, as the run says. {@code gapless chaos --duration 10m}
 * is the long run.
 */
class ClusterChaosIT {

  private static final int PORT_OFFSET = 3200;

  @Test
  void nothingAcknowledgedIsLostOrDoubledThroughInjectedFaults() throws IOException {
    Path jar = Path.of(System.getProperty("gapless.jar", "target/gapless.jar"));
    Path conf = Path.of(System.getProperty("gapless.conf", "conf"));
    Chaos.Settings settings = new Chaos.Settings(new LocalClusterSettings(jar, conf, PORT_OFFSET, false, ItCluster.TEST_JVM), Duration.ofSeconds(70),
        20261126L, 4, 5, 20, 5000, Duration.ofSeconds(120), Duration.ofSeconds(120));
    ChaosReport report = Chaos.run(settings, System.out);
    Set<ChaosFault.Kind> kinds = report.faults().stream().map(ChaosFault::kind).collect(Collectors.toSet());
    assertTrue(report.ok(), "the chaos run failed; see its table above");
    assertTrue(kinds.size() >= 2, "more than one kind of fault: " + kinds);
  }
}

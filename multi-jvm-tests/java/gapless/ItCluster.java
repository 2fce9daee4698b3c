package gapless;

import gapless.tools.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;

/** Starts the four-node cluster of a multi-JVM test from the jar and conf dir Failsafe names. */
final class ItCluster {

  private ItCluster() {}

  static LocalCluster start(Path dir, int portOffset, Duration upWithin) {
    Path jar = Path.of(System.getProperty("gapless.jar", "target/gapless.jar"));
    Path conf = Path.of(System.getProperty("gapless.conf", "conf"));
    LocalCluster cluster = new LocalCluster(jar, conf, dir, LocalCluster.DEFAULT_NODES, portOffset);
    cluster.startAll();
    cluster.awaitUp(upWithin);
    return cluster;
  }
}

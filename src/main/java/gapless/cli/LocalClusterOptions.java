package gapless.cli;

import gapless.tools.ClusterFiles;
import gapless.tools.LocalClusterSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of the commands that start their own local cluster (demo, bench): where from, and what to keep. */
final class LocalClusterOptions {

  @Option(names = "--conf", defaultValue = "conf", description = "Node config directory (default: ${DEFAULT-VALUE})")
  Path conf;

  @Option(names = "--jar", description = "Gapless jar to start nodes from (default: the running jar)")
  Path jar;

  @Option(names = "--keep", description = "Keep the data and log directories")
  boolean keep;

  /** The cluster these options name, its ports moved by {@code portOffset}; fails at once without a jar or conf dir. */
  LocalClusterSettings settings(int portOffset) {
    return new LocalClusterSettings(ClusterFiles.jar(jar), ClusterFiles.confDir(conf), portOffset, keep);
  }
}

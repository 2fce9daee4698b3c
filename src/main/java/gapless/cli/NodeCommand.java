package gapless.cli;

import com.typesafe.config.Config;
import gapless.config.GaplessSettings;
import gapless.config.NodeConfig;
import gapless.node.NodeProcess;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gapless node --config conf/s1.conf}: runs one cluster node until it is shut down (see
 * {@link NodeProcess}). Exits non-zero with one line when the config is bad, the data directory
 * is in use, or the HTTP port is taken.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Start one cluster node from a config file (any key can be overridden with -Dkey=value).")
public final class NodeCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, description = "Node config file, e.g. conf/s1.conf")
  Path config;

  @Override
  public Integer call() throws Exception {
    Config conf;
    GaplessSettings settings;
    try {
      conf = NodeConfig.load(config);
      settings = GaplessSettings.from(conf);
    } catch (NodeConfig.InvalidConfig e) {
      System.err.println("gapless node: " + e.getMessage());
      return 2;
    }
    return new NodeProcess(conf, settings, System.err).run();
  }
}

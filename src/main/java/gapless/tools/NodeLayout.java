package gapless.tools;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import gapless.client.GaplessClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one node of a {@link LocalCluster} lives: its conf file, its address, and its ports and
 * seeds with the cluster's port offset already applied.
 */
record NodeLayout(String id, Path conf, String host, int httpPort, int arteryPort, List<String> roles, List<String> seeds) {

  static final String DEFAULT_HOST = "127.0.0.1";

  private static final Pattern SEED_PORT = Pattern.compile("^(.*:)(\\d+)$");
  private static final Pattern SEED_ADDRESS = Pattern.compile("^(.*@)([^:]+):(\\d+)$");

  /** Reads a node's ports, roles and seeds from {@code <confDir>/<id>.conf} (with includes), then applies the offset. */
  static NodeLayout read(Path confDir, String id, int portOffset) {
    Path conf = confDir.resolve(id + ".conf");
    if (!Files.isRegularFile(conf)) {
      throw new GaplessClientException("node config not found: " + conf);
    }
    Config c;
    try {
      c = ConfigFactory.parseFile(conf.toFile()).withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
    } catch (ConfigException e) {
      throw new GaplessClientException("cannot read " + conf + ": " + GaplessClientException.oneLine(e.getMessage()));
    }
    int http = (c.hasPath("gapless.http.port") ? c.getInt("gapless.http.port") : 8080) + portOffset;
    int artery = (c.hasPath("akka.remote.artery.canonical.port") ? c.getInt("akka.remote.artery.canonical.port") : 25520)
        + portOffset;
    List<String> roles = c.hasPath("akka.cluster.roles") ? c.getStringList("akka.cluster.roles") : List.of();
    List<String> seeds = new ArrayList<>();
    if (c.hasPath("akka.cluster.seed-nodes")) {
      for (String seed : c.getStringList("akka.cluster.seed-nodes")) {
        Matcher m = SEED_PORT.matcher(seed);
        seeds.add(m.matches() ? m.group(1) + (Integer.parseInt(m.group(2)) + portOffset) : seed);
      }
    }
    return new NodeLayout(id, conf, DEFAULT_HOST, http, artery, List.copyOf(roles), List.copyOf(seeds));
  }

  /**
   * This node at {@code host}, with every seed at the address of the node whose Artery port it
   * names ({@code hostOfPort}; a seed of no such node keeps its address).
   */
  NodeLayout at(String host, java.util.function.IntFunction<String> hostOfPort) {
    List<String> moved = new ArrayList<>();
    for (String seed : seeds) {
      Matcher m = SEED_ADDRESS.matcher(seed);
      String seedHost = m.matches() ? hostOfPort.apply(Integer.parseInt(m.group(3))) : null;
      moved.add(seedHost == null ? seed : m.group(1) + seedHost + ":" + m.group(3));
    }
    return new NodeLayout(id, conf, host, httpPort, arteryPort, roles, List.copyOf(moved));
  }

  /** The command line that runs this node from {@code jar}, with its ports, seeds and directories as overrides. */
  List<String> command(List<String> jvmOptions, Path jar, Path dataDir, Path logDir) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-Dgapless.data-dir=" + dataDir);
    cmd.add("-Dgapless.log-dir=" + logDir);
    cmd.add("-Dgapless.http.port=" + httpPort);
    cmd.add("-Dakka.remote.artery.canonical.port=" + arteryPort);
    if (!host.equals(DEFAULT_HOST)) {
      // Its own address for everything it serves and every connection it opens, so that links
      // between two nodes can be told apart (and cut: NetworkFaults).
      cmd.add("-Dgapless.http.host=" + host);
      cmd.add("-Dakka.remote.artery.canonical.hostname=" + host);
      cmd.add("-Dakka.remote.artery.advanced.tcp.outbound-client-hostname=" + host);
    }
    for (int i = 0; i < seeds.size(); i++) {
      cmd.add("-Dakka.cluster.seed-nodes." + i + "=" + seeds.get(i));
    }
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.add("node");
    cmd.add("--config");
    cmd.add(conf.toString());
    return cmd;
  }
}

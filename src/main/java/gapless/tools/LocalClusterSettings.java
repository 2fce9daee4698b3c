package gapless.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a tool that starts its own local cluster (the demo, the benchmarks) starts it from, and
 * whether it keeps what the nodes wrote.
 *
 * @param jar        the shaded gapless jar the nodes run
 * @param confDir    the directory holding {@code <id>.conf} of every node
 * @param portOffset added to every node port
 * @param keep       keep the data and log directories after the run
 * @param jvmOptions added to every node's JVM options (a test's, for one)
 */
public record LocalClusterSettings(Path jar, Path confDir, int portOffset, boolean keep, List<String> jvmOptions) {

  public LocalClusterSettings(Path jar, Path confDir, int portOffset, boolean keep) {
    this(jar, confDir, portOffset, keep, List.of());
  }

  /** Work that writes into a directory of its own. */
  @FunctionalInterface
  interface Work<T> {
    T run(Path dir) throws IOException;
  }

  /** The default nodes with their data and logs under {@code baseDir}, not started yet. */
  public LocalCluster cluster(Path baseDir) {
    return new LocalCluster(jar, confDir, baseDir, LocalCluster.DEFAULT_NODES, portOffset);
  }

  /**
   * The nodes {@link #confDir} configures, whichever they are ({@link ClusterFiles#nodeIds}), for a
   * tool that runs any layout (three nodes that each store and take requests, for one).
   */
  public LocalCluster configuredCluster(Path baseDir) {
    return new LocalCluster(jar, confDir, baseDir, ClusterFiles.nodeIds(confDir), portOffset);
  }

  /** Runs {@code work} in a fresh temporary directory, which is deleted afterwards unless {@link #keep}. */
  <T> T inTempDir(String prefix, PrintStream out, Work<T> work) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    try {
      return work.run(dir);
    } finally {
      keepOrDelete(dir, false, "data and logs", out);
    }
  }

  /** After a run: says where {@code baseDir} is kept ({@code what} names its content), or deletes it. */
  void keepOrDelete(Path baseDir, boolean keepAnyway, String what, PrintStream out) {
    if (keep || keepAnyway) {
      out.println(what + " kept in " + baseDir);
    } else {
      ClusterFiles.deleteTree(baseDir);
    }
  }
}

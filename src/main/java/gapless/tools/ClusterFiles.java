package gapless.tools;

import gapless.Main;
import gapless.client.GaplessClientException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File helpers of the commands that start their own cluster (demo, bench). */
public final class ClusterFiles {

  private ClusterFiles() {}

  /** The given jar, or the jar this class was loaded from: child nodes run the same build. */
  public static Path jar(Path given) {
    if (given != null) {
      return given;
    }
    try {
      Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(self) && self.toString().endsWith(".jar")) {
        return self;
      }
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      // Fall through to the message below: the code source is not a usable file.
    }
    throw new GaplessClientException("cannot find the gapless jar to start nodes from; run java -jar target/gapless.jar,"
        + " or give --jar");
  }

  public static Path confDir(Path conf) {
    if (!Files.isDirectory(conf)) {
      throw new GaplessClientException("config directory not found: " + conf.toAbsolutePath()
          + " (run from the project directory, or give --conf)");
    }
    return conf;
  }

  /**
   * The nodes configured in {@code confDir}: {@link LocalCluster#DEFAULT_NODES} when each has its
   * {@code <id>.conf} there, else every {@code <id>.conf} but {@code cluster.conf}, by name.
   */
  public static List<String> nodeIds(Path confDir) {
    if (LocalCluster.DEFAULT_NODES.stream().allMatch(id -> Files.isRegularFile(confDir.resolve(id + ".conf")))) {
      return LocalCluster.DEFAULT_NODES;
    }
    List<String> ids;
    try (var files = Files.list(confDir)) {
      ids = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".conf") && !f.equals("cluster.conf"))
          .map(f -> f.substring(0, f.length() - ".conf".length())).sorted().toList();
    } catch (IOException e) {
      throw new GaplessClientException("cannot list " + confDir + ": " + e.getMessage());
    }
    if (ids.isEmpty()) {
      throw new GaplessClientException("no node config (<id>.conf) in " + confDir);
    }
    return ids;
  }

  /** Deletes a directory tree; what cannot be deleted is left and reported. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + GaplessClientException.describe(e));
    }
  }
}

package gapless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive {@code mvn package} builds for installing Gapless: unpacked as an operator would,
 * it holds the launcher, the jar, the example cluster's conf and the systemd unit, and its
 * {@code bin/gapless} runs from any directory.
 */
class DistributionIT {

  @TempDir
  Path dir;

  @Test
  void theUnpackedArchiveRunsFromAnyDirectory() throws Exception {
    Path target = Path.of(System.getProperty("gapless.jar")).getParent();
    Path archive;
    try (Stream<Path> files = Files.list(target)) {
      archive = files.filter(f -> f.getFileName().toString().matches("gapless-.*\\.tar\\.gz")).findFirst()
          .orElseThrow(() -> new AssertionError("no gapless-<version>.tar.gz in " + target));
    }
    assertEquals(0, run(dir, "tar", "-xzf", archive.toString()).exit());
    Path home;
    try (Stream<Path> unpacked = Files.list(dir)) {
      home = unpacked.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    for (String file : List.of("bin/gapless", "lib/gapless.jar", "conf/cluster.conf", "conf/s1.conf", "conf/gw1.conf",
        "systemd/gapless@.service", "docs/OPERATIONS.md", "README.md")) {
      assertTrue(Files.isRegularFile(home.resolve(file)), file + " missing from " + archive);
    }
    assertTrue(Files.isExecutable(home.resolve("bin/gapless")), "bin/gapless is not executable");
    Result help = run(Files.createDirectories(dir.resolve("elsewhere")), home.resolve("bin/gapless").toString(), "--help");
    assertEquals(0, help.exit(), help.output());
    assertTrue(help.output().contains("node"), help.output());
    // A load command runs again in a JVM of its own (LoadJvm): its answer and exit code come through.
    Result simulate = run(dir.resolve("elsewhere"), home.resolve("bin/gapless").toString(), "simulate", "--collectors", "2");
    assertEquals(2, simulate.exit(), simulate.output());
    assertTrue(simulate.output().contains("Missing required option: '--gateway"), simulate.output());
  }

  private record Result(int exit, String output) {}

  private static Result run(Path workDir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
    return new Result(p.exitValue(), output);
  }
}

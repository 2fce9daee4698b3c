package gapless.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LoadJvmTest {

  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @TempDir
  Path dir;

  @Test
  void aLoadCommandRunsAgainCompiledByC1AloneWithTheOptionsItWasGiven() throws IOException {
    Path jar = Files.write(dir.resolve("gapless.jar"), new byte[] {1});
    List<String> args = List.of("bench", "ingest", "--collectors", "2000");
    assertEquals(Optional.of(List.of(JAVA, "-Xmx1g", "-Dgapless.x=1", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
            "bench", "ingest", "--collectors", "2000")),
        LoadJvm.command(args, jar, List.of("-Xmx1g", "-agentpath:/p.so", "-Dgapless.x=1"), List.of("-agentpath:/p.so")),
        "without the options its environment hands the child anyway");
  }

  @Test
  void aFreshClassArchiveIsUsedAsTheNodesUseIt() throws IOException {
    Path jar = Files.write(dir.resolve("gapless.jar"), new byte[] {1});
    Path jsa = Files.write(dir.resolve("gapless.jsa"), new byte[] {2});
    Files.setLastModifiedTime(jsa, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 1000));
    assertEquals(Optional.of(List.of(JAVA, "-XX:TieredStopAtLevel=1", "-XX:SharedArchiveFile=" + jsa, "-Xlog:cds*=off",
            "-jar", jar.toString(), "simulate")),
        LoadJvm.command(List.of("simulate"), jar, List.of(), List.of()));
  }

  @Test
  void otherCommandsAndAChosenJitRunWhereTheyAreStarted() throws IOException {
    Path jar = Files.write(dir.resolve("gapless.jar"), new byte[] {1});
    assertEquals(Optional.empty(), LoadJvm.command(List.of("node", "--config", "conf/s1.conf"), jar, List.of(), List.of()));
    assertEquals(Optional.empty(), LoadJvm.command(List.of("status"), jar, List.of(), List.of()));
    assertEquals(Optional.empty(), LoadJvm.command(List.of(), jar, List.of(), List.of()));
    assertEquals(Optional.empty(), LoadJvm.command(List.of("demo"), jar, List.of("-XX:TieredStopAtLevel=4"), List.of()));
  }
}

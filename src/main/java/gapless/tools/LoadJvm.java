package gapless.tools;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The JVM of the commands that drive load at a cluster (demo, chaos, simulate, bench): compiled as
 * the nodes are, by C1 alone ({@link LocalCluster#NODE_JVM}), so that a load generator sharing the
 * machine with the cluster does not spend its CPU in the C2 compiler. Started with the JDK's
 * defaults, such a command runs again in a JVM of its own with that option and exits with its exit
 * code. In `bench ingest` on the benchmark machine the load generator spent half its CPU in C2 well
 * after its warm-up, and C1 alone cut its CPU per acked sample by a quarter to a half (the
 * cluster's own figures did not move: docs/BENCHMARKS.md).
 * A command whose JVM options already choose the JIT's levels runs where it is started, as does
 * one not run from the jar.
 */
public final class LoadJvm {

  private static final String TIERED = "-XX:TieredStopAtLevel=";
  private static final String C1_ONLY = TIERED + "1";
  private static final Set<String> LOAD_COMMANDS = Set.of("demo", "chaos", "simulate", "bench");
  // The child reads these from its environment itself: passing their options again would double them (two agents).
  private static final List<String> INHERITED_OPTIONS = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");
  private static final long STOP_WAIT_SECONDS = 30;

  private LoadJvm() {}

  /** Runs {@code args} in a JVM of its own when it drives load, and returns its exit code; empty: run it here. */
  public static OptionalInt relaunch(String[] args) throws IOException, InterruptedException {
    Optional<Path> jar = runningJar();
    if (jar.isEmpty()) {
      return OptionalInt.empty();
    }
    List<String> inherited = new ArrayList<>();
    INHERITED_OPTIONS.forEach(name -> inherited.addAll(words(System.getenv(name))));
    Optional<List<String>> command = command(List.of(args), jar.get(),
        ManagementFactory.getRuntimeMXBean().getInputArguments(), inherited);
    if (command.isEmpty()) {
      return OptionalInt.empty();
    }
    Process child = new ProcessBuilder(command.get()).inheritIO().start();
    // Stopped with this JVM (Ctrl-C, SIGTERM): the child stops too, and cleans up its nodes as it would alone.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      child.destroy();
      try {
        child.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "load-jvm-stop"));
    return OptionalInt.of(child.waitFor());
  }

  /**
   * The command line that runs {@code args} from {@code jar} in a C1-only JVM with this JVM's own
   * options ({@code jvmOptions} less the {@code inherited} ones its environment gives the child
   * anyway), and from the jar's class-data archive when there is a fresh one; empty when {@code args}
   * is not a load command or {@code jvmOptions} already choose the JIT's levels.
   */
  static Optional<List<String>> command(List<String> args, Path jar, List<String> jvmOptions, List<String> inherited) {
    if (args.isEmpty() || !LOAD_COMMANDS.contains(args.get(0))
        || jvmOptions.stream().anyMatch(o -> o.startsWith(TIERED))) {
      return Optional.empty();
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    jvmOptions.stream().filter(o -> !inherited.contains(o)).forEach(cmd::add);
    cmd.add(C1_ONLY);
    cmd.addAll(new ClassArchive(jar).startOptions());
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(args);
    return Optional.of(cmd);
  }

  /** How this JVM compiles: its own {@code -XX:TieredStopAtLevel} option, or the JDK's default. */
  static String jit() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(o -> o.startsWith(TIERED))
        .reduce((a, b) -> b).orElse("C1 and C2 (the JDK's default)");
  }

  private static Optional<Path> runningJar() {
    try {
      CodeSource source = LoadJvm.class.getProtectionDomain().getCodeSource();
      Path path = source == null ? null : Path.of(source.getLocation().toURI());
      return path != null && Files.isRegularFile(path) && path.toString().endsWith(".jar") ? Optional.of(path) : Optional.empty();
    } catch (URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static List<String> words(String text) {
    return text == null || text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
  }
}

package gapless.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import gapless.store.RawLevelDbBaseline;
import gapless.tools.ClusterFiles;
import gapless.tools.LocalCluster;
import gapless.tools.SimulationResult;
import gapless.tools.SimulationSettings;
import gapless.tools.Simulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gapless bench ingest}: acknowledged ingest throughput of a local 4-node cluster, next to
 * the raw LevelDB key write rate of the same machine measured in the same run, written into the
 * ingest section of the benchmarks document.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Measure acked samples/s of a local 3 storage + 1 gateway cluster, and the raw LevelDB key rate.")
public final class BenchIngestCommand implements Callable<Integer> {

  static final String START = "<!-- bench:ingest:start -->";
  static final String END = "<!-- bench:ingest:end -->";

  @Mixin
  LocalClusterOptions local;

  @Mixin
  BaselineOptions baseline;

  @Option(names = "--duration", defaultValue = "20", description = "Seconds of measured load (default: ${DEFAULT-VALUE})")
  long durationSeconds;

  @Option(names = "--warmup", defaultValue = "5", description = "Seconds of unmeasured load first (default: ${DEFAULT-VALUE})")
  long warmupSeconds;

  @Option(names = "--collectors", defaultValue = "16", description = "Collectors (default: ${DEFAULT-VALUE})")
  int collectors;

  @Option(names = "--tags", defaultValue = "20", description = "Tags per batch (default: ${DEFAULT-VALUE})")
  int tags;

  @Option(names = "--samples-per-tag", defaultValue = "250", description = "Samples of each tag per batch (default: ${DEFAULT-VALUE})")
  int samplesPerTag;

  @Option(names = "--port-offset", defaultValue = "3000", description = "Added to every node port (default: ${DEFAULT-VALUE})")
  int portOffset;

  @Override
  public Integer call() throws IOException {
    Path jarFile = local.jarFile();
    Path confDir = local.confDir();
    Path base = Files.createTempDirectory("gapless-bench-");
    GaplessClient client = new GaplessClient();
    SimulationResult load;
    try {
      try (LocalCluster cluster = new LocalCluster(jarFile, confDir, base, LocalCluster.DEFAULT_NODES, portOffset)) {
        System.out.println("bench: starting the cluster in " + base);
        cluster.startAll();
        cluster.awaitUp(Duration.ofSeconds(90));
        if (warmupSeconds > 0) {
          System.out.println("bench: warm-up " + warmupSeconds + " s");
          new Simulator(client).run(settings(cluster, "warmup", warmupSeconds), null);
        }
        System.out.printf("bench: %d collectors x %d tags x %d samples/tag, flat out, %d s%n", collectors, tags,
            samplesPerTag, durationSeconds);
        load = new Simulator(client).run(settings(cluster, "bench", durationSeconds), System.out);
      }
      // The cluster is down before the baseline runs, so both numbers get the whole machine.
      System.out.printf("bench: raw LevelDB baseline, %,d keys x %d B%n", baseline.rawKeys, baseline.rawValueBytes);
      RawLevelDbBaseline.Result seq = raw(base.resolve("raw-sequential"), true);
      RawLevelDbBaseline.Result rnd = raw(base.resolve("raw-random"), false);
      String table = table(load, seq, rnd, confDir);
      System.out.println(table);
      writeSection(baseline.out, table);
      System.out.println("bench: updated " + baseline.out);
      return load.acked() > 0 ? 0 : CliErrors.RUNTIME;
    } finally {
      if (local.keep) {
        System.out.println("data and logs kept in " + base);
      } else {
        ClusterFiles.deleteTree(base);
      }
    }
  }

  private SimulationSettings settings(LocalCluster cluster, String prefix, long seconds) {
    return new SimulationSettings(cluster.gatewayUrl(), collectors, tags, samplesPerTag, 10, 0,
        Duration.ofSeconds(seconds), null, Math.min(collectors, 64), prefix, SimulationSettings.defaultStartTs());
  }

  private RawLevelDbBaseline.Result raw(Path dir, boolean sequential) {
    try {
      RawLevelDbBaseline.Result r = RawLevelDbBaseline.measure(dir, baseline.rawKeys, baseline.rawValueBytes, sequential);
      System.out.printf("  %s keys: %,.0f keys/s%n", sequential ? "sequential" : "random", r.keysPerSecond());
      return r;
    } catch (Exception e) {
      throw new GaplessClientException("raw LevelDB baseline failed: " + CliErrors.describe(e), 0, e);
    }
  }

  private String table(SimulationResult load, RawLevelDbBaseline.Result seq, RawLevelDbBaseline.Result rnd, Path confDir) {
    Config c = ConfigFactory.parseFile(confDir.resolve("gw1.conf").toFile())
        .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
    int rf = c.getInt("gapless.replication-factor");
    int w = c.getInt("gapless.write-quorum");
    StringBuilder sb = new StringBuilder();
    sb.append("## Ingest\n\n");
    sb.append("Measured ").append(ZonedDateTime.now().withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(java.time.ZoneOffset.UTC)))
        .append(" with `java -jar target/gapless.jar bench ingest --duration ").append(durationSeconds)
        .append(" --collectors ").append(collectors).append(" --tags ").append(tags).append(" --samples-per-tag ")
        .append(samplesPerTag).append("`.\n\n");
    sb.append("| what | value |\n|---|---|\n");
    row(sb, "machine", Runtime.getRuntime().availableProcessors() + " CPUs, " + cpuModel() + ", Java "
        + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    row(sb, "cluster", "3 storage nodes + 1 gateway, each a JVM with -Xmx512m, all on this machine; RF " + rf + ", W " + w);
    row(sb, "load", String.format("%d collectors, batches of %d tags x %d samples (%d samples), one batch in flight per"
        + " collector, %d s after %d s warm-up", collectors, tags, samplesPerTag, tags * samplesPerTag, durationSeconds, warmupSeconds));
    row(sb, "acked samples/s", String.format("%,.0f", load.samplesPerSecond()));
    row(sb, "encoded input", String.format("%.2f MB/s in the batch encoding (%.2f MB/s of JSON)", load.encodedMegabytesPerSecond(),
        load.jsonMegabytesPerSecond()));
    row(sb, "ack latency", String.format("p50 %.1f ms, p99 %.1f ms", load.p50Micros() / 1000.0, load.p99Micros() / 1000.0));
    row(sb, "batches", String.format("%d acked (200: %d, 202: %d), %d errors", load.acked(), load.ok200(), load.buffered202(),
        load.errors()));
    row(sb, String.format("raw LevelDB, %,d keys x %d B, sequential keys", baseline.rawKeys, baseline.rawValueBytes),
        String.format("%,.0f keys/s", seq.keysPerSecond()));
    row(sb, String.format("raw LevelDB, %,d keys x %d B, random keys", baseline.rawKeys, baseline.rawValueBytes),
        String.format("%,.0f keys/s", rnd.keysPerSecond()));
    row(sb, "acked samples/s : raw sequential keys/s", String.format("%.3f (each acked sample is stored %d times on this one machine)",
        load.samplesPerSecond() / seq.keysPerSecond(), rf));
    return sb.toString();
  }

  private static void row(StringBuilder sb, String what, String value) {
    sb.append("| ").append(what).append(" | ").append(value).append(" |\n");
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // Not Linux: the model stays unknown.
    }
    return "unknown CPU";
  }

  /** Replaces the ingest section of {@code file}, creating the file or the section if missing. */
  static void writeSection(Path file, String body) throws IOException {
    writeSection(file, START, END, body);
  }

  /** Replaces the section between the {@code start} and {@code end} markers, creating the file or the section if missing. */
  static void writeSection(Path file, String start, String end, String body) throws IOException {
    String section = start + "\n" + body + end;
    String text;
    if (Files.exists(file)) {
      text = Files.readString(file, StandardCharsets.UTF_8);
      int s = text.indexOf(start);
      int e = text.indexOf(end);
      if (s >= 0 && e > s) {
        text = text.substring(0, s) + section + text.substring(e + end.length());
      } else {
        text = text + (text.endsWith("\n") ? "\n" : "\n\n") + section + "\n";
      }
    } else {
      text = "# Gapless benchmarks\n\nNumbers below are rewritten by the benchmark commands; run them on an otherwise idle"
          + " machine.\n\n" + section + "\n";
    }
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}

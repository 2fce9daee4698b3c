package gapless.tools;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One benchmark's section of the benchmarks document: a title, when and with which command it was
 * measured, then a what/value table that starts with the machine it ran on. It is written between
 * its own markers ({@code <!-- bench:<key>:start -->} .. {@code <!-- bench:<key>:end -->}), so a
 * run replaces its section and leaves the rest of the document alone.
 */
final class BenchmarkSection {

  private final String start;
  private final String end;
  private final StringBuilder sb = new StringBuilder();

  /**
   * @param key     the marker name, e.g. {@code ingest}
   * @param title   the section heading
   * @param command the gapless command line that measured it, e.g. {@code bench ingest --duration 20}
   */
  BenchmarkSection(String key, String title, String command) {
    this.start = "<!-- bench:" + key + ":start -->";
    this.end = "<!-- bench:" + key + ":end -->";
    sb.append("## ").append(title).append("\n\n");
    sb.append("Measured ").append(ZonedDateTime.now().withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC)))
        .append(" with `java -jar target/gapless.jar ").append(command).append("`.\n\n");
    sb.append("| what | value |\n|---|---|\n");
    row("machine", Runtime.getRuntime().availableProcessors() + " CPUs, " + cpuModel() + ", Java "
        + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
  }

  /** The first gateway's config over the defaults: the replication settings the cluster ran with. */
  static Config gatewayConfig(Path confDir) {
    return ConfigFactory.parseFile(gatewayOf(confDir).conf().toFile())
        .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
  }

  private static NodeLayout gatewayOf(Path confDir) {
    List<NodeLayout> nodes = ClusterFiles.nodeIds(confDir).stream().map(id -> NodeLayout.read(confDir, id, 0)).toList();
    return nodes.stream().filter(n -> n.roles().contains("gateway")).findFirst().orElse(nodes.get(0));
  }

  /** The row describing the local cluster of {@code confDir}, RF and W from its first gateway; {@code more} is appended. */
  BenchmarkSection clusterRow(Path confDir, String more) {
    Config gateway = gatewayConfig(confDir);
    return row("cluster", layout(confDir) + " (the load spread over every node that takes requests), each a JVM with "
        + String.join(" ", LocalCluster.NODE_JVM) + " started from the jar's class-data archive (once one run wrote it),"
        + " all on this machine with the load generator (a JVM with " + LoadJvm.jit() + "); RF "
        + gateway.getInt("gapless.replication-factor") + ", W " + gateway.getInt("gapless.write-quorum") + more);
  }

  /** What nodes the cluster has: "3 storage nodes + 2 gateways", or "3 nodes that each store and take requests". */
  static String layout(Path confDir) {
    Map<String, Long> kinds = ClusterFiles.nodeIds(confDir).stream()
        .map(id -> NodeLayout.read(confDir, id, 0).roles())
        .collect(Collectors.groupingBy(roles -> !roles.contains("storage") ? "gateways"
            : roles.contains("gateway") ? "nodes that each store and take requests" : "storage nodes",
            LinkedHashMap::new, Collectors.counting()));
    return kinds.entrySet().stream().map(k -> k.getValue() + " " + k.getKey()).collect(Collectors.joining(" + "));
  }

  BenchmarkSection row(String what, String value) {
    sb.append("| ").append(what).append(" | ").append(value).append(" |\n");
    return this;
  }

  String text() {
    return sb.toString();
  }

  /** Prints the section, then writes it into {@code file} and says so. */
  void publish(Path file, PrintStream out) throws IOException {
    out.println(text());
    writeTo(file);
    out.println("bench: updated " + file);
  }

  /** Replaces the section between the markers in {@code file}, creating the file or the section if missing. */
  void writeTo(Path file) throws IOException {
    String section = start + "\n" + text() + end;
    String doc;
    if (Files.exists(file)) {
      doc = Files.readString(file, StandardCharsets.UTF_8);
      int s = doc.indexOf(start);
      int e = doc.indexOf(end);
      if (s >= 0 && e > s) {
        doc = doc.substring(0, s) + section + doc.substring(e + end.length());
      } else {
        doc = doc + (doc.endsWith("\n") ? "\n" : "\n\n") + section + "\n";
      }
    } else {
      doc = "# Gapless benchmarks\n\nNumbers below are rewritten by the benchmark commands; run them on an otherwise idle"
          + " machine.\n\n" + section + "\n";
    }
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    Files.writeString(file, doc, StandardCharsets.UTF_8);
  }

  private static String cpuModel() {
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
}

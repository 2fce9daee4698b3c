package gapless.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A benchmark run rewrites its own section of the document and nothing else. */
class BenchmarkSectionTest {

  @TempDir
  Path dir;

  @Test
  void replacesOnlyItsOwnSection() throws IOException {
    Path doc = dir.resolve("BENCHMARKS.md");
    Files.writeString(doc, "# Doc\n\n<!-- bench:ingest:start -->\nold\n<!-- bench:ingest:end -->\n\n"
        + "<!-- bench:recovery:start -->\nkept\n<!-- bench:recovery:end -->\n");
    BenchmarkSection section = new BenchmarkSection("ingest", "Ingest", "bench ingest --duration 1").row("acked samples/s", "42");
    section.writeTo(doc);
    String text = Files.readString(doc);
    assertTrue(text.startsWith("# Doc\n\n<!-- bench:ingest:start -->\n## Ingest\n\nMeasured "), text);
    assertTrue(text.contains(" with `java -jar target/gapless.jar bench ingest --duration 1`.\n\n| what | value |\n|---|---|\n| machine | "),
        text);
    assertTrue(text.contains("| acked samples/s | 42 |\n<!-- bench:ingest:end -->\n\n<!-- bench:recovery:start -->\nkept\n"), text);
    assertTrue(!text.contains("old"), text);
  }

  @Test
  void createsTheDocumentOrAppendsAMissingSection() throws IOException {
    Path doc = dir.resolve("sub").resolve("BENCHMARKS.md");
    new BenchmarkSection("recovery", "Recovery", "bench recovery").writeTo(doc);
    assertTrue(Files.readString(doc).startsWith("# Gapless benchmarks\n\n"));
    new BenchmarkSection("ingest", "Ingest", "bench ingest").writeTo(doc);
    String text = Files.readString(doc);
    assertEquals(1, text.split("<!-- bench:recovery:start -->", -1).length - 1, text);
    assertTrue(text.indexOf("<!-- bench:recovery:end -->") < text.indexOf("<!-- bench:ingest:start -->"), text);
    assertTrue(text.endsWith("<!-- bench:ingest:end -->\n"), text);
  }

  @Test
  void describesTheNodesOfEachShippedLayout() {
    assertEquals(LocalCluster.DEFAULT_NODES, ClusterFiles.nodeIds(Path.of("conf")));
    assertEquals("3 storage nodes + 2 gateways", BenchmarkSection.layout(Path.of("conf")));
    assertEquals(java.util.List.of("s1", "s2", "s3"), ClusterFiles.nodeIds(Path.of("conf/combined")));
    assertEquals("3 nodes that each store and take requests", BenchmarkSection.layout(Path.of("conf/combined")));
    assertEquals(3, BenchmarkSection.gatewayConfig(Path.of("conf/combined")).getInt("gapless.replication-factor"));
  }
}

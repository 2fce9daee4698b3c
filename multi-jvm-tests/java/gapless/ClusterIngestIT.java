package gapless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.influx.InfluxApiVersion;
import io.micrometer.influx.InfluxConfig;
import io.micrometer.influx.InfluxMeterRegistry;
import gapless.api.dto.QueryAnswer;
import gapless.client.GaplessClient;
import gapless.model.Sample;
import gapless.tools.LedgerEntry;
import gapless.tools.LocalCluster;
import gapless.tools.SimulationResult;
import gapless.tools.SimulationSettings;
import gapless.tools.Simulator;
import gapless.tools.Verifier;
import gapless.tools.VerifyReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole write path across real JVMs: three storage nodes and a gateway from {@code conf/},
 * six simulated collectors, then every acknowledged sample must read back identically from every
 * replica. Tags may be any printable Unicode; queries read several tags, aggregates and CSV; an
 * InfluxDB client writes line protocol; the web console shows it all in a real browser. Every
 * node is ready and serves metrics that Prometheus' parser accepts. Failsafe gives the shaded jar
 * and the conf directory as system properties.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIngestIT {

  private static final int PORT_OFFSET = 2000;

  @RegisterExtension
  static final ItCluster it = new ItCluster(PORT_OFFSET, Duration.ofSeconds(60));

  private static final GaplessClient client = new GaplessClient();

  @Test
  void everyAcknowledgedSampleIsOnEveryReplica() {
    LocalCluster cluster = it.cluster();
    Path ledger = it.dir().resolve("ledger.jsonl");
    // A bounded rate keeps the read-back (every sample from three replicas) to a few seconds.
    SimulationSettings settings = new SimulationSettings(cluster.gatewayUrls(), 6, 5, 100, 10, 20_000,
        Duration.ofSeconds(8), ledger, 6, "it", SimulationSettings.defaultStartTs());
    SimulationResult load = new Simulator(client).run(settings, System.out);
    assertTrue(load.ok200() > 0, "no batch acknowledged: " + load.summary() + " " + load.firstErrors());
    assertEquals(0, load.errors(), load.summary() + " " + load.firstErrors());

    List<LedgerEntry> entries = LedgerEntry.readAll(ledger, client.mapper());
    assertEquals(load.acked(), entries.size());
    assertTrue(entries.stream().allMatch(e -> e.status() == 200), "every batch should be answered 200 on a healthy cluster");

    VerifyReport report = new Verifier(client, cluster.gatewayUrl()).exactlyOnce(true).verify(ledger, Duration.ofSeconds(30), System.out);
    report.print(System.out);
    assertTrue(report.ok(), report.verdictLine());
    assertTrue(report.samplesChecked() >= load.samplesAcked() * 3, "every sample read from 3 replicas: " + report.verdictLine());
    assertTrue(Files.exists(cluster.logFile("s1")));
  }

  @Test
  void everyNodeIsReadyAndServesMetricsThatPromtoolAccepts() throws Exception {
    LocalCluster cluster = it.cluster();
    long now = System.currentTimeMillis();
    // Tags as plants name them: any printable Unicode, spaces too.
    assertEquals(200, client.postSamples(cluster.gatewayUrl(), "metered", List.of(new Sample("FIC101.PV", now, 1.5, 192),
        new Sample("温度", now, 21.5, 192), new Sample("Reactor 1 Temp", now, 350.0, 192))).httpStatus());
    for (String tag : List.of("温度", "Reactor 1 Temp")) {
      QueryAnswer answer = client.query(cluster.storageUrl(), "metered", tag, now, now, null, false);
      assertEquals(List.of(tag), answer.samples().stream().map(Sample::tag).toList(), tag);
    }
    // Historian reads: several tags in one request, aggregates per interval, CSV.
    JsonNode both = client.mapper().readTree(client.getText(cluster.gatewayUrl(), GaplessClient.samplesPath("metered",
        List.of("FIC101.PV", "温度"), Map.of("from", String.valueOf(now - 500), "to", String.valueOf(now), "interval", "1s", "agg", "avg"))));
    assertEquals(2, both.get("results").size(), both.toString());
    JsonNode bucket = both.get("results").get(1).get("buckets").get(0);
    assertEquals(List.of(21.5, 1.0, (double) now - 500), List.of(bucket.get("value").asDouble(), bucket.get("count").asDouble(),
        bucket.get("from").asDouble()), both.toString());
    assertTrue(client.getText(cluster.gatewayUrl(), "/api/v1/collectors").contains("\"metered\""));
    assertEquals(List.of("FIC101.PV", "Reactor 1 Temp", "温度"), client.mapper().convertValue(
        client.mapper().readTree(client.getText(cluster.storageUrl(), "/api/v1/collectors/metered/tags")).get("tags"), List.class));
    // Interpolated at a step between two samples a second apart.
    assertEquals(200, client.postSamples(cluster.gatewayUrl(), "metered", List.of(new Sample("ramp", now - 1000, 10, 192),
        new Sample("ramp", now, 20, 192))).httpStatus());
    JsonNode ramp = client.mapper().readTree(client.getText(cluster.gatewayUrl(), GaplessClient.samplesPath("metered",
        List.of("ramp"), Map.of("from", String.valueOf(now - 1000), "to", String.valueOf(now), "interpolate", "250ms"))));
    assertEquals(List.of(10.0, 12.5, 15.0, 17.5, 20.0), ramp.get("values").findValues("value").stream().map(JsonNode::asDouble).toList(),
        ramp.toString());
    JsonNode last = client.mapper().readTree(client.getText(cluster.gatewayUrl(), "/api/v1/collectors/metered/last?tag=FIC101.PV&tag=none"));
    assertEquals(List.of(1.5, (double) now), List.of(last.get("samples").get(0).get("value").asDouble(),
        last.get("samples").get(0).get("ts").asDouble()), last.toString());
    assertEquals("[\"none\"]", last.get("missing").toString());
    String csv = client.getText(cluster.storageUrl(), GaplessClient.samplesPath("metered", List.of("Reactor 1 Temp"),
        Map.of("from", Instant.ofEpochMilli(now).toString(), "format", "csv")));
    assertEquals("tag,ts,time,value,quality\nReactor 1 Temp," + now + "," + Instant.ofEpochMilli(now) + ",350.0,192\n", csv);
    // The same read in binary columns: the JSON answer's fields and samples.
    List<QueryAnswer> binary = client.getColumns(cluster.storageUrl(), GaplessClient.samplesPath("metered", List.of("Reactor 1 Temp"),
        Map.of("from", Instant.ofEpochMilli(now).toString(), "format", "binary")));
    assertEquals(List.of(new Sample("Reactor 1 Temp", now, 350.0, 192)), binary.get(0).samples(), binary.toString());
    for (String node : cluster.nodeIds()) {
      HttpResponse<String> ready = awaitStatus(cluster.httpUrl(node).resolve("/health/ready"), 200, Duration.ofSeconds(30));
      assertTrue(ready.body().contains("\"status\":\"ready\""), node + ": " + ready.body());
    }
    // Replicas report their figures each sync interval: the storage node's page shows the collector once they have.
    String storage = awaitMetric(cluster.httpUrl("s1"), "gapless_replica_contiguous_seq{collector=\"metered\",node=\"s1\"} 2.0");
    assertTrue(storage.contains("gapless_cluster_members{node=\"s1\",status=\"up\"} " + cluster.nodeIds().size() + ".0"), storage);
    assertTrue(storage.contains("gapless_store_size_bytes{node=\"s1\",part=\"samples\"}"), storage);
    String gateway = get(cluster.gatewayUrl().resolve("/metrics")).body();
    assertTrue(gateway.contains("gapless_ingest_requests_total{node=\"" + gatewayId(cluster) + "\",outcome=\"stored\"}"), gateway);
    assumeTrue(Promtool.installed(), "promtool not installed (Debian package prometheus): exposition not parsed");
    assertEquals("", Promtool.problems(storage), "s1's /metrics");
    assertEquals("", Promtool.problems(gateway), "the gateway's /metrics");
  }

  private static final HttpClient http = HttpClient.newHttpClient();

  private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> awaitStatus(URI uri, int status, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    HttpResponse<String> r = get(uri);
    while (r.statusCode() != status && System.nanoTime() < deadline) {
      Thread.sleep(500);
      r = get(uri);
    }
    assertEquals(status, r.statusCode(), uri + ": " + r.body());
    return r;
  }

  private static String awaitMetric(URI node, String line) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String body = get(node.resolve("/metrics")).body();
    while (!body.contains(line) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      body = get(node.resolve("/metrics")).body();
    }
    assertTrue(body.contains(line), line + " not in:\n" + body);
    return body;
  }

  private static String gatewayId(LocalCluster cluster) {
    return cluster.nodeIds().stream().filter(id -> cluster.httpUrl(id).equals(cluster.gatewayUrl())).findFirst().orElseThrow();
  }

  /** What the CLI prints for scripts: {@code --output json} parses, {@code --output csv} has its header and rows. */
  @Test
  void theCliPrintsJsonAndCsvForScripts() throws Exception {
    LocalCluster cluster = it.cluster();
    assertEquals(200, client.postSamples(cluster.gatewayUrl(), "cli", List.of(new Sample("T", System.currentTimeMillis(), 1, 192)))
        .httpStatus());
    String node = cluster.storageUrl().toString();
    JsonNode status = client.mapper().readTree(cli("status", "--node", node, "--output", "json"));
    assertEquals(cluster.nodeIds().size(), status.get("status").get("members").size(), status.toString());
    String replicas = cli("status", "--node", node, "--output", "csv");
    assertTrue(replicas.startsWith("collector,node,status,contiguousSeq,highestSeq,missing,lag,state,batches,samples,digest\n"), replicas);
    assertEquals(3, replicas.lines().filter(l -> l.startsWith("cli,")).count(), replicas);
    for (String line : cli("events", "--node", node, "--limit", "5", "--output", "json").strip().split("\n")) {
      assertTrue(client.mapper().readTree(line).has("event"), line);
    }
    JsonNode verify = client.mapper().readTree(cli("verify", "--node", node, "--wait", "30", "--output", "json"));
    assertTrue(verify.get("ok").asBoolean(), verify.toString());
    assertTrue(cli("verify", "--node", node, "--wait", "30", "--output", "csv").startsWith("collector,replicas,digest,"));
  }

  /** Runs a CLI command in this JVM; returns what it printed on stdout (it must succeed). */
  private static String cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int code;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      code = Main.commandLine().execute(args);
    } finally {
      System.setOut(stdout);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, String.join(" ", args) + " printed: " + printed);
    return printed;
  }

  /** A real InfluxDB client (Micrometer's Influx registry, API v2, gzipped) writes line protocol to a gateway. */
  @Test
  void anInfluxDbClientWritesLineProtocol() {
    LocalCluster cluster = it.cluster();
    InfluxConfig config = new InfluxConfig() {
      @Override
      public String get(String key) {
        return null;
      }

      @Override
      public String uri() {
        return cluster.gatewayUrl().toString();
      }

      @Override
      public InfluxApiVersion apiVersion() {
        return InfluxApiVersion.V2;
      }

      @Override
      public String org() {
        return "plant";
      }

      @Override
      public String bucket() {
        return "influx-it";
      }

      @Override
      public String token() {
        return "unused";
      }

      @Override
      public Duration step() {
        // Published once, when closed.
        return Duration.ofHours(1);
      }
    };
    InfluxMeterRegistry registry = new InfluxMeterRegistry(config, Clock.SYSTEM);
    Gauge.builder("reactor.temp", () -> 350.5).tag("unit", "1").register(registry);
    registry.close();
    String tag = "reactor_temp,metric_type=gauge,unit=1.value";
    QueryAnswer answer = client.query(cluster.storageUrl(), "influx-it", tag, null, null, null, false);
    assertEquals(List.of(350.5), answer.samples().stream().map(Sample::value).toList(), answer.toString());
  }

  /**
   * The web console in a real headless Chromium (Debian's chromium and chromium-driver): it shows
   * the three storage nodes and the replicas, draws a trend, and shows a storage node unreachable
   * once it is killed. Screenshots stay in {@code target/console/} for a person to look at. Runs
   * last: it kills s3.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void theConsoleShowsTheClusterAndAKilledNodeTurnsUnreachable() throws Exception {
    LocalCluster cluster = it.cluster();
    long now = System.currentTimeMillis();
    assertEquals(200, client.postSamples(cluster.gatewayUrl(), "console", List.of(new Sample("FIC101.PV", now - 60_000, 1, 192),
        new Sample("FIC101.PV", now, 2, 192))).httpStatus());
    WebDriver browser = HeadlessChromium.open(cluster);
    try {
      browser.get(cluster.gatewayUrl() + "/");
      WebDriverWait wait = HeadlessChromium.await(browser);
      for (String node : List.of("s1", "s2", "s3")) {
        wait.until(d -> HeadlessChromium.reachability(d, node).equals("reachable"));
      }
      wait.until(d -> d.findElements(By.cssSelector("#replicas tr[data-collector='console']")).size() == 3);
      browser.findElement(By.name("collector")).sendKeys("console");
      browser.findElement(By.name("tag")).sendKeys("FIC101.PV");
      browser.findElement(By.cssSelector("#trend-form button")).click();
      wait.until(d -> d.findElement(By.id("trend-note")).getText().startsWith("2 intervals from"));
      HeadlessChromium.screenshot(browser, "console");

      cluster.kill("s3");
      wait.until(d -> HeadlessChromium.reachability(d, "s3").equals("unreachable"));
      wait.until(d -> d.findElement(By.id("events")).getText().contains("MEMBER_UNREACHABLE"));
      HeadlessChromium.screenshot(browser, "console-s3-killed");
    } catch (TimeoutException e) {
      // What the browser showed (an error page names why it could not load the console).
      System.out.println("the console's page when the wait gave up:\n" + browser.getPageSource());
      throw e;
    } finally {
      browser.quit();
    }
  }
}

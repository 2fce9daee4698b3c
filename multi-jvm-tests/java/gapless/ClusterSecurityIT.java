package gapless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import gapless.api.dto.MemberInfo;
import gapless.client.GaplessClient;
import gapless.client.IngestResponse;
import gapless.client.NodeEvent;
import gapless.events.EventType;
import gapless.security.ApiTokens;
import gapless.security.ClusterCertificates;
import gapless.security.SecurityFiles;
import gapless.security.TlsContexts;
import gapless.tools.BackgroundLoad;
import gapless.tools.LocalCluster;
import gapless.tools.RecoveryTally;
import gapless.tools.SimulationResult;
import gapless.tools.SimulationSettings;
import gapless.tools.Verifier;
import gapless.tools.VerifyReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The secure example cluster ({@code conf/secure}, material from the jar's {@code gapless certs}),
 * as separate processes: it ingests, recovers from a {@code kill -9} and verifies with every link
 * mutual TLS and every request carrying a token; a node of another CA, and one without TLS, never
 * become members and the event log says so; a second system claiming a member's node id, and one
 * whose certificate was made for another node, are downed;
 * a node that would listen beyond loopback without security does not start.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterSecurityIT {

  private static final int PORT_OFFSET = 3400;
  private static final String VICTIM = "s3";
  private static final String STRANGER = "gw2";

  @RegisterExtension
  static final ItCluster it = new ItCluster(PORT_OFFSET, Duration.ofSeconds(120)).withSecurity().notStarting(STRANGER);

  @Test
  @Order(1)
  void ingestsRecoversAfterKillNineAndVerifiesOverTls() throws IOException {
    assertTrue(Files.readString(cluster().logFile("s1")).contains("transport [Artery tls-tcp]"), "Artery must run TLS");
    GaplessClient writer = client("writer");
    Path ledger = it.dir().resolve("ledger.jsonl");
    SimulationSettings load = new SimulationSettings(List.of(cluster().gatewayUrl()), 4, 5, 50, 10, 10_000,
        Duration.ofSeconds(90), ledger, 4, "sec", SimulationSettings.defaultStartTs());
    BackgroundLoad running = BackgroundLoad.start(writer, load, null);
    SimulationResult result;
    Instant restart;
    try {
      pause(Duration.ofSeconds(4));
      cluster().kill(VICTIM);
      pause(Duration.ofSeconds(5));
      restart = Instant.now();
      cluster().start(VICTIM);
      awaitRecovered(restart, load.collectorIds());
      pause(Duration.ofSeconds(1));
    } finally {
      result = running.stop();
    }
    System.out.println("secure load: " + result.summary());
    assertTrue(result.acked() > 0 && result.rejected() == 0, result.summary() + " " + result.firstErrors());
    VerifyReport report = new Verifier(client("reader"), cluster().gatewayUrl()).verify(ledger, Duration.ofSeconds(60), null);
    report.print(System.out);
    assertTrue(report.ok(), report.verdictLine());
  }

  @Test
  @Order(2)
  void tokensDecideWhoMayWriteAndRead() {
    byte[] body = "{\"samples\":[{\"tag\":\"t\",\"ts\":1700000000000,\"value\":1.0,\"quality\":192}]}"
        .getBytes(StandardCharsets.UTF_8);
    assertEquals(401, client(null).postSamples(cluster().gatewayUrl(), "tok-1", body).httpStatus());
    assertEquals(401, client("gpl_notAToken").postSamples(cluster().gatewayUrl(), "tok-1", body).httpStatus());
    IngestResponse refused = client("reader").postSamples(cluster().gatewayUrl(), "tok-1", body);
    assertEquals(403, refused.httpStatus(), refused.error());
    assertTrue(refused.error().contains("may not write to collector tok-1"), refused.error());
    assertEquals(200, client("writer").postSamples(cluster().gatewayUrl(), "tok-1", body).httpStatus());
    assertEquals(403, client("writer").postStatus(cluster().gatewayUrl(), "tok-1", "STOPPED", "test").httpStatus());
    assertEquals(403, client("writer").postStatus(cluster().gatewayUrl(), "tok-1", "RUNNING", "test").httpStatus());
    assertTrue(client("reader").status(cluster().storageUrl()).storageNodes().size() == 3);
  }

  /**
   * The console in a real Chromium over HTTPS: answered 401, it asks for a token, and with the
   * reader's it shows the members, the replicas and the event log (followed with fetch, since
   * EventSource cannot send a token). The browser skips the certificate check: what is tested is
   * the console, the API's TLS is tested above with the cluster's CA.
   */
  @Test
  @Order(3)
  void theConsoleAsksForATokenAndShowsTheClusterWithIt() throws IOException {
    WebDriver browser = HeadlessChromium.open(cluster(), "--ignore-certificate-errors");
    try {
      browser.get(cluster().gatewayUrl() + "/");
      WebDriverWait wait = HeadlessChromium.await(browser);
      wait.until(d -> d.findElement(By.id("token-form")).isDisplayed());
      assertEquals("", HeadlessChromium.reachability(browser, "s1"), "nothing shown without a token");
      WebElement token = browser.findElement(By.name("token"));
      token.sendKeys(it.token("reader"));
      token.submit();
      for (String node : List.of("s1", "s2", "s3")) {
        wait.until(d -> HeadlessChromium.reachability(d, node).equals("reachable"));
      }
      wait.until(d -> !d.findElements(By.cssSelector("#replicas tr[data-collector='tok-1']")).isEmpty());
      wait.until(d -> d.findElement(By.id("events")).getText().contains("RECOVERY_COMPLETED"));
      HeadlessChromium.screenshot(browser, "console-secure");
    } catch (TimeoutException e) {
      System.out.println("the console's page when the wait gave up:\n" + browser.getPageSource());
      throw e;
    } finally {
      browser.quit();
    }
  }

  @Test
  @Order(4)
  void aNodeOfAnotherCaOrWithoutTlsNeverBecomesAMemberAndTheEventLogSaysSo() {
    SecurityFiles foreign = new SecurityFiles(it.dir().resolve("foreign-certs"));
    new ClusterCertificates(foreign).create(List.of(new ClusterCertificates.NodeName(STRANGER, List.of())));
    ApiTokens.createInitial(foreign, new SecureRandom());
    // gw2 never ran in this cluster: its ports are the stranger's.
    Instant since = Instant.now();
    cluster().startWith(STRANGER, List.of("-Dgapless.security.dir=" + foreign.dir().toAbsolutePath()));
    NodeEvent own = awaitEvent(e -> e.is(EventType.PEER_REFUSED) && e.node().equals(STRANGER), since, "the stranger's own PEER_REFUSED");
    NodeEvent inbound = awaitEvent(e -> e.is(EventType.PEER_REFUSED) && !e.node().equals(STRANGER), since,
        "a PEER_REFUSED on a cluster node");
    System.out.println("foreign CA: " + own.readable() + "\n            " + inbound.readable());
    assertNotMember(STRANGER);

    cluster().kill(STRANGER);
    cluster().wipeData(STRANGER);
    Instant plain = Instant.now();
    cluster().startWith(STRANGER, List.of("-Dgapless.security.enabled=off"));
    NodeEvent noTls = awaitEvent(e -> e.is(EventType.PEER_REFUSED) && !e.node().equals(STRANGER), plain,
        "a PEER_REFUSED on a cluster node for the node without TLS");
    System.out.println("no TLS:     " + noTls.readable());
    assertNotMember(STRANGER);
    cluster().kill(STRANGER);
  }

  @Test
  @Order(5)
  void aSecondSystemClaimingAMembersNodeIdIsDownedAndTheEventLogSaysSo() {
    cluster().wipeData(STRANGER);
    Instant since = Instant.now();
    // gw2's ports and the cluster's own certificates, but the node id of gw1, which is a member.
    cluster().startWith(STRANGER, List.of("-Dgapless.node-id=gw1", "-Dgapless.log-dir=" + it.dir().resolve("impostor-logs")));
    NodeEvent taken = awaitEvent(e -> e.is(EventType.NODE_ID_TAKEN), since, "NODE_ID_TAKEN");
    System.out.println("impostor:   " + taken.readable());
    assertTrue(taken.readable().contains("claims node id gw1"), taken.readable());
    awaitNotUp(STRANGER);
    cluster().kill(STRANGER);
  }

  @Test
  @Order(6)
  void aCertificateMadeForAnotherNodeCannotClaimANewId() throws IOException {
    // A copy of gw2's keystore under the name gw9: a certificate of the cluster CA, but for gw2.
    Path copy = it.dir().resolve("copied-certs");
    Files.createDirectories(copy);
    try (var files = Files.list(it.securityDir())) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    Files.copy(copy.resolve(STRANGER + ".p12"), copy.resolve("gw9.p12"));
    cluster().wipeData(STRANGER);
    Instant since = Instant.now();
    cluster().startWith(STRANGER, List.of("-Dgapless.node-id=gw9", "-Dgapless.security.dir=" + copy,
        "-Dgapless.log-dir=" + it.dir().resolve("copy-logs")));
    NodeEvent taken = awaitEvent(e -> e.is(EventType.NODE_ID_TAKEN), since, "NODE_ID_TAKEN for the copied certificate");
    System.out.println("copied:     " + taken.readable());
    assertTrue(taken.readable().contains("claims node id gw9, but its certificate is " + STRANGER + "'s"), taken.readable());
    awaitNotUp(STRANGER);
    cluster().kill(STRANGER);
  }

  private static void awaitNotUp(String node) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int port = cluster().arteryPort(node);
    while (client("reader").status(cluster().gatewayUrl()).members().stream()
        .anyMatch(m -> m.address().endsWith(":" + port) && m.status().equals("Up"))) {
      if (System.nanoTime() > deadline) {
        fail("the node on " + node + "'s ports is still an Up member");
      }
      pause(Duration.ofMillis(500));
    }
  }

  @Test
  @Order(7)
  void protectedModeRefusesAnAddressBeyondLoopbackWithoutSecurity() throws Exception {
    Path out = it.dir().resolve("exposed.out");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dgapless.http.host=0.0.0.0", "-Dgapless.data-dir=" + it.dir().resolve("exposed"),
        "-jar", System.getProperty("gapless.jar", "target/gapless.jar"), "node", "--config", "conf/gw2.conf")
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("a node listening on 0.0.0.0 without security started: " + Files.readString(out));
    }
    String said = Files.readString(out);
    assertNotEquals(0, p.exitValue(), said);
    assertTrue(said.contains("listens on HTTP 0.0.0.0") && said.contains("protected mode"), said);
  }

  private static void assertNotMember(String node) {
    int port = cluster().arteryPort(node);
    List<MemberInfo> members = client("reader").status(cluster().gatewayUrl()).members();
    assertTrue(members.stream().noneMatch(m -> m.address().endsWith(":" + port)), node + " became a member: " + members);
  }

  private static GaplessClient client(String token) {
    String t = token == null ? null : Optional.ofNullable(it.token(token)).orElse(token);
    return new GaplessClient(new GaplessClient.Credentials(Optional.ofNullable(t),
        Optional.of(TlsContexts.trusting(new SecurityFiles(it.securityDir()).caPem()))));
  }

  private static void awaitRecovered(Instant since, List<String> ids) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!RecoveryTally.of(cluster().events(), VICTIM, since).notCompleted(ids).isEmpty()) {
      if (System.nanoTime() > deadline) {
        fail(VICTIM + " did not complete recovery of " + RecoveryTally.of(cluster().events(), VICTIM, since).notCompleted(ids));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
  }

  private static NodeEvent awaitEvent(Predicate<NodeEvent> p, Instant since, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    while (true) {
      Optional<NodeEvent> e = cluster().events().stream().filter(x -> !x.time().isBefore(since)).filter(p).findFirst();
      if (e.isPresent()) {
        return e.get();
      }
      if (System.nanoTime() > deadline) {
        fail("no " + what + " within 45 s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
  }

  private static void pause(Duration d) {
    LockSupport.parkNanos(d.toNanos());
  }

  private static LocalCluster cluster() {
    return it.cluster();
  }
}

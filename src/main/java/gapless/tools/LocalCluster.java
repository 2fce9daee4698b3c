package gapless.tools;

import gapless.client.EventTail;
import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import gapless.client.NodeEvent;
import gapless.security.SecurityFiles;
import gapless.security.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A cluster of Gapless nodes on this machine, each a child JVM of the shaded jar, for the demo,
 * the benchmark and the multi-JVM tests. Every node gets {@code <base>/data/<id>} and logs to
 * {@code <base>/logs}; its console goes to {@code <base>/logs/<id>.out}. A port offset moves every
 * Artery and HTTP port (and the seed list) so several clusters can share a machine.
 *
 * <p>Nodes can be killed (SIGKILL), stopped (SIGTERM), paused and resumed (SIGSTOP/SIGCONT), and
 * started again with the same id and data, which is what fault scenarios need.
 */
public final class LocalCluster implements AutoCloseable {

  public static final List<String> DEFAULT_NODES = List.of("s1", "s2", "s3", "gw1", "gw2");

  private final Path jar;
  private final Path baseDir;
  private final Map<String, NodeLayout> layouts = new LinkedHashMap<>();
  private final Map<String, LocalNode> processes = new LinkedHashMap<>();
  /** Nodes killed or stopped through this class: their exit is not a failure for awaitUp. */
  private final Set<String> stopped = new HashSet<>();
  // Patient enough for a node that is busy replaying and recovering right after a restart: a slow
  // status is "not up yet" anyway, and its answer says more than a timeout.
  private GaplessClient client = new GaplessClient(Duration.ofSeconds(1), Duration.ofSeconds(10));
  private List<String> jvmOptions = NODE_JVM;
  private final ClassArchive classArchive;
  private Path securityDir;
  // Interrupted (Ctrl-C, a build's timeout): no node outlives the process that started it.
  private final Thread closeOnExit = new Thread(this::close, "gapless-local-cluster-cleanup");
  // Once closed, nothing starts again: the tool's own thread runs on while the hook stops the nodes.
  private boolean closed;

  /**
   * @param jar        the shaded gapless jar
   * @param confDir    directory holding {@code <id>.conf} for every node id
   * @param baseDir    where data and logs go
   * @param nodeIds    the nodes of this cluster, e.g. {@link #DEFAULT_NODES}
   * @param portOffset added to every Artery and HTTP port
   */
  public LocalCluster(Path jar, Path confDir, Path baseDir, List<String> nodeIds, int portOffset) {
    if (!Files.isRegularFile(jar)) {
      throw new GaplessClientException("gapless jar not found: " + jar + " (build it with mvn package)");
    }
    this.jar = jar.toAbsolutePath();
    this.classArchive = new ClassArchive(this.jar);
    this.baseDir = baseDir.toAbsolutePath();
    for (String id : nodeIds) {
      layouts.put(id, NodeLayout.read(confDir.toAbsolutePath(), id, portOffset));
    }
    Runtime.getRuntime().addShutdownHook(closeOnExit);
  }

  /**
   * The JVM options of a local node: the heap every node is sized for, and the C1 compiler only.
   * Five JVMs share this machine's 2 cores: their C2 compilers took most of a core for minutes
   * after a start, and {@code bench ingest} used 1.3x the CPU per acked sample with them
   * (docs/BENCHMARKS.md). A server with cores to spare, running for months, may leave C2 on.
   */
  public static final List<String> NODE_JVM = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1");

  /** {@link #NODE_JVM}, then {@code more} (overrides, a test's options). */
  public static List<String> nodeJvm(List<String> more) {
    List<String> options = new ArrayList<>(NODE_JVM);
    options.addAll(more);
    return options;
  }

  /** JVM options every node gets before the {@code -D} overrides (default {@link #NODE_JVM}). */
  public LocalCluster jvmOptions(List<String> options) {
    this.jvmOptions = List.copyOf(options);
    return this;
  }

  /**
   * For a cluster whose config turns security on ({@code conf/secure}): every node reads its
   * certificates and tokens from {@code dir} (made by {@code gapless certs}), and this class asks
   * the nodes over HTTPS, trusting the CA there, with {@code token}.
   */
  public LocalCluster secured(Path dir, String token) {
    this.securityDir = dir.toAbsolutePath();
    this.client = new GaplessClient(Duration.ofSeconds(1), Duration.ofSeconds(10), new GaplessClient.Credentials(
        Optional.of(token), Optional.of(TlsContexts.trusting(
            new SecurityFiles(securityDir).caPem()))));
    return this;
  }

  /**
   * Gives every node its own loopback address, 127.0.0.11 for the first configured node, .12 for
   * the next, ...: it serves HTTP and Artery there and opens its Artery connections from there, so
   * {@link NetworkFaults} can cut the link between two nodes. Call before starting any node.
   */
  public LocalCluster ownAddresses() {
    Map<Integer, String> hostOfPort = new java.util.HashMap<>();
    int i = 11;
    for (NodeLayout n : layouts.values()) {
      hostOfPort.put(n.arteryPort(), "127.0.0." + i++);
    }
    layouts.replaceAll((id, n) -> n.at(hostOfPort.get(n.arteryPort()), hostOfPort::get));
    return this;
  }

  /** The loopback address node {@code id} serves and connects from. */
  public String host(String id) {
    return node(id).host();
  }

  /** The Artery port of node {@code id}. */
  public int arteryPort(String id) {
    return node(id).arteryPort();
  }

  public List<String> nodeIds() {
    return List.copyOf(layouts.keySet());
  }

  public URI httpUrl(String id) {
    return URI.create((securityDir == null ? "http://" : "https://") + node(id).host() + ":" + node(id).httpPort());
  }

  /** The first configured node with the gateway role, else the first configured node. */
  public URI gatewayUrl() {
    for (NodeLayout n : layouts.values()) {
      if (n.roles().contains("gateway")) {
        return httpUrl(n.id());
      }
    }
    return httpUrl(layouts.keySet().iterator().next());
  }

  /** Every node with the gateway role, in configured order. */
  public List<URI> gatewayUrls() {
    List<URI> urls = layouts.values().stream().filter(n -> n.roles().contains("gateway")).map(n -> httpUrl(n.id())).toList();
    return urls.isEmpty() ? List.of(gatewayUrl()) : urls;
  }

  /** The first storage node of the cluster. */
  public URI storageUrl() {
    for (NodeLayout n : layouts.values()) {
      if (n.roles().contains("storage")) {
        return httpUrl(n.id());
      }
    }
    return gatewayUrl();
  }

  public Path baseDir() {
    return baseDir;
  }

  public Path logFile(String id) {
    return logDir().resolve(id + ".out");
  }

  /** The directory of every node's console output and event file. */
  public Path logDir() {
    return baseDir.resolve("logs");
  }

  /** The data directory of node {@code id}. */
  public Path dataDir(String id) {
    node(id);
    return baseDir.resolve("data").resolve(id);
  }

  /**
   * Deletes node {@code id}'s data directory, so that its next start is a replacement node with the
   * same id and an empty disk. The node must not be running.
   */
  public synchronized void wipeData(String id) {
    if (isRunning(id)) {
      throw new IllegalStateException("node " + id + " is running; stop or kill it before wiping its data");
    }
    ClusterFiles.deleteTree(dataDir(id));
  }

  /** Every event any node of this cluster wrote to its event file so far, oldest first. */
  public List<NodeEvent> events() {
    return EventTail.readAll(logDir());
  }

  public synchronized void startAll() {
    for (String id : layouts.keySet()) {
      start(id);
    }
  }

  /**
   * How long a fresh cluster of a tool is given to come up: five JVMs starting at once on two
   * cores, each compiling its code, take most of a minute.
   */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  /** Starts every node and waits until all are up ({@link #awaitUp}, {@link #START_TIMEOUT}). */
  public void startAllAndAwaitUp() {
    startAll();
    awaitUp(START_TIMEOUT);
  }

  /** Starts node {@code id} (again, after a kill or stop: same id, same data). */
  public synchronized void start(String id) {
    startWith(id, List.of());
  }

  /** The same, with more JVM options after every other one (a {@code -D} here wins). */
  public synchronized void startWith(String id, List<String> moreOptions) {
    if (closed) {
      throw new IllegalStateException("the local cluster in " + baseDir + " is closed: node " + id + " is not started");
    }
    NodeLayout n = node(id);
    LocalNode running = processes.get(id);
    if (running != null && running.isAlive()) {
      throw new IllegalStateException("node " + id + " is already running (pid " + running.pid() + ")");
    }
    Path data = dataDir(id);
    Path logs = logDir();
    try {
      Files.createDirectories(data);
      Files.createDirectories(logs);
      List<String> options = new ArrayList<>(jvmOptions);
      options.addAll(classArchive.optionsFor(id));
      if (securityDir != null) {
        options.add("-Dgapless.security.dir=" + securityDir);
      }
      options.addAll(moreOptions);
      processes.put(id, LocalNode.start(n.command(options, jar, data, logs), baseDir, logFile(id)));
      stopped.remove(id);
    } catch (IOException e) {
      throw new GaplessClientException("cannot start node " + id + ": " + GaplessClientException.describe(e), 0, e);
    }
  }

  /** True when node {@code id} has a live process (it may still be starting, or paused). */
  public synchronized boolean isRunning(String id) {
    LocalNode p = processes.get(id);
    return p != null && p.isAlive();
  }

  /**
   * Waits until every running node answers {@code /api/v1/status} and sees every running node as
   * an Up, reachable member, and every running storage node registered.
   *
   * @throws GaplessClientException at the timeout, or at once when a node process exits
   */
  public void awaitUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastProblem = "";
    while (true) {
      List<String> running;
      synchronized (this) {
        running = new ArrayList<>();
        for (Map.Entry<String, LocalNode> e : processes.entrySet()) {
          if (e.getValue().isAlive()) {
            running.add(e.getKey());
          } else if (!stoppedOnPurpose(e.getKey())) {
            throw new GaplessClientException("node " + e.getKey() + " exited with code " + e.getValue().exitValue()
                + "; last output: " + e.getValue().lastLine());
          }
        }
      }
      String problem = UpCheck.problem(client, running.stream().map(this::node).toList(), n -> httpUrl(n.id()));
      if (problem == null) {
        return;
      }
      lastProblem = problem;
      if (System.nanoTime() >= deadline) {
        throw new GaplessClientException("cluster not up after " + timeout.toSeconds() + " s: " + lastProblem);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }
  }

  /** SIGKILL: the node gets no chance to record anything. Waits until the process is gone. */
  public void kill(String id) {
    processOf(id).kill();
    exited(id);
  }

  /** SIGTERM, and waits for the clean shutdown (bounded; then SIGKILL). */
  public void stop(String id) {
    processOf(id).stop();
    exited(id);
  }

  /** SIGSTOP: the node freezes, as on a long GC pause or a hung VM. */
  public void pause(String id) {
    signal(id, "STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume(String id) {
    signal(id, "CONT");
  }

  public long pid(String id) {
    return processOf(id).pid();
  }

  /** Stops every node: SIGCONT (a paused JVM cannot shut down), SIGTERM, bounded waits, then SIGKILL. */
  @Override
  public synchronized void close() {
    closed = true;
    List<LocalNode> alive = new ArrayList<>();
    for (LocalNode p : processes.values()) {
      if (p.isAlive()) {
        p.terminate();
        alive.add(p);
      }
    }
    long deadline = System.nanoTime() + LocalNode.STOP_WAIT.toNanos();
    for (LocalNode p : alive) {
      p.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), Duration.ofSeconds(10));
    }
    processes.keySet().forEach(this::exited);
    if (Thread.currentThread() != closeOnExit) {
      try {
        Runtime.getRuntime().removeShutdownHook(closeOnExit);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs (or ran) close() as well: nothing left to stop.
      }
    }
  }

  /** Node {@code id} was stopped or killed through this class, and has exited. */
  private synchronized void exited(String id) {
    stopped.add(id);
    LocalNode p = processes.get(id);
    if (!p.isAlive()) {
      classArchive.exited(id, p.exitValue());
    }
  }

  private synchronized boolean stoppedOnPurpose(String id) {
    return stopped.contains(id);
  }

  private synchronized LocalNode processOf(String id) {
    node(id);
    LocalNode p = processes.get(id);
    if (p == null) {
      throw new IllegalStateException("node " + id + " was never started");
    }
    return p;
  }

  private NodeLayout node(String id) {
    NodeLayout n = layouts.get(id);
    if (n == null) {
      throw new IllegalArgumentException("no node " + id + " in this cluster " + layouts.keySet());
    }
    return n;
  }

  private void signal(String id, String signal) {
    LocalNode p = processOf(id);
    if (!p.isAlive()) {
      throw new IllegalStateException("node " + id + " is not running");
    }
    if (!p.signal(signal)) {
      throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed");
    }
  }
}

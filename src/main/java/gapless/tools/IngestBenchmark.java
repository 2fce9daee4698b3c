package gapless.tools;

import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Acknowledged ingest throughput of a local cluster, next to two baselines of the same machine
 * measured in the same run: the raw LevelDB key write rate, and what the sample store alone takes
 * ({@link SampleStoreBaseline}: the same batches, as many stores as replicas), written into the
 * ingest section of the benchmarks document. Progress and the section go to the given stream as
 * the run goes.
 */
public final class IngestBenchmark {

  /**
   * What to run.
   *
   * @param local           where the cluster comes from, its port offset, whether to keep its files
   * @param baseline        the raw LevelDB baseline and the document to update
   * @param durationSeconds seconds of measured load
   * @param warmupSeconds   seconds of unmeasured load first
   * @param collectors      collectors, each with at most one batch in flight
   * @param tags            tags per batch
   * @param samplesPerTag   samples of each tag per batch
   * @param format          the request bodies' format
   */
  public record Settings(LocalClusterSettings local, BaselineSettings baseline, long durationSeconds, long warmupSeconds,
      int collectors, int tags, int samplesPerTag, IngestFormat format) {}

  /**
   * What a run measured.
   *
   * @param load    the measured load
   * @param cpu     the CPU time each JVM used during it
   * @param section the section written into the document
   */
  public record Result(SimulationResult load, CpuTimes cpu, String section) {

    /** True when the cluster acknowledged any batch. */
    public boolean ok() {
      return load.acked() > 0;
    }
  }

  private static final int MAX_STORE_WRITERS = 32;
  private static final long DAY_MS = Duration.ofDays(1).toMillis();
  /** The first batches of thousands of new collectors may take minutes; the pass stops here, whatever is left. */
  private static final Duration FIRST_BATCHES_CAP = Duration.ofMinutes(10);
  private static final Duration STORE_WARMUP = Duration.ofSeconds(3);

  private IngestBenchmark() {}

  /** Runs the load and the baseline; prints progress and the section to {@code out}, and writes the section. */
  public static Result run(Settings s, PrintStream out) throws IOException {
    return s.local().inTempDir("gapless-bench-", out, base -> run(s, base, out));
  }

  private static Result run(Settings s, Path base, PrintStream out) throws IOException {
    GaplessClient client = new GaplessClient();
    SimulationResult firstBatches;
    CpuTimes firstBatchesCpu;
    SimulationResult load;
    CpuTimes cpu;
    NodeMemory memory;
    try (LocalCluster cluster = s.local().configuredCluster(base)) {
      out.println("bench: starting the cluster in " + base);
      cluster.startAllAndAwaitUp();
      // The warm-up (its own few collectors) readies the JVMs; then the measured collectors each send a
      // first batch, which starts them in the cluster: how fast new collectors come in. They run for
      // the warm-up's length again (a new replica's first confirmations with its siblings come up to
      // replica.confirm-max-delay later), and only then is the load measured: collectors that are
      // running, not ones starting. Each run's samples lie a day after the one before: none overlap.
      long now = SimulationSettings.defaultStartTs();
      warmUp(s, out, client, cluster, "warmup", SimulationSettings.defaultConcurrency(s.collectors()),
          now - 3 * DAY_MS);
      out.printf("bench: the first batch of each of %d new collectors%n", s.collectors());
      CpuTimes beforeFirst = CpuTimes.read(cluster);
      firstBatches = new Simulator(client).batchesEach(1)
          .run(settings(s, cluster, "bench", s.collectors(), FIRST_BATCHES_CAP.toSeconds(), now - 2 * DAY_MS), out);
      firstBatchesCpu = CpuTimes.read(cluster).since(beforeFirst);
      warmUp(s, out, client, cluster, "bench", s.collectors(), now - DAY_MS);
      out.printf("bench: %d collectors x %d tags x %d samples/tag, %s bodies, flat out, %d s%n", s.collectors(), s.tags(),
          s.samplesPerTag(), s.format().label(), s.durationSeconds());
      CpuTimes before = CpuTimes.read(cluster);
      NodeMemory memoryBefore = NodeMemory.read(cluster, client);
      load = new Simulator(client).run(settings(s, cluster, "bench", s.collectors(), s.durationSeconds(), now), out);
      cpu = CpuTimes.read(cluster).since(before);
      memory = NodeMemory.read(cluster, client).since(memoryBefore);
    }
    // The cluster is down before the baseline runs, so both numbers get the whole machine.
    BaselineSettings b = s.baseline();
    out.printf("bench: raw LevelDB baseline, %,d keys x %d B%n", b.rawKeys(), b.rawValueBytes());
    RawLevelDbBaseline.Result seq = raw(b, base.resolve("raw-sequential"), true, out);
    RawLevelDbBaseline.Result rnd = raw(b, base.resolve("raw-random"), false, out);
    StoreCeiling store = storeAlone(s, base.resolve("store-alone"), out);
    BenchmarkSection section = section(s, new NewCollectors(firstBatches, firstBatchesCpu), load, cpu, memory, seq, rnd,
        store);
    section.publish(b.document(), out);
    return new Result(load, cpu, section.text());
  }

  private static void warmUp(Settings s, PrintStream out, GaplessClient client, LocalCluster cluster, String prefix,
      int collectors, long startTs) {
    if (s.warmupSeconds() > 0) {
      out.printf("bench: warm-up %d s, %d collectors%n", s.warmupSeconds(), collectors);
      new Simulator(client).run(settings(s, cluster, prefix, collectors, s.warmupSeconds(), startTs), null);
    }
  }

  private static SimulationSettings settings(Settings s, LocalCluster cluster, String prefix, int collectors, long seconds,
      long startTs) {
    return SimulationSettings.of(cluster.gatewayUrls(), collectors, s.tags(), s.samplesPerTag(), 0,
        Duration.ofSeconds(seconds), null, prefix).withFormat(s.format()).startingAt(startTs);
  }

  /** Each JVM's CPU time during the measured load, per million acked samples, and all of them together. */
  private static String cpuPerMillion(CpuTimes cpu, SimulationResult load) {
    double millions = load.samplesAcked() / 1e6;
    if (millions == 0) {
      return "no sample acked";
    }
    return cpu.per(millions, 1) + String.format(" (over %.1f CPU s in all)", cpu.total().toMillis() / 1000.0);
  }

  private static RawLevelDbBaseline.Result raw(BaselineSettings b, Path dir, boolean sequential, PrintStream out) {
    RawLevelDbBaseline.Result r = b.measure(dir, sequential);
    out.printf("  %s keys: %,.0f keys/s%n", sequential ? "sequential" : "random", r.keysPerSecond());
    return r;
  }

  /** The sample store alone, with the load's batch shape and a store per replica. */
  private record StoreCeiling(int stores, int writersPerStore, SampleStoreBaseline.Result result) {}

  private static StoreCeiling storeAlone(Settings s, Path dir, PrintStream out) {
    int stores = replicationFactor(s);
    // A writer per collector, as each replica has its group in flight; capped so that thousands of
    // collectors of small batches do not start thousands of threads.
    int writers = Math.min(s.collectors(), MAX_STORE_WRITERS);
    Duration measured = Duration.ofSeconds(Math.min(s.durationSeconds(), 20));
    out.printf("bench: the sample store alone, %d stores x %d writers, %d s%n", stores, writers, measured.toSeconds());
    try {
      SampleStoreBaseline.Result r = SampleStoreBaseline.measure(dir, stores, writers, s.tags(), s.samplesPerTag(),
          STORE_WARMUP, measured);
      out.printf("  %,.0f samples/s%n", r.samplesPerSecond());
      return new StoreCeiling(stores, writers, r);
    } catch (Exception e) {
      throw new GaplessClientException("sample store baseline failed: " + GaplessClientException.describe(e), 0, e);
    }
  }

  private static int replicationFactor(Settings s) {
    return BenchmarkSection.gatewayConfig(s.local().confDir()).getInt("gapless.replication-factor");
  }

  /** Every measured collector's first batch, and the CPU time each JVM used meanwhile. */
  private record NewCollectors(SimulationResult load, CpuTimes cpu) {

    String describe(int collectors) {
      long started = load.acked();
      return String.format("%d of %d acked in %.1f s: %,.0f new collectors/s; latency p50 %.1f ms, p99 %.1f ms, %d errors;"
          + " CPU ms per new collector: %s", started, collectors, load.seconds(), started / load.seconds(),
          load.p50Micros() / 1000.0, load.p99Micros() / 1000.0, load.errors(),
          started == 0 ? "none started" : cpu.per(started, 1000));
    }
  }

  private static BenchmarkSection section(Settings s, NewCollectors firstBatches, SimulationResult load, CpuTimes cpu,
      NodeMemory memory, RawLevelDbBaseline.Result seq, RawLevelDbBaseline.Result rnd, StoreCeiling store) {
    int rf = replicationFactor(s);
    BaselineSettings b = s.baseline();
    // One section per body format and node layout: they stay in the document side by side.
    boolean json = s.format() == IngestFormat.JSON;
    Path conf = s.local().confDir();
    boolean defaultLayout = ClusterFiles.nodeIds(conf).equals(LocalCluster.DEFAULT_NODES);
    String layoutKey = defaultLayout ? "" : "-" + conf.getFileName();
    return new BenchmarkSection((json ? "ingest-json" : "ingest") + layoutKey,
        (json ? "Ingest, JSON bodies" : "Ingest, binary bodies") + (defaultLayout ? "" : ", " + BenchmarkSection.layout(conf)),
        "bench ingest " + (defaultLayout ? "" : "--conf " + conf + " ") + "--format " + s.format().label()
        + " --duration " + s.durationSeconds() + " --warmup " + s.warmupSeconds() + " --collectors " + s.collectors()
        + " --tags " + s.tags() + " --samples-per-tag " + s.samplesPerTag())
        .clusterRow(conf, "")
        .row("new collectors (the first batch of each, after the warm-up)", firstBatches.describe(s.collectors()))
        .row("load", String.format("the same %d collectors, batches of %d tags x %d samples (%d samples), %d requests in"
            + " flight, %d s; a warm-up of %d s before their first batches and again after", s.collectors(), s.tags(),
            s.samplesPerTag(), s.tags() * s.samplesPerTag(), SimulationSettings.defaultConcurrency(s.collectors()),
            s.durationSeconds(), s.warmupSeconds()))
        .row("acked samples/s", String.format("%,.0f", load.samplesPerSecond()))
        .row("encoded input", String.format("%.2f MB/s in the batch encoding (%.2f MB/s of request bodies)",
            load.encodedMegabytesPerSecond(), load.bodyMegabytesPerSecond()))
        .row("ack latency", String.format("p50 %.1f ms, p99 %.1f ms", load.p50Micros() / 1000.0, load.p99Micros() / 1000.0))
        .row("batches", String.format("%d acked (200: %d, 202: %d), %d errors", load.acked(), load.ok200(),
            load.buffered202(), load.errors()))
        .row("CPU seconds per million acked samples", cpuPerMillion(cpu, load))
        .row("heap after GC at the end (of -Xmx512m); GC pauses during the load", memory.describe())
        .row(String.format("raw LevelDB, %,d keys x %d B, sequential keys", b.rawKeys(), b.rawValueBytes()),
            String.format("%,.0f keys/s", seq.keysPerSecond()))
        .row(String.format("raw LevelDB, %,d keys x %d B, random keys", b.rawKeys(), b.rawValueBytes()),
            String.format("%,.0f keys/s", rnd.keysPerSecond()))
        .row("acked samples/s : raw sequential keys/s", String.format(
            "%.3f (each acked sample is stored %d times on this one machine)", load.samplesPerSecond() / seq.keysPerSecond(), rf))
        .row(String.format("the sample store alone: %d stores in one process, %d writers each, a synced write per batch of"
            + " the same shape with its tag index; no HTTP, actors, journal or network", store.stores(), store.writersPerStore()),
            String.format("%,.0f samples/s (each stored %d times), %,.0f store writes/s, %.1f CPU s per million samples",
                store.result().samplesPerSecond(), store.stores(), store.result().writesPerSecond(), store.result().cpuPerMillion()))
        .row("acked samples/s : the sample store alone", String.format("%.3f", load.samplesPerSecond() / store.result().samplesPerSecond()));
  }
}

package gapless.tools;

import com.fasterxml.jackson.databind.JsonNode;
import gapless.api.dto.QueryAnswer;
import gapless.api.dto.TagResults;
import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import gapless.client.IngestResponse;
import gapless.model.Sample;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * How fast one storage node reads history back: samples/s of a raw read of one tag over a long
 * range (paged at the API's limit, as a client exporting a tag would), and of one aggregate
 * request over many tags, both against one node's own replica ({@code replica=local}) through the
 * HTTP API. Next to them, the raw LevelDB scan rate of the same run: a full scan of a database
 * holding one 16-byte key and value per sample. Writes the query section of the benchmarks document.
 */
public final class QueryBenchmark {

  /** Where the history starts: 2026-01-01T00:00Z, one sample a second per tag. */
  static final long START = 1_767_225_600_000L;
  private static final long SPACING_MS = 1000;
  private static final String ONE = "bench-query-one";
  private static final String MANY = "bench-query-many";
  private static final String NODE = "s1";
  /** Samples per loaded batch, whichever collector. */
  private static final int BATCH_SAMPLES = 5000;

  /**
   * What to run.
   *
   * @param samples samples of the one-tag collector, and of the many-tag collector in all
   * @param tags    tags of the many-tag collector (at most 100: one request)
   * @param rounds  times each read is run; the first warms the node up
   */
  public record Settings(LocalClusterSettings local, BaselineSettings baseline, int samples, int tags, int rounds) {}

  /** One kind of read, run {@code rounds} times: samples/s of each round, and the node's CPU time in all of them. */
  record Reads(String what, double[] samplesPerSecond, Duration nodeCpu, int requests) {

    double median() {
      double[] sorted = samplesPerSecond.clone();
      Arrays.sort(sorted);
      return sorted[sorted.length / 2];
    }
  }

  private final Settings s;
  private final PrintStream out;
  private final GaplessClient client = new GaplessClient(Duration.ofSeconds(2), Duration.ofSeconds(60));

  private QueryBenchmark(Settings s, PrintStream out) {
    this.s = s;
    this.out = out;
  }

  /**
   * Loads the history, runs the reads and the baseline, writes the section. A read that does not
   * return every sample loaded is a {@link GaplessClientException}.
   */
  public static void run(Settings s, PrintStream out) throws IOException {
    s.local().inTempDir("gapless-bench-query-", out, dir -> new QueryBenchmark(s, out).run(dir));
  }

  private Void run(Path dir) throws IOException {
    Reads raw;
    Reads rawBinary;
    Reads rawMany;
    Reads rawManyBinary;
    Reads aggregate;
    try (LocalCluster cluster = s.local().cluster(dir)) {
      out.println("bench: starting the cluster in " + dir);
      cluster.startAllAndAwaitUp();
      List<String> tags = IntStream.range(0, s.tags()).mapToObj(i -> String.format("tag-%03d", i)).toList();
      out.printf("bench: loading %,d samples of one tag and %,d over %d tags, one a second per tag%n", s.samples(),
          s.samples(), s.tags());
      load(cluster, tags);
      URI node = cluster.httpUrl(NODE);
      raw = measure(cluster, "raw read of one tag", () -> rawRead(node, false));
      rawBinary = measure(cluster, "raw read of one tag, format=binary", () -> rawRead(node, true));
      rawMany = measure(cluster, "raw read of " + s.tags() + " tags", () -> rawManyRead(node, tags, false));
      rawManyBinary = measure(cluster, "raw read of " + s.tags() + " tags, format=binary", () -> rawManyRead(node, tags, true));
      aggregate = measure(cluster, "aggregate of " + s.tags() + " tags", () -> aggregateRead(node, tags, "1h"));
    }
    BaselineSettings b = s.baseline();
    out.printf("bench: raw LevelDB baseline, %,d keys x %d B written, then scanned%n", b.rawKeys(), b.rawValueBytes());
    Path rawDir = dir.resolve("raw-scan");
    b.measure(rawDir, true);
    // The median of as many scans as read rounds: one scan of a million keys takes well under a second, and varies.
    List<RawLevelDbBaseline.Result> scans = new ArrayList<>();
    for (int r = 0; r < s.rounds(); r++) {
      scans.add(b.scan(rawDir));
      out.printf("  scan %d: %,.0f keys/s%n", r + 1, scans.get(r).keysPerSecond());
    }
    scans.sort(Comparator.comparingDouble(RawLevelDbBaseline.Result::keysPerSecond));
    RawLevelDbBaseline.Result scan = scans.get(scans.size() / 2);
    section(List.of(raw, rawBinary, rawMany, rawManyBinary, aggregate), scan).publish(b.document(), out);
    return null;
  }

  /** One read: how many samples it returned, and in how many requests. */
  private record Read(long samples, int requests) {}

  private Reads measure(LocalCluster cluster, String what, Supplier<Read> read) {
    double[] rates = new double[s.rounds()];
    CpuTimes before = CpuTimes.read(cluster);
    int requests = 0;
    for (int r = 0; r < s.rounds(); r++) {
      long start = System.nanoTime();
      Read done = read.get();
      long nanos = System.nanoTime() - start;
      if (done.samples() != s.samples()) {
        throw new GaplessClientException(what + " returned " + done.samples() + " samples, not the " + s.samples() + " loaded");
      }
      rates[r] = done.samples() * 1e9 / nanos;
      requests = done.requests();
      out.printf("  %s, round %d: %,.0f samples/s (%d %s)%n", what, r + 1, rates[r], requests, requests == 1 ? "request" : "requests");
    }
    return new Reads(what, rates, CpuTimes.read(cluster).since(before).of(NODE), requests);
  }

  /** The one tag from start to end, a page at a time: each next page from the last sample's ts + 1. */
  private Read rawRead(URI node, boolean binary) {
    long from = START;
    long to = START + (s.samples() - 1) * SPACING_MS;
    long samples = 0;
    int requests = 0;
    while (true) {
      QueryAnswer page = binary
          ? client.getColumns(node, GaplessClient.samplesPath(ONE, List.of("flow"), range(from, to, "binary"))).get(0)
          : client.query(node, ONE, "flow", from, to, null, true);
      requests++;
      samples += page.samples().size();
      if (!page.truncated() || page.samples().isEmpty()) {
        return new Read(samples, requests);
      }
      from = page.samples().get(page.samples().size() - 1).ts() + 1;
    }
  }

  /** Raw answers of several tags, read as a client would: each tag's samples as records. */
  private record RawAnswers(String collector, List<QueryAnswer> results) {}

  /** Every tag over the whole range in one request, each tag's samples within the API's limit, as JSON or in binary columns. */
  private Read rawManyRead(URI node, List<String> tags, boolean binary) {
    String path = GaplessClient.samplesPath(MANY, tags, range(START, lastOfMany(), binary ? "binary" : null));
    List<QueryAnswer> answers = binary ? client.getColumns(node, path) : client.get(node, path, RawAnswers.class).results();
    return new Read(answers.stream().mapToLong(a -> a.samples().size()).sum(), 1);
  }

  /** Every tag's averages per {@code interval} over the whole range in one request, whose counts add up to the samples read. */
  private Read aggregateRead(URI node, List<String> tags, String interval) {
    Map<String, String> params = range(START, lastOfMany(), null);
    params.put("interval", interval);
    params.put("agg", "avg");
    long samples = 0;
    for (JsonNode result : client.get(node, GaplessClient.samplesPath(MANY, tags, params), TagResults.class).results()) {
      for (JsonNode bucket : result.path("buckets")) {
        samples += bucket.path("count").asLong();
      }
    }
    return new Read(samples, 1);
  }

  /** The time of the many-tag collector's last samples. */
  private long lastOfMany() {
    return START + (s.samples() / s.tags() - 1) * SPACING_MS;
  }

  /** The query parameters of a read of s1's own replica over {@code [from, to]}, in {@code format} (null: JSON). */
  private static Map<String, String> range(long from, long to, String format) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("from", Long.toString(from));
    params.put("to", Long.toString(to));
    params.put("format", format);
    params.put("replica", "local");
    return params;
  }

  /**
   * Loads both collectors at once, each as a collector sends: one batch at a time, in time order,
   * {@code s.samples()} samples of its tags, one a second per tag from {@link #START}, in batches
   * of about {@value #BATCH_SAMPLES}.
   */
  private void load(LocalCluster cluster, List<String> manyTags) {
    List<URI> gateways = cluster.gatewayUrls();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> one = pool.submit(() -> load(gateways.get(0), ONE, List.of("flow")));
      Future<?> many = pool.submit(() -> load(gateways.get(gateways.size() - 1), MANY, manyTags));
      one.get();
      many.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GaplessClientException("loading was interrupted");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof GaplessClientException g ? g
          : new GaplessClientException("loading failed: " + e.getCause(), 0, e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private void load(URI gateway, String collector, List<String> tags) {
    int perTag = s.samples() / tags.size();
    int stepsPerBatch = Math.max(1, BATCH_SAMPLES / tags.size());
    for (int step = 0; step < perTag; step += stepsPerBatch) {
      IngestResponse r = client.postSamples(gateway, collector, batch(tags, step, Math.min(stepsPerBatch, perTag - step)));
      if (!r.accepted()) {
        throw new GaplessClientException("loading " + collector + " failed: " + r);
      }
    }
  }

  /** Every tag's samples of seconds {@code first .. first + steps - 1}: values of a full double's precision, as instruments give. */
  private static List<Sample> batch(List<String> tags, int first, int steps) {
    SplittableRandom random = new SplittableRandom(first);
    List<Sample> samples = new ArrayList<>(tags.size() * steps);
    for (int i = first; i < first + steps; i++) {
      for (String tag : tags) {
        samples.add(new Sample(tag, START + i * SPACING_MS, 50 + random.nextDouble() * 50, 192));
      }
    }
    return samples;
  }

  private BenchmarkSection section(List<Reads> reads, RawLevelDbBaseline.Result scan) {
    BenchmarkSection section = new BenchmarkSection("query", "Reads", "bench query --samples " + s.samples() + " --tags "
        + s.tags() + " --rounds " + s.rounds())
        .clusterRow(s.local().confDir(), "; every read asks " + NODE
            + " for its own replica (`replica=local`) over HTTP, from this process, which reads each answer into records")
        .row("history", String.format("%,d samples of one tag, and %,d over %d tags of another collector; one sample a second"
            + " per tag from %s, loaded in batches of about %d samples", s.samples(), s.samples(), s.tags(),
            java.time.Instant.ofEpochMilli(START), BATCH_SAMPLES));
    for (Reads r : reads) {
      section.row(r.what() + " (" + r.requests() + (r.requests() == 1 ? " request" : " requests of at most 50,000 samples") + ")",
          String.format("%,.0f samples/s (median of %d rounds; first %,.0f); %s %.2f CPU s per million samples read",
              r.median(), r.samplesPerSecond().length, r.samplesPerSecond()[0], NODE,
              r.nodeCpu().toMillis() / 1000.0 / (s.samples() * (double) r.samplesPerSecond().length / 1e6)));
    }
    section.row(String.format("raw LevelDB scan, %,d sequential keys x %d B", scan.keys(), s.baseline().rawValueBytes()),
        String.format("%,.0f keys/s (median of %d scans)", scan.keysPerSecond(), s.rounds()));
    section.row("read samples/s : raw scanned keys/s", String.join("; ", reads.stream()
        .map(r -> String.format("%s %.3f", r.what(), r.median() / scan.keysPerSecond())).toList()));
    return section;
  }
}

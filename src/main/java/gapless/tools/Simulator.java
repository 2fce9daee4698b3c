package gapless.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import gapless.client.GaplessClient;
import gapless.client.GaplessClientException;
import gapless.client.IngestResponse;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.Sample;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;

/**
 * Collector load generator: N collectors each send their batches in order, one request in flight
 * per collector, over a bounded pool of worker threads, for a fixed duration. Every accepted batch
 * (200 or 202) is appended to the ack ledger, which {@link Verifier} later checks against every
 * replica. Each batch carries an Idempotency-Key: one with no answer, a 503 or a 504 is sent
 * again (at the next gateway) with the same key until it is kept, so it is stored once. Used by
 * the {@code simulate} command, the demo, the benchmark and the tests.
 */
public final class Simulator {

  /** A collector whose request failed waits this long before its next one, so a dead gateway is not hammered. */
  private static final long ERROR_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final int MAX_KEPT_ERRORS = 5;

  private final GaplessClient client;
  private final ObjectMapper mapper;
  /** Starts every Idempotency-Key of this run: another run's batches (same collectors, within the window) are not its own. */
  private final String runId = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
  private int[] gatewayOf;

  private final AtomicLong ok200 = new AtomicLong();
  private final AtomicLong buffered202 = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong samplesAcked = new AtomicLong();
  private final AtomicLong bodyBytes = new AtomicLong();
  private final AtomicLong encodedBytes = new AtomicLong();
  private final List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());
  private long[] latencies = new long[4096];
  private int latencyCount;
  private long nextSlotNanos;
  // Opened by run, before any worker or progress tick uses it.
  private volatile LedgerWriter ledger = LedgerWriter.open(null, null);
  private boolean used;
  /** Set by {@link #stop}: workers take no new batch, as if the duration had ended. */
  private volatile boolean stopRequested;
  // Gets each second's progress instead of the progress line, when set (a terminal's progress bar).
  private volatile Consumer<Tick> ticks;
  /** Batches each collector sends at most ({@link #batchesEach}); 0 = as many as the duration allows. */
  private long batchesEach;
  /** Collectors that have not sent all of their {@code batchesEach} yet: the run ends when none is left. */
  private final AtomicLong unfinished = new AtomicLong(Long.MAX_VALUE);

  /** One second's progress: seconds since the start, batches acked (202s among them), acked samples/s, errors. */
  public record Tick(double seconds, long acked, long buffered, double samplesPerSecond, long errors) {}

  public Simulator(GaplessClient client) {
    this.client = client;
    this.mapper = client.mapper();
  }

  /**
   * Runs the simulation to its end and returns the totals.
   *
   * @param progress where to print one progress line a second and the first errors; null = quiet
   */
  public SimulationResult run(SimulationSettings s, PrintStream progress) {
    synchronized (this) {
      // The counters are the result of one run; a second run would mix its totals in.
      if (used) {
        throw new IllegalStateException("a Simulator runs once; create a new one");
      }
      used = true;
    }
    int workers = Math.min(s.concurrency(), s.collectors());
    BlockingQueue<Integer> ready = new ArrayBlockingQueue<>(s.collectors());
    long[] nextBatch = new long[s.collectors() + 1];
    // Like nextBatch, an entry is only touched by the worker holding its collector.
    gatewayOf = new int[s.collectors() + 1];
    Arrays.setAll(gatewayOf, i -> i);
    for (int c = 1; c <= s.collectors(); c++) {
      ready.add(c);
      nextBatch[c] = 1;
    }
    if (batchesEach > 0) {
      unfinished.set(s.collectors());
    }
    long start = System.nanoTime();
    long deadline = start + s.duration().toNanos();
    nextSlotNanos = start;
    ExecutorService pool = Executors.newFixedThreadPool(workers, daemon("gapless-sim"));
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("gapless-sim-progress"));
    try {
      ledger = LedgerWriter.open(s.ledger(), mapper);
      if (progress != null) {
        ticker.scheduleAtFixedRate(() -> printProgress(progress, start), 1, 1, TimeUnit.SECONDS);
      }
      for (int w = 0; w < workers; w++) {
        pool.execute(() -> work(s, ready, nextBatch, deadline, progress));
      }
      pool.shutdown();
      // Workers stop taking batches at the deadline; the one in flight is bounded by the request timeout.
      if (!pool.awaitTermination(s.duration().toSeconds() + 120, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
    } finally {
      ticker.shutdownNow();
      ledger.close();
    }
    long elapsed = System.nanoTime() - start;
    long[] sorted;
    synchronized (this) {
      sorted = Arrays.copyOf(latencies, latencyCount);
    }
    Arrays.sort(sorted);
    SimulationResult result = new SimulationResult(ok200.get(), buffered202.get(), rejected.get(), failed.get(),
        samplesAcked.get(), bodyBytes.get(), encodedBytes.get(), elapsed, percentile(sorted, 0.50),
        percentile(sorted, 0.99), List.copyOf(firstErrors));
    if (progress != null) {
      progress.println(result.summary());
    }
    return result;
  }

  /**
   * Ends a running {@link #run} early, from another thread: no new batch is sent, batches in flight
   * are still answered and written to the ledger, and {@code run} returns its totals as usual.
   */
  public void stop() {
    stopRequested = true;
  }

  private void work(SimulationSettings s, BlockingQueue<Integer> ready, long[] nextBatch, long deadline, PrintStream progress) {
    try {
      while (System.nanoTime() < deadline && !stopRequested && unfinished.get() > 0
          && !Thread.currentThread().isInterrupted()) {
        Integer c = ready.poll(100, TimeUnit.MILLISECONDS);
        if (c == null) {
          continue;
        }
        if (System.nanoTime() >= deadline || stopRequested) {
          ready.add(c);
          return;
        }
        if (!pace(s, deadline)) {
          ready.add(c);
          return;
        }
        // nextBatch[c] is only touched by the worker holding c, and the queue hand-off orders it.
        Sent sent = sendOne(s, c, nextBatch[c], progress);
        // A batch not kept, or not known to be, is sent again with its Idempotency-Key: kept once either way.
        if (sent != Sent.AGAIN) {
          nextBatch[c]++;
        }
        if (sent != Sent.KEPT) {
          LockSupport.parkNanos(ERROR_BACKOFF_NANOS);
        }
        if (batchesEach > 0 && nextBatch[c] > batchesEach) {
          unfinished.decrementAndGet();
        } else {
          ready.add(c);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Rate limit: waits for this batch's slot; false when the slot is past the deadline. */
  private boolean pace(SimulationSettings s, long deadline) {
    if (s.rate() <= 0) {
      return true;
    }
    long slot;
    synchronized (this) {
      long now = System.nanoTime();
      slot = Math.max(now, nextSlotNanos);
      nextSlotNanos = slot + (long) (s.samplesPerBatch() * 1e9 / s.rate());
    }
    if (slot >= deadline) {
      return false;
    }
    long wait;
    while ((wait = slot - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
    }
    return true;
  }

  /** What became of one request. */
  private enum Sent {
    /** Answered 200 or 202. */
    KEPT,
    /** No answer, 503 or 504: the same batch goes again, with the same key. */
    AGAIN,
    /** Refused for good (a 4xx, not expected from the generator): the collector goes on with its next batch. */
    REFUSED
  }

  /**
   * Sends one batch with the Idempotency-Key {@code <run>-<batch>}, so sending it again (after no
   * answer, or an answer that kept nothing for sure) never stores it twice.
   */
  private Sent sendOne(SimulationSettings s, int c, long batch, PrintStream progress) {
    String collector = s.collectorId(c);
    URI gateway = s.gateways().get(gatewayOf[c] % s.gateways().size());
    List<Sample> samples = SampleGenerator.batch(collector, batch, s.tags(), s.samplesPerTag(), s.stepMs(), s.startTs());
    byte[] body = s.format().body(samples);
    String key = runId + "-" + batch;
    long t0 = System.nanoTime();
    IngestResponse r;
    try {
      r = client.postSamples(gateway, collector, s.format().contentType(), body, key);
    } catch (GaplessClientException e) {
      gatewayOf[c]++;
      failed.incrementAndGet();
      noteError(collector + " batch " + batch + ": " + e.getMessage(), progress);
      return Sent.AGAIN;
    }
    long micros = (System.nanoTime() - t0) / 1000;
    if (!r.accepted()) {
      // Not kept or not known to be: sent again at the next gateway.
      gatewayOf[c]++;
      rejected.incrementAndGet();
      noteError(collector + " batch " + batch + ": HTTP " + r.httpStatus() + " " + r.error(), progress);
      return r.worthRetrying() ? Sent.AGAIN : Sent.REFUSED;
    }
    (r.httpStatus() == 200 ? ok200 : buffered202).incrementAndGet();
    samplesAcked.addAndGet(samples.size());
    bodyBytes.addAndGet(body.length);
    encodedBytes.addAndGet(BatchCodec.encode(Batch.ofSamples(r.seq(), 0, samples), key).length);
    recordLatency(micros);
    ledger.append(new LedgerEntry(collector, r.seq(), r.httpStatus(), s.tags(), s.samplesPerTag(), s.stepMs(),
        s.startTs(), batch, System.currentTimeMillis()));
    return Sent.KEPT;
  }

  private void noteError(String message, PrintStream progress) {
    synchronized (firstErrors) {
      if (firstErrors.size() < MAX_KEPT_ERRORS) {
        firstErrors.add(message);
        if (progress != null) {
          progress.println("error: " + message);
        }
      }
    }
  }

  private synchronized void recordLatency(long micros) {
    if (latencyCount == latencies.length) {
      latencies = Arrays.copyOf(latencies, latencies.length * 2);
    }
    latencies[latencyCount++] = micros;
  }

  /**
   * Each collector sends at most {@code n} batches: the run ends when all have, or at the end of its
   * duration. With 1, every collector's first batch, which starts it in the cluster: how fast new
   * collectors come in.
   */
  public Simulator batchesEach(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("batches per collector must be at least 1");
    }
    this.batchesEach = n;
    return this;
  }

  /** Each second's progress goes to {@code ticks} instead of a line on the progress stream. */
  public Simulator onTick(Consumer<Tick> ticks) {
    this.ticks = ticks;
    return this;
  }

  private void printProgress(PrintStream out, long start) {
    double secs = (System.nanoTime() - start) / 1e9;
    Tick t = new Tick(secs, ok200.get() + buffered202.get(), buffered202.get(), samplesAcked.get() / secs,
        rejected.get() + failed.get());
    if (ticks != null) {
      ticks.accept(t);
    } else {
      out.printf("[%4.0fs] acked %d batches (202: %d), %,.0f samples/s, errors %d%n", t.seconds(), t.acked(), t.buffered(),
          t.samplesPerSecond(), t.errors());
    }
    ledger.flushQuietly();
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}

package gapless.tools;

import gapless.model.Validation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What the {@link Simulator} does.
 *
 * @param gateways      gateway base URLs: collector i starts at gateway i mod n and moves to the next one
 *                      when a request fails or is refused, as a client with several gateways does
 * @param collectors    number of collectors, ids {@code <prefix>-0001 ...}
 * @param tags          tags per batch
 * @param samplesPerTag samples of each tag per batch
 * @param stepMs        time between two samples of a tag
 * @param rate          target samples per second over all collectors, 0 = as fast as acks allow
 * @param duration      how long to send; batches in flight at the end are still answered
 * @param ledger        ack ledger file (appended), or null for none
 * @param concurrency   requests in flight at most (each collector has at most one)
 * @param prefix        collector id prefix
 * @param startTs       time of the first sample of batch 1 of every collector
 * @param format        the request bodies' format
 */
public record SimulationSettings(
    List<URI> gateways,
    int collectors,
    int tags,
    int samplesPerTag,
    long stepMs,
    double rate,
    Duration duration,
    Path ledger,
    int concurrency,
    String prefix,
    long startTs,
    IngestFormat format) {

  /** Settings that send the binary body, the simulator's default. */
  public SimulationSettings(List<URI> gateways, int collectors, int tags, int samplesPerTag, long stepMs, double rate,
      Duration duration, Path ledger, int concurrency, String prefix, long startTs) {
    this(gateways, collectors, tags, samplesPerTag, stepMs, rate, duration, ledger, concurrency, prefix, startTs,
        IngestFormat.BINARY);
  }

  public SimulationSettings {
    gateways = List.copyOf(gateways);
    if (gateways.isEmpty()) {
      throw new IllegalArgumentException("at least one gateway is needed");
    }
    if (collectors < 1 || tags < 1 || samplesPerTag < 1 || stepMs < 1 || concurrency < 1) {
      throw new IllegalArgumentException("collectors, tags, samples-per-tag, step and concurrency must be at least 1");
    }
    if (rate < 0) {
      throw new IllegalArgumentException("rate must be 0 (unlimited) or positive");
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive");
    }
    if (!Validation.isCollectorId(String.format("%s-%04d", prefix, collectors))) {
      throw new IllegalArgumentException("prefix '" + prefix + "' does not make collector ids like [A-Za-z0-9._-]{1,64}");
    }
  }

  /** Requests in flight when not told otherwise: one per collector, up to this many. */
  private static final int DEFAULT_CONCURRENCY = 64;

  /** Requests in flight for {@code collectors} when not told otherwise. */
  public static int defaultConcurrency(int collectors) {
    return Math.min(collectors, DEFAULT_CONCURRENCY);
  }

  /** Settings with the usual defaults: 10 ms step, start now, one thread per collector up to 64. */
  public static SimulationSettings of(
      List<URI> gateways, int collectors, int tags, int samplesPerTag, double rate, Duration duration, Path ledger,
      String prefix) {
    return new SimulationSettings(gateways, collectors, tags, samplesPerTag, 10, rate, duration, ledger,
        defaultConcurrency(collectors), prefix, defaultStartTs());
  }

  /** Now, rounded down to the second: every run starts its data at its own wall-clock time. */
  public static long defaultStartTs() {
    return System.currentTimeMillis() / 1000 * 1000;
  }

  /** These settings, sending bodies in {@code f}. */
  public SimulationSettings withFormat(IngestFormat f) {
    return new SimulationSettings(gateways, collectors, tags, samplesPerTag, stepMs, rate, duration, ledger, concurrency, prefix,
        startTs, f);
  }

  /** These settings, batch 1 of every collector starting at {@code ts}. */
  public SimulationSettings startingAt(long ts) {
    return new SimulationSettings(gateways, collectors, tags, samplesPerTag, stepMs, rate, duration, ledger, concurrency, prefix,
        ts, format);
  }

  public String collectorId(int index) {
    return String.format("%s-%04d", prefix, index);
  }

  /** Every collector id of this run, {@code <prefix>-0001} first. */
  public List<String> collectorIds() {
    return IntStream.rangeClosed(1, collectors).mapToObj(this::collectorId).toList();
  }

  public int samplesPerBatch() {
    return tags * samplesPerTag;
  }
}

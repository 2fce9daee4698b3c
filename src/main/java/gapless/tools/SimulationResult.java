package gapless.tools;

import java.util.List;

/**
 * What a simulation run achieved.
 *
 * @param ok200         batches answered 200 (on W replicas)
 * @param buffered202   batches answered 202 (durable in the gateway buffer)
 * @param rejected      batches answered with any other HTTP status
 * @param failed        requests that got no answer (refused, timed out)
 * @param samplesAcked  samples in 200 and 202 batches
 * @param bodyBytes     request body bytes of accepted batches
 * @param encodedBytes  the same batches in Gapless' batch encoding (what replicas store)
 * @param p50Micros     median latency of accepted requests
 * @param p99Micros     99th percentile latency of accepted requests
 * @param firstErrors   the first few error messages
 */
public record SimulationResult(
    long ok200,
    long buffered202,
    long rejected,
    long failed,
    long samplesAcked,
    long bodyBytes,
    long encodedBytes,
    long elapsedNanos,
    long p50Micros,
    long p99Micros,
    List<String> firstErrors) {

  public long acked() {
    return ok200 + buffered202;
  }

  public long errors() {
    return rejected + failed;
  }

  public double seconds() {
    return elapsedNanos / 1e9;
  }

  public double samplesPerSecond() {
    return elapsedNanos == 0 ? 0 : samplesAcked / seconds();
  }

  public double encodedMegabytesPerSecond() {
    return elapsedNanos == 0 ? 0 : encodedBytes / 1e6 / seconds();
  }

  public double bodyMegabytesPerSecond() {
    return elapsedNanos == 0 ? 0 : bodyBytes / 1e6 / seconds();
  }

  /** One line: the final total. */
  public String summary() {
    return String.format("total: %d batches acked (200: %d, 202: %d), %d samples in %.1f s = %,.0f samples/s"
            + " (%.2f MB/s encoded), latency p50 %.1f ms p99 %.1f ms, errors %d (rejected %d, no answer %d)",
        acked(), ok200, buffered202, samplesAcked, seconds(), samplesPerSecond(), encodedMegabytesPerSecond(),
        p50Micros / 1000.0, p99Micros / 1000.0, errors(), rejected, failed);
  }
}

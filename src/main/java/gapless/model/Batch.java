package gapless.model;

import java.util.List;

/**
 * What one collector handed over in one request, numbered by the collector's own sequence.
 * A batch either carries samples, or (when {@code status} is not null) records a collector status
 * change. Status changes take a seq like data so that every replica sees them in the same place
 * of the collector's history, and recovery moves them like any other batch.
 *
 * @param seq        per-collector sequence number, 1, 2, 3, ... with no holes
 * @param acceptedAt gateway wall-clock time when the batch was accepted, epoch ms
 * @param samples    the samples, empty for a status change
 * @param status     null for a data batch; the new status for a status change
 * @param reason     free text given with a status change, empty otherwise
 */
public record Batch(long seq, long acceptedAt, List<Sample> samples, CollectorStatus status, String reason) {

  public Batch {
    samples = List.copyOf(samples);
    reason = reason == null ? "" : reason;
  }

  public static Batch ofSamples(long seq, long acceptedAt, List<Sample> samples) {
    return new Batch(seq, acceptedAt, samples, null, "");
  }

  public static Batch ofStatus(long seq, long acceptedAt, CollectorStatus status, String reason) {
    return new Batch(seq, acceptedAt, List.of(), status, reason);
  }

  public boolean isStatusChange() {
    return status != null;
  }
}

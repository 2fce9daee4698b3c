package gapless.replica;

import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.CollectorStatus;

/**
 * What a replica's events say about a batch, read from its blob in one pass without a
 * {@link gapless.model.Sample} each: how many samples, their earliest and latest time (the accepted
 * time when there are none), and the status change it carries (null status for samples).
 */
record BatchFacts(long seq, long acceptedAt, int samples, long minTs, long maxTs, CollectorStatus status, String reason) {

  static BatchFacts of(long seq, byte[] blob) {
    long acceptedAt = BatchCodec.acceptedAt(blob);
    if (BatchCodec.isStatusChange(blob)) {
      Batch change = BatchCodec.decode(seq, blob);
      return new BatchFacts(seq, acceptedAt, 0, acceptedAt, acceptedAt, change.status(), change.reason());
    }
    long[] range = {Long.MAX_VALUE, Long.MIN_VALUE, 0};
    BatchCodec.visitSamples(blob, (tag, ts, value, quality) -> {
      range[0] = Math.min(range[0], ts);
      range[1] = Math.max(range[1], ts);
      range[2]++;
    });
    return range[2] == 0
        ? new BatchFacts(seq, acceptedAt, 0, acceptedAt, acceptedAt, null, null)
        : new BatchFacts(seq, acceptedAt, (int) range[2], range[0], range[1], null, null);
  }

  boolean isStatusChange() {
    return status != null;
  }
}

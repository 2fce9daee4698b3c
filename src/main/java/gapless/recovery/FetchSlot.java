package gapless.recovery;

import gapless.model.BatchCodec;
import gapless.model.EncodedBatch;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import java.util.List;

/**
 * What one of a recovery's fetch slots is doing, in the style of Kafka's {@code PartitionFetchState}:
 * idle, asking its source for the chunk at {@code nextFrom}, or storing the chunk it got. A chunk
 * or an ack that does not match the slot's state is not for it. Immutable.
 */
sealed interface FetchSlot {

  FetchSlot IDLE = new Idle();

  /** No assignment left for this slot. */
  record Idle() implements FetchSlot {}

  /** {@code FetchBatches} from {@code nextFrom} is out to the assignment's source as {@code request}. */
  record Asking(RecoveryPlan.Assignment task, long nextFrom, long request) implements FetchSlot {

    /** A chunk answers this ask only if it comes from the source and starts where the ask did. */
    boolean answeredBy(String node, long fromSeq, long toSeq) {
      return node.equals(task.source()) && fromSeq == nextFrom && toSeq == task.range().to();
    }

    /** The answer's {@code batches} are being stored. */
    Storing storing(List<EncodedBatch> batches) {
      SeqRanges seqs = SeqRanges.EMPTY;
      long samples = 0;
      long bytes = 0;
      for (EncodedBatch b : batches) {
        seqs = seqs.add(b.seq());
        samples += BatchCodec.sampleCount(b.blob());
        bytes += b.blob().length;
      }
      return new Storing(task, nextFrom, request, seqs, seqs, samples, bytes);
    }
  }

  /** The chunk's seqs went to the local replica; {@code awaiting} are those not yet acked. */
  record Storing(RecoveryPlan.Assignment task, long askedFrom, long request, SeqRanges chunk, SeqRanges awaiting,
      long samples, long bytes) implements FetchSlot {

    Storing acked(long seq) {
      return new Storing(task, askedFrom, request, chunk, awaiting.minus(SeqRanges.of(SeqRange.of(seq))), samples, bytes);
    }

    boolean stored() {
      return awaiting.isEmpty();
    }

    /**
     * Where the next ask starts once this chunk is stored: right after the run of seqs the chunk
     * holds from where the ask started. A seq the source skipped is asked for again, so a hole in
     * an answer is never taken for "done" (the source then answers nothing and another holder
     * serves it).
     */
    long nextFrom() {
      return chunk.ranges().stream().filter(r -> r.contains(askedFrom)).findFirst()
          .map(r -> r.to() + 1).orElse(askedFrom);
    }
  }
}

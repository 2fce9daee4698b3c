package gapless.replica;

import gapless.model.EncodedBatch;
import gapless.model.SeqEpochs;
import gapless.replica.ReplicaProtocol.DigestRange;
import gapless.replica.ReplicaProtocol.RangeDigest;
import gapless.replica.ReplicaProtocol.RepairBatch;
import gapless.replica.ReplicaProtocol.RepairResult;
import gapless.store.SampleStore;
import gapless.store.StoredBatch;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica's side of the node scrubs ({@code gapless.scrub}): the range digests it answers,
 * read from the sample store, and the repairs it writes there. Like {@link ReplicaStore}, every
 * call runs on the store dispatcher and answers the asker from there.
 */
final class ScrubReads {

  /** Store callbacks run off the replica's actor, whose context is not thread-safe. */
  private static final Logger LOG = LoggerFactory.getLogger(Replica.class);
  private static final long READ_CHUNK_BYTES = 1 << 20;

  private final String node;
  private final String collector;
  private final SampleStore store;
  private final Executor executor;

  ScrubReads(String node, String collector, SampleStore store, Executor executor) {
    this.node = node;
    this.collector = collector;
    this.store = store;
    this.executor = executor;
  }

  /**
   * Answers a scrub's digest request straight from the store's thread: the range is read in
   * chunks of {@code READ_CHUNK_BYTES} with verified checksums; past a chunk that cannot be read,
   * seq by seq, so one damaged block marks its own seqs damaged, not the range. {@code epochs}
   * are the replica's when it was asked.
   */
  void answer(DigestRange d, SeqEpochs epochs) {
    CompletableFuture.supplyAsync(() -> scan(d.fromSeq(), d.toSeq()), executor).whenComplete((scan, failure) -> {
      if (failure != null) {
        LOG.error("Reading seqs [{}..{}] of [{}] for a scrub failed", d.fromSeq(), d.toSeq(), collector, failure);
        d.replyTo().tell(new RangeDigest(node, collector, d.fromSeq(), d.toSeq(), 0, List.of(), SeqEpochs.EMPTY, 0,
            ReplicaStore.why(failure)));
        return;
      }
      List<Long> all = Arrays.stream(scan.states()).boxed().toList();
      d.replyTo().tell(new RangeDigest(node, collector, d.fromSeq(), d.toSeq(), RangeDigest.digestOf(d.fromSeq(), all),
          d.perSeq() ? all : List.of(), epochs.clip(d.fromSeq(), d.toSeq()), scan.bytes(), null));
    });
  }

  /** What a scrub read: one state a seq, and the bytes read for them. */
  private record Scan(long[] states, long bytes) {}

  private Scan scan(long from, long to) {
    long[] states = new long[Math.toIntExact(to - from + 1)];
    Arrays.fill(states, StoredBatch.MISSING);
    long bytes = 0;
    long next = from;
    while (next <= to) {
      List<EncodedBatch> chunk;
      try {
        chunk = store.readBatches(collector, next, to, READ_CHUNK_BYTES);
      } catch (IllegalStateException e) {
        LOG.warn("Seqs [{}..{}] of [{}] cannot be read together; reading them one by one", next, to, collector, e);
        for (long seq = next; seq <= to; seq++) {
          states[(int) (seq - from)] = pointState(seq);
        }
        return new Scan(states, bytes);
      }
      if (chunk.isEmpty()) {
        break;
      }
      for (EncodedBatch b : chunk) {
        states[(int) (b.seq() - from)] = StoredBatch.stateOf(b.blob());
        bytes += b.blob().length;
      }
      next = chunk.get(chunk.size() - 1).seq() + 1;
    }
    return new Scan(states, bytes);
  }

  private long pointState(long seq) {
    try {
      return StoredBatch.stateOf(store.readBatch(collector, seq).orElse(null));
    } catch (IllegalStateException e) {
      return StoredBatch.DAMAGED;
    }
  }

  /**
   * Writes a scrub's repair from the store's thread and answers it: the store checks that it still
   * holds what the scrub saw, so a replacement that landed since is never undone. The journal is
   * not touched: it recorded the good copy when the batch was stored; only the store lost it.
   */
  void answer(RepairBatch r) {
    CompletableFuture.supplyAsync(
        () -> store.repair(collector, r.seq(), r.seen(), r.blob()), executor)
        .whenComplete((written, failure) -> {
          String why = failure != null ? ReplicaStore.why(failure)
              : written ? null : "seq " + r.seq() + " changed in the store since the scrub read it";
          r.replyTo().tell(new RepairResult(node, collector, r.seq(), why));
        });
  }
}

package gapless.replica;

import akka.pattern.StatusReply;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.EncodedBatch;
import gapless.model.IntervalSummary;
import gapless.model.SeqEpochs;
import gapless.model.StopInterval;
import gapless.replica.ReplicaProtocol.BatchChunk;
import gapless.replica.ReplicaProtocol.FetchBatches;
import gapless.replica.ReplicaProtocol.FindKey;
import gapless.replica.ReplicaProtocol.GetView;
import gapless.replica.ReplicaProtocol.KeyHolding;
import gapless.replica.ReplicaProtocol.ListTags;
import gapless.replica.ReplicaProtocol.QuerySamples;
import gapless.replica.ReplicaProtocol.SampleAnswer;
import gapless.replica.ReplicaProtocol.StoreBatch;
import gapless.replica.ReplicaProtocol.StoreRefused;
import gapless.replica.ReplicaProtocol.TagNames;
import gapless.store.DiskSpace;
import gapless.store.JournalMarks;
import gapless.store.QueryResult;
import gapless.store.SampleStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica's use of the node's sample store: every call runs on the store dispatcher, never on
 * the actor's thread (LevelDB I/O blocks), and comes back as a future the replica answers from.
 */
final class ReplicaStore {

  /** Store callbacks run off the replica's actor, whose context is not thread-safe. */
  private static final Logger LOG = LoggerFactory.getLogger(Replica.class);

  private final String node;
  private final String collector;
  private final SampleStore store;
  private final Executor executor;
  private final ScrubReads scrub;

  ReplicaStore(String node, String collector, SampleStore store, Executor executor) {
    this.node = node;
    this.collector = collector;
    this.store = store;
    this.executor = executor;
    this.scrub = new ScrubReads(node, collector, store, executor);
  }

  /** The replica's side of the scrubs, on the same store and dispatcher. */
  ScrubReads scrub() {
    return scrub;
  }

  /**
   * Writes a group's batches in one synced store write, each with its journal mark; completes with
   * the events that record them. Reading the blobs happens here too, off the actor's thread.
   * Copies (a recovery's) leave their tag index to be built once the recovery is done, so a node
   * catching up spends its CPU on getting every batch back first ({@code gapless.store.PendingIndex}).
   */
  CompletableFuture<List<ReplicaEvent>> write(List<StoreBatch> batches, long now) {
    return CompletableFuture.supplyAsync(() -> {
      List<EncodedBatch> owners = new ArrayList<>(batches.size());
      List<EncodedBatch> copies = new ArrayList<>();
      List<JournalMarks.Mark> marks = new ArrayList<>(batches.size());
      List<ReplicaEvent> events = new ArrayList<>(batches.size() + 1);
      for (StoreBatch b : batches) {
        (b.kind() == ReplicaProtocol.WriteKind.COPY ? copies : owners).add(new EncodedBatch(b.seq(), b.blob()));
        marks.add(new JournalMarks.Mark(b.seq(), b.epoch()));
        events.addAll(ReplicaEvent.stored(node, b.seq(), b.blob(), b.epoch(), now));
      }
      store.write(collector, owners, copies, marks);
      return events;
    }, executor);
  }

  /**
   * What the journal marks say when the replica starts: every marked seq, and the events of the
   * marked batches that {@code held} lacks (their journal events were lost in a power cut).
   */
  CompletableFuture<JournalCheck> checkJournal(LongPredicate held, long now) {
    return CompletableFuture.supplyAsync(() -> {
      List<Long> marked = new ArrayList<>();
      List<ReplicaEvent> lost = new ArrayList<>();
      for (JournalMarks.Mark mark : store.journalMarks(collector)) {
        marked.add(mark.seq());
        if (!held.test(mark.seq())) {
          // Written in the same atomic write as its mark, and only replaced or repaired once held.
          store.readBatch(collector, mark.seq())
              .ifPresent(blob -> lost.addAll(ReplicaEvent.stored(node, mark.seq(), blob, mark.epoch(), now)));
        }
      }
      return new JournalCheck(marked, lost);
    }, executor);
  }

  /** The journal marks of {@code seqs}, whose journal events are on disk now, are deleted. */
  void forgetJournalMarks(List<Long> seqs) {
    CompletableFuture.runAsync(() -> store.forgetJournalMarks(collector, seqs), executor).exceptionally(e -> {
      // Kept marks are only looked at again when the replica starts.
      LOG.warn("Journal marks of [{}] not deleted: {}", collector, e.toString());
      return null;
    });
  }

  /** At most this many stopped intervals in a query's answer (the earliest): a narrower range gets the rest. */
  static final int MAX_GAPS = 1000;
  /** At most this many bytes of tag names in one answer to {@link ListTags} (UTF-8 at worst 3 bytes a char). */
  private static final long MAX_TAG_LIST_BYTES = 512 * 1024;

  /**
   * A query's answer (samples, or interval summaries when {@code q} asks for them), with the
   * stopped intervals of its range; {@code contiguous} is the replica's when it was asked.
   */
  CompletableFuture<SampleAnswer> samples(QuerySamples q, int limit, int maxIntervals, long contiguous) {
    return CompletableFuture.supplyAsync(() -> {
      List<StopInterval> gaps = store.stops(collector, q.from(), q.to(), MAX_GAPS);
      if (q.intervalMs() > 0) {
        List<IntervalSummary> intervals = store.summarize(collector, q.tag(), q.from(), q.to(), q.intervalMs(), maxIntervals);
        return new SampleAnswer(node, collector, q.tag(), contiguous, new byte[0], gaps, false, intervals);
      }
      QueryResult result = store.query(collector, q.tag(), q.from(), q.to(), limit);
      byte[] encoded = BatchCodec.encode(Batch.ofSamples(0, 0, result.samples()));
      return new SampleAnswer(node, collector, q.tag(), contiguous, encoded, gaps, result.truncated());
    }, executor);
  }

  /**
   * Replaces {@code old} (held under {@code oldEpoch}) by {@code cmd}'s batch in one synced store
   * write, and completes with the event that records it. With {@code write} false the store is
   * left as it is: it holds {@code cmd}'s blob already (only the epoch changes, or the replacement
   * reached the store and not the journal), and only the event is built.
   */
  CompletableFuture<ReplicaEvent.BatchReplaced> replace(StoreBatch cmd, byte[] old, long oldEpoch, boolean write, long now) {
    return CompletableFuture.supplyAsync(() -> {
      if (write) {
        store.replace(collector, cmd.seq(), old, cmd.blob(), cmd.epoch());
      }
      return ReplicaEvent.replaced(node, cmd.seq(), cmd.blob(), cmd.epoch(), old, oldEpoch, now);
    }, executor);
  }

  /** A recovering sibling's chunk of batches, with the epochs that wrote them. */
  CompletableFuture<BatchChunk> batches(long fromSeq, long toSeq, long maxBytes, SeqEpochs epochs) {
    return CompletableFuture.supplyAsync(
        () -> new BatchChunk(node, collector, fromSeq, toSeq, store.readBatches(collector, fromSeq, toSeq, maxBytes),
            epochs.clip(fromSeq, toSeq)), executor);
  }

  /**
   * Tells each writer of a group whose store write failed that it is not stored. A full disk is
   * reported by the node's DiskWatch, not logged once per write.
   */
  void refuse(List<StoreBatch> writes, Throwable failure) {
    boolean diskFull = DiskSpace.isDiskFull(failure);
    String reason = diskFull ? DiskSpace.reasonOf(failure) : "storing failed: " + failure.getMessage();
    if (!diskFull) {
      LOG.error("Storing [{}] batches of [{}] failed", writes.size(), collector, failure);
    }
    writes.forEach(b -> b.replyTo().tell(new StoreRefused(node, collector, b.seq(), diskFull, reason)));
  }

  /**
   * Answers a query straight from the store's thread. The asker learns why a read failed: an empty
   * answer would read as "no samples there".
   */
  void answer(QuerySamples q, int limit, int maxIntervals, long contiguous) {
    samples(q, limit, maxIntervals, contiguous).whenComplete((answer, failure) -> {
      if (failure == null) {
        q.replyTo().tell(StatusReply.success(answer));
        return;
      }
      LOG.error("Query of [{}] failed", collector, failure);
      q.replyTo().tell(StatusReply.error("reading " + collector + " on " + node + " failed: " + why(failure)));
    });
  }

  /** Answers from the store's thread: the tags this replica's samples have. */
  void answer(ListTags l) {
    CompletableFuture.supplyAsync(() -> store.tags(collector, l.max() + 1), executor).whenComplete((tags, failure) -> {
      if (failure != null) {
        LOG.error("Listing the tags of [{}] failed", collector, failure);
        l.replyTo().tell(StatusReply.error("reading the tags of " + collector + " on " + node + " failed: " + why(failure)));
        return;
      }
      // The answer crosses the cluster as one message: it stays well inside an Artery frame (1 MiB).
      List<String> fit = new ArrayList<>();
      long bytes = 0;
      for (String tag : tags) {
        bytes += tag.length() * 3L + 8;
        if (fit.size() == l.max() || bytes > MAX_TAG_LIST_BYTES) {
          break;
        }
        fit.add(tag);
      }
      l.replyTo().tell(StatusReply.success(new TagNames(node, collector, fit, fit.size() < tags.size())));
    });
  }

  /**
   * Answers a view request from the store's thread, with the collector's last stopped intervals
   * read from the store; a failed read answers the view without them (logged).
   */
  void answer(GetView g, ReplicaView view) {
    CompletableFuture.supplyAsync(() -> store.lastStops(collector, ReplicaView.VIEW_STOPS), executor)
        .whenComplete((stops, failure) -> {
          if (failure != null) {
            LOG.error("Reading the stops of [{}] failed", collector, failure);
          }
          g.replyTo().tell(view.withStops(failure == null ? stops : List.of()));
        });
  }

  /**
   * Answers a sibling's fetch straight from the store's thread; a failed read (a damaged file:
   * reads on this path verify LevelDB's checksums) is answered with why, so the sibling reports it
   * and asks another at once. {@code epochs} are the replica's when it was asked.
   */
  void answer(FetchBatches f, SeqEpochs epochs) {
    batches(f.fromSeq(), f.toSeq(), f.maxBytes(), epochs).whenComplete((chunk, failure) -> {
      if (failure != null) {
        LOG.error("Reading batches [{}..{}] of [{}] for a sibling failed", f.fromSeq(), f.toSeq(), collector, failure);
        f.replyTo().tell(new BatchChunk(node, collector, f.fromSeq(), f.toSeq(), List.of(), SeqEpochs.EMPTY,
            "reading seqs " + f.fromSeq() + ".." + f.toSeq() + " on " + node + " failed: " + why(failure)));
        return;
      }
      f.replyTo().tell(chunk);
    });
  }

  /**
   * Answers an owner's key lookup straight from the store's thread; nothing on a failed read (the
   * owner goes on with the replicas that answer). {@code epochs} are the replica's when it was asked.
   */
  void answer(FindKey f, SeqEpochs epochs) {
    CompletableFuture.supplyAsync(() -> store.findByIdempotencyKey(collector, f.key()), executor).whenComplete((found, failure) -> {
      if (failure != null) {
        LOG.error("Looking up an idempotency key of [{}] failed", collector, failure);
        return;
      }
      f.replyTo().tell(new KeyHolding(node, collector, f.key(), found.orElse(null),
          found.map(b -> epochs.epochOf(b.seq())).orElse(0L)));
    });
  }

  /** What a failed store call says, without the future's wrapper around it. */
  static String why(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    return String.valueOf(cause.getMessage());
  }

  /** What the store holds for a seq: its blob (if any) and its last replacement (if any). */
  record Held(Optional<byte[]> blob, Optional<SampleStore.Replaced> replaced) {}

  /**
   * The blob stored for {@code seq} and its last replacement: what a request for a seq already
   * held is compared with. Only that rare path reads them; a write of a new seq never does.
   */
  CompletableFuture<Held> held(long seq) {
    return CompletableFuture.supplyAsync(
        () -> new Held(store.readBatch(collector, seq), store.readReplaced(collector, seq)), executor);
  }
}

package gapless.collector;

import akka.actor.typed.ActorRef;
import gapless.collector.CollectorProtocol.IngestResult;
import gapless.collector.CollectorProtocol.Outcome;
import gapless.config.GaplessSettings;
import gapless.model.Batch;
import gapless.model.BatchCodec;
import gapless.model.SeqEpochs;
import gapless.model.SeqRange;
import gapless.model.SeqRanges;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one owner gives batches their seqs under the epoch it claimed: new batches take the next
 * seq once the gateway's buffer has room for them; a batch another owner answered 202 for keeps
 * its old seq only when the claimed history holds that very batch there. Each admitted batch is
 * launched in {@link Flights}. Used from the owner's actor only.
 */
final class Admission {

  /** A resubmitted batch by the (epoch, seq) its old owner gave it. */
  private record OldKey(long epoch, long seq) {}

  private final String collector;
  private final GaplessSettings settings;
  private final GatewayBuffer buffer;
  private final Flights flights;
  private final long epoch;
  private final long firstSeq;
  private final SeqEpochs history;
  private long nextSeq;
  /** Where resubmitted batches went, so one resubmitted again is not stored twice; the newest only. */
  private final Map<OldKey, Long> resubmitted = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<OldKey, Long> eldest) {
      return size() > 10_000;
    }
  };

  /** Under {@code epoch}, from {@code firstSeq}; {@code history}: the epochs of the seqs below it that the claim found. */
  Admission(String collector, GaplessSettings settings, GatewayBuffer buffer, Flights flights, long epoch, long firstSeq,
      SeqEpochs history) {
    this.collector = collector;
    this.settings = settings;
    this.buffer = buffer;
    this.flights = flights;
    this.epoch = epoch;
    this.firstSeq = firstSeq;
    this.history = history;
    this.nextSeq = firstSeq;
  }

  long epoch() {
    return epoch;
  }

  /** Seqs below the first that no replica of the claim holds get an empty batch, so seqs stay without holes. */
  void fillHoles(SeqRanges holes) {
    for (SeqRange r : holes.ranges()) {
      for (long seq = r.from(); seq <= r.to(); seq++) {
        byte[] empty = BatchCodec.encode(Batch.ofSamples(seq, System.currentTimeMillis(), List.of()));
        buffer.forceReserve(empty.length);
        flights.launch(new Flight(seq, epoch, empty, null));
      }
    }
  }

  /** A new batch: room in the buffer first, then the next seq. Returns the seq, 0 when refused. */
  long accept(byte[] blob, ActorRef<IngestResult> replyTo) {
    Optional<String> cannotKeep = flights.cannotKeep();
    if (cannotKeep.isPresent()) {
      Flights.reply(replyTo, IngestResult.refused(collector, Outcome.DISK_FULL, cannotKeep.get()));
      return 0;
    }
    if (!buffer.reserve(blob.length)) {
      Flights.reply(replyTo, bufferFull());
      return 0;
    }
    flights.launch(new Flight(nextSeq, epoch, blob, replyTo));
    return nextSeq++;
  }

  IngestResult bufferFull() {
    return IngestResult.refused(collector, Outcome.BUFFER_FULL, "gateway " + settings.nodeId() + " holds "
        + buffer.bytes() + " of its " + buffer.maxBytes() + " bytes (gapless.ingest.buffer-max-bytes) in batches not yet on "
        + settings.writeQuorum() + " replicas; nothing was kept, send the batch again later");
  }

  /**
   * A batch found on the replicas under a request's Idempotency-Key, which an owner before this
   * one gave {@code oldSeq}: placed like a resubmitted batch ({@link #resubmit}), but its room is
   * reserved first, as for a new batch (it is counted nowhere else). Returns the seq, 0 when the
   * buffer has no room.
   */
  long adopt(long oldEpoch, long oldSeq, byte[] blob) {
    Long seq = resubmitted.get(new OldKey(oldEpoch, oldSeq));
    if (seq != null) {
      return seq;
    }
    if (!buffer.reserve(blob.length)) {
      return 0;
    }
    return place(oldEpoch, oldSeq, blob, null);
  }

  /**
   * A batch another owner ({@code oldEpoch}) gave {@code oldSeq}. When the history holds that very
   * batch (same seq, same epoch: an epoch gives each seq one content) it goes to the replicas again
   * under its seq, but with this owner's epoch, so it also replaces whatever a stray write of a
   * newer, dead owner left at that seq on some replica (the newest epoch's content is the history);
   * otherwise its seq went to an empty batch or to another batch, and it takes a new one. Its room
   * is not reserved against the budget: it is already counted where it comes from, and leaves
   * there once kept here. The same batch resubmitted again (its sender's ask timed out) joins the
   * first one. Returns the seq, 0 when refused.
   */
  long resubmit(long oldEpoch, long oldSeq, byte[] blob, ActorRef<IngestResult> replyTo) {
    if (oldEpoch == epoch) {
      // This owner's own buffered batch, seen by the redrive before this owner told it so: it sends it itself.
      Flights.reply(replyTo, IngestResult.refused(collector, Outcome.REJECTED, "batch of the live owner"));
      return 0;
    }
    Long seq = resubmitted.get(new OldKey(oldEpoch, oldSeq));
    if (seq != null) {
      flights.join(seq, replyTo);
      return seq;
    }
    buffer.forceReserve(blob.length);
    return place(oldEpoch, oldSeq, blob, replyTo);
  }

  private long place(long oldEpoch, long oldSeq, byte[] blob, ActorRef<IngestResult> replyTo) {
    long newSeq = oldEpoch > 0 && oldSeq < firstSeq && history.epochOf(oldSeq) == oldEpoch && !flights.contains(oldSeq)
        ? oldSeq : nextSeq++;
    resubmitted.put(new OldKey(oldEpoch, oldSeq), newSeq);
    flights.launch(new Flight(newSeq, epoch, blob, replyTo));
    return newSeq;
  }
}

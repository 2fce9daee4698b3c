package gapless.collector;

import gapless.collector.CollectorProtocol.IngestResult;
import gapless.collector.CollectorProtocol.Outcome;
import gapless.collector.CollectorProtocol.Request;
import gapless.collector.CollectorProtocol.Resubmit;
import gapless.config.GaplessSettings;
import gapless.model.BatchCodec;
import gapless.model.EncodedBatch;
import gapless.replica.ReplicaProtocol.KeyHolding;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where a request's batch enters one owner's term. A batch sent with an {@code Idempotency-Key}
 * that already gave a seq within the window is that batch again: it joins it (same seq, nothing
 * stored twice), or is refused when its content differs. An owner does not know the keys of the
 * owners before it, so within the window of their newest batch it asks the replicas about a key
 * it does not know ({@link KeyLookups}), and a batch found there keeps its seq when the claimed
 * history has it there. Everything else goes to {@link Admission} for a seq. Used from the
 * owner's actor only.
 */
final class Intake {

  private final String collector;
  private final GaplessSettings settings;
  private final Admission admission;
  private final Flights flights;
  private final KeyLookups lookups;
  private final IdempotencyKeys keys;

  /**
   * {@code predecessorsNewest}: the latest time (epoch ms) a batch the replicas that granted this
   * owner's claim hold was first accepted ({@link EpochClaim#newestAcceptedAt}; 0: they hold none).
   * No owner before this one gave a key that got a 200 to a later batch (that batch is on W
   * replicas, and any R of them include one), so keys are looked up only until that batch's window
   * ends: a new collector's batches ask nothing, nor do those of a collector whose newest batch is
   * older than the window.
   */
  Intake(String collector, GaplessSettings settings, Admission admission, Flights flights, KeyLookups lookups,
      long predecessorsNewest) {
    this.collector = collector;
    this.settings = settings;
    this.admission = admission;
    this.flights = flights;
    this.lookups = lookups;
    long window = settings.ingest().idempotencyWindow().toNanos();
    // A batch accepted a window ago or more counts as a window ago; one "later than now" (another gateway's clock) as now.
    long sinceNewest = Math.min(window, TimeUnit.MILLISECONDS.toNanos(Math.max(0, System.currentTimeMillis() - predecessorsNewest)));
    this.keys = new IdempotencyKeys(window, settings.ingest().idempotencyKeysPerCollector(), System.nanoTime() - sinceNewest);
  }

  void onRequest(Request r) {
    String key = BatchCodec.idempotencyKey(r.blob());
    // A resubmission of this owner's own batch is refused before anything else (it sends it itself).
    if (key.isEmpty() || r instanceof Resubmit re && re.epoch() == admission.epoch()) {
      admit(r);
      return;
    }
    long content = BatchCodec.contentChecksum(r.blob());
    IdempotencyKeys.Check check = keys.check(key, content, System.nanoTime());
    if (check instanceof IdempotencyKeys.Known k) {
      flights.join(k.seq(), r.replyTo());
    } else if (check instanceof IdempotencyKeys.Reused && r instanceof Resubmit) {
      // A batch answered 202 is kept whatever its key: the client reused the key for another body meanwhile.
      admit(r);
    } else if (check instanceof IdempotencyKeys.Reused k) {
      Flights.reply(r.replyTo(), IngestResult.refused(collector, Outcome.KEY_REUSED, "Idempotency-Key '" + key
          + "' was used for another batch of " + collector + " (seq " + k.seq() + ") within the last "
          + settings.ingest().idempotencyWindow().toMinutes() + " min; nothing was kept: send a new batch with a new key"));
    } else if (((IdempotencyKeys.Unknown) check).lookUp()) {
      lookups.lookUp(key, r);
    } else {
      remember(key, content, admit(r), System.currentTimeMillis());
    }
  }

  /**
   * The replicas said what they hold under a key. A batch found there (accepted within the
   * window) is that key's batch: it is kept under its seq, or under a new one when its seq now
   * holds something else ({@link Admission#resubmit}); the requests that waited then join it.
   * Found nowhere, the first request is a new batch and the others join it.
   */
  void decided(KeyLookups.Decided d) {
    if (d.failure() != null) {
      d.waiting().forEach(r -> Flights.reply(r.replyTo(), IngestResult.refused(collector, Outcome.REJECTED,
          "cannot tell now whether this Idempotency-Key was used: " + d.failure() + "; nothing was kept, send it again")));
      return;
    }
    Optional<KeyHolding> found = d.found().filter(h -> inWindow(h.batch().blob()));
    List<Request> rest = d.waiting();
    if (found.isPresent()) {
      EncodedBatch batch = found.get().batch();
      long epoch = found.get().epoch();
      // Under this owner's own epoch: a seq it gave, and a key it forgot early (idempotency-keys-per-collector).
      long seq = epoch == admission.epoch() ? batch.seq() : admission.adopt(epoch, batch.seq(), batch.blob());
      if (seq == 0) {
        rest.forEach(r -> Flights.reply(r.replyTo(), admission.bufferFull()));
        return;
      }
      remember(d.key(), BatchCodec.contentChecksum(batch.blob()), seq, BatchCodec.acceptedAt(batch.blob()));
    } else {
      Request first = rest.get(0);
      rest = rest.subList(1, rest.size());
      remember(d.key(), BatchCodec.contentChecksum(first.blob()), admit(first), System.currentTimeMillis());
    }
    rest.forEach(this::onRequest);
  }

  /** Whether a batch found under a key was accepted within the window: an older key is forgotten. */
  private boolean inWindow(byte[] blob) {
    return System.currentTimeMillis() - BatchCodec.acceptedAt(blob) < settings.ingest().idempotencyWindow().toMillis();
  }

  /** The key gave {@code seq} (0: none, nothing to remember) to a batch first accepted at {@code acceptedAt} (epoch ms). */
  private void remember(String key, long content, long seq, long acceptedAt) {
    if (seq > 0) {
      // Its window runs from when the batch was first accepted, also when a predecessor accepted it.
      long age = Math.max(0, System.currentTimeMillis() - acceptedAt);
      keys.remember(key, seq, content, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(age));
    }
  }

  /** Gives {@code r}'s batch a seq; 0 when refused. */
  private long admit(Request r) {
    return r instanceof Resubmit re ? admission.resubmit(re.epoch(), re.seq(), re.blob(), re.replyTo())
        : admission.accept(r.blob(), r.replyTo());
  }
}

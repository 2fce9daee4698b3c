package gapless.replica;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.javadsl.ActorContext;
import gapless.model.BatchCodec;
import gapless.replica.ReplicaEvent.BatchReplaced;
import gapless.replica.ReplicaProtocol.Command;
import gapless.replica.ReplicaProtocol.StoreBatch;
import gapless.store.SampleStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A replica's writes for seqs it already holds: each is compared with the stored blob (read back
 * off the actor), then acked, refused, or it replaces the stored content ({@link HeldWrite} says
 * which). Replacements run one at a time, so each one's "replaced" figures are those the state
 * holds; a request judged meanwhile waits, and a read made before a replacement ended is made
 * again. The journal side (persisting {@code BatchReplaced}, the replies) stays with the
 * {@link Replica}. Used from the replica's actor only.
 */
final class HeldWrites {

  /**
   * What the store holds for a seq already held, read back to judge {@code request}; {@code
   * replacements} tells a read made before a replacement started from one made after it.
   */
  record HeldRead(StoreBatch request, int replacements, ReplicaStore.Held held, Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  /** A replacement's store write ended; {@code then} is judged again once it is recorded (or null). */
  record ReplaceDone(int incarnation, StoreBatch request, BatchReplaced event, StoreBatch then, Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  /** What a judged request needs from the replica: an ack, a fenced answer, or nothing (for now). */
  enum Answer { ACK, FENCED, NONE }

  private final ActorContext<Command> context;
  private final String collector;
  private final ReplicaStore store;
  private final ConflictReports conflicts;
  private StoreBatch replacing;
  private final List<StoreBatch> waiting = new ArrayList<>();
  private int started;
  // Stored blobs being read back to compare: their answers are still to come.
  private int reading;

  HeldWrites(ActorContext<Command> context, String collector, ReplicaStore store, ConflictReports conflicts) {
    this.context = context;
    this.collector = collector;
    this.store = store;
    this.conflicts = conflicts;
  }

  /** A batch for a seq already held: the rare path, so reading the stored blob back is fine. */
  void compare(StoreBatch cmd) {
    int startedBefore = started;
    reading++;
    context.pipeToSelf(store.held(cmd.seq()), (held, failure) -> new HeldRead(cmd, startedBefore, held, failure));
  }

  /** Nothing being read back, replaced or waiting: no answer of this class's is still to come. */
  boolean isIdle() {
    return reading == 0 && replacing == null && waiting.isEmpty();
  }

  /** The replacement being written, if any: it lands and is acked, so a claim must count it. */
  Optional<StoreBatch> replacing() {
    return Optional.ofNullable(replacing);
  }

  /**
   * Judges a request against what the store holds; {@code fenced} tells whether the replica's
   * promise refuses it now. Refusals and replacements are dealt with here.
   */
  Answer judge(ReplicaState state, HeldRead read, boolean fenced, int incarnation, long now) {
    reading--;
    StoreBatch cmd = read.request();
    if (read.failure() != null) {
      // Not acked: the sender sends again.
      context.getLog().error("Reading the stored batch [{}] of [{}] to compare failed", cmd.seq(), collector, read.failure());
      return Answer.NONE;
    }
    if (replacing != null) {
      waiting.add(cmd);
      return Answer.NONE;
    }
    if (read.replacements() != started) {
      // Read before a replacement that has ended since: the store may hold other content now.
      compare(cmd);
      return Answer.NONE;
    }
    if (read.held().blob().isEmpty()) {
      // The journal says held but the store has no blob: nothing here to ack it with.
      context.getLog().error("Batch [{}] of [{}] is held but not in the sample store; not acked", cmd.seq(), collector);
      return Answer.NONE;
    }
    if (fenced) {
      // Judged now, not when it arrived: the promise may be newer than the request.
      return Answer.FENCED;
    }
    byte[] stored = read.held().blob().get();
    long heldEpoch = state.epochs().epochOf(cmd.seq());
    switch (HeldWrite.judge(heldEpoch, stored, read.held().replaced(), cmd.epoch(), cmd.blob())) {
      case ACK -> {
        return Answer.ACK;
      }
      case REFUSE -> conflicts.refused(cmd, BatchCodec.checksum(stored), "stored");
      case RECORD_EPOCH -> replace(cmd, stored, heldEpoch, false, null, incarnation, now);
      case REPLACE -> replace(cmd, stored, heldEpoch, true, null, incarnation, now);
      case FINISH_REPLACEMENT -> {
        SampleStore.Replaced last = read.held().replaced().get();
        StoreBatch landed = new StoreBatch(collector, cmd.seq(), last.epoch(), stored, ReplicaProtocol.WriteKind.COPY, null);
        context.getLog().warn("Batch [{}] of [{}] was replaced in the store under epoch [{}] but not journaled; recording it",
            cmd.seq(), collector, last.epoch());
        replace(landed, last.oldBlob(), heldEpoch, false, cmd, incarnation, now);
      }
    }
    return Answer.NONE;
  }

  /**
   * Starts replacing the held {@code old} (of {@code oldEpoch}) by {@code request}'s batch;
   * {@code write} false records it without writing the store (it holds the new blob already).
   */
  private void replace(StoreBatch request, byte[] old, long oldEpoch, boolean write, StoreBatch then, int incarnation, long now) {
    replacing = request;
    started++;
    context.pipeToSelf(store.replace(request, old, oldEpoch, write, now),
        (event, failure) -> new ReplaceDone(incarnation, request, event, then, failure));
  }

  /** The replacement's store write ended: the event to journal, or empty when it failed (nothing acked). */
  Optional<BatchReplaced> written(ReplaceDone done) {
    replacing = null;
    if (done.failure() != null) {
      // Not acked: the sender sends again.
      context.getLog().error("Replacing batch [{}] of [{}] failed", done.request().seq(), collector, done.failure());
      judgeWaiting();
      return Optional.empty();
    }
    return Optional.of(done.event());
  }

  /** The replacement is journaled: a request it finished for is judged again, and so is whatever waited. */
  void recorded(ReplaceDone done) {
    if (done.then() != null) {
      compare(done.then());
    }
    judgeWaiting();
  }

  /** The replica restarted: a replacement in flight is judged again, the store tells whether it landed. */
  void restarted() {
    Optional.ofNullable(replacing).ifPresent(waiting::add);
    replacing = null;
    judgeWaiting();
  }

  private void judgeWaiting() {
    List<StoreBatch> again = List.copyOf(waiting);
    waiting.clear();
    again.forEach(this::compare);
  }
}

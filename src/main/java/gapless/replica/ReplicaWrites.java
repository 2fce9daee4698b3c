package gapless.replica;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.javadsl.ActorContext;
import gapless.model.BatchCodec;
import gapless.replica.ReplicaEvent.BatchReplaced;
import gapless.replica.ReplicaProtocol.Command;
import gapless.replica.ReplicaProtocol.StoreAck;
import gapless.replica.ReplicaProtocol.StoreBatch;
import gapless.replica.ReplicaProtocol.StoreReply;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A replica's write path up to its journal: new seqs go through {@link GroupCommit} (one store
 * write per group), seqs already held through {@link HeldWrites} (compared, refused or replaced),
 * owner writes of an older epoch are fenced. It says what to answer now and which events to
 * journal; the {@link Replica} persists them and calls back once they are durable, when the
 * writers are acked. Not persisted, and kept across a restart after a journal failure (the
 * replica object outlives it). Used from the replica's actor only.
 */
final class ReplicaWrites {

  /** A group's store write ended: the events to journal, or the failure (nothing acked). */
  record WriteDone(int incarnation, GroupCommit.Group<StoreBatch> group, List<ReplicaEvent> events, Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  private final ActorContext<Command> context;
  private final String node;
  private final String collector;
  private final ReplicaStore store;
  private final ReplicaReports reports;
  private final GroupCommit<StoreBatch> groupCommit =
      new GroupCommit<>(StoreBatch::seq, StoreBatch::epoch, (a, b) -> Arrays.equals(a.blob(), b.blob()));
  private final ConflictReports conflicts;
  private final HeldWrites held;
  private final FencedWrites fenced;
  // Counts journal replays: a store write started before a restart is written again after it, so its late completion is ignored.
  private int incarnation;

  ReplicaWrites(ActorContext<Command> context, String node, String collector, ReplicaStore store, ReplicaServices services,
      ReplicaReports reports) {
    this.context = context;
    this.node = node;
    this.collector = collector;
    this.store = store;
    this.reports = reports;
    this.conflicts = new ConflictReports(node, collector, context.getSystem(), services.eventLog(), context.getLog());
    this.held = new HeldWrites(context, collector, store, conflicts);
    this.fenced = new FencedWrites(collector, context.getLog(), 10_000);
  }

  /** The journal was replayed; returns whether it was the first replay of this replica object. */
  boolean replayed() {
    return incarnation++ == 0;
  }

  /**
   * A journal write failed and the replica restarted: the lost group is written again, and a
   * replacement in flight is judged again (the store tells whether it landed).
   */
  void restarted(ReplicaState state) {
    Optional<GroupCommit.Group<StoreBatch>> again = groupCommit.restarted(state::holds);
    held.restarted();
    reports.restarted(again.map(g -> g.members().size()).orElse(0));
    again.ifPresent(this::write);
  }

  /** A batch to store: the answer due now (damaged, fenced), or empty when it is answered later. */
  Optional<StoreReply> offer(ReplicaState state, StoreBatch cmd, long now) {
    if (!BatchCodec.intact(cmd.blob())) {
      return Optional.of(conflicts.damaged(cmd));
    }
    if (FencedWrites.isFenced(state, cmd)) {
      return Optional.of(fenced.answer(node, state, cmd, now));
    }
    if (state.holds(cmd.seq())) {
      // Acked (or refused) once compared with what is stored.
      held.compare(cmd);
    } else {
      // Acked later, once its group is durable.
      groupCommit.add(cmd, state::holds).ifPresent(this::write);
    }
    return Optional.empty();
  }

  private void write(GroupCommit.Group<StoreBatch> group) {
    group.refused().forEach(r -> conflicts.refused(r.refused(), BatchCodec.checksum(r.kept().blob()), "being written"));
    group.held().forEach(held::compare);
    int startedIn = incarnation;
    context.pipeToSelf(store.write(group.toWrite(), System.currentTimeMillis()),
        (events, failure) -> new WriteDone(startedIn, group, events, failure));
  }

  /** A group's store write ended: the events to journal, or empty (stale, or failed: its writers hear it now). */
  Optional<List<ReplicaEvent>> written(ReplicaState state, WriteDone done) {
    if (done.incarnation() != incarnation) {
      return Optional.empty();
    }
    if (done.failure() != null) {
      // Nothing is acked: the owner buffers or sends again, recovery fetches it later.
      store.refuse(done.group().members(), done.failure());
      groupCommit.finished(state::holds).ifPresent(this::write);
      return Optional.empty();
    }
    return Optional.of(done.events());
  }

  /** The group's events are journaled: its writers are acked, and the next group starts. */
  void recorded(ReplicaState state, WriteDone done) {
    done.group().members().forEach(b -> b.replyTo().tell(new StoreAck(node, collector, b.seq())));
    done.events().forEach(reports::recorded);
    groupCommit.finished(state::holds).ifPresent(this::write);
  }

  /** A held seq's stored blob was read back: the answer due now (ack, fenced), or empty. */
  Optional<StoreReply> judge(ReplicaState state, HeldWrites.HeldRead read, long now) {
    StoreBatch cmd = read.request();
    return switch (held.judge(state, read, FencedWrites.isFenced(state, cmd), incarnation, now)) {
      case ACK -> Optional.of(new StoreAck(node, collector, cmd.seq()));
      case FENCED -> Optional.of(fenced.answer(node, state, cmd, now));
      case NONE -> Optional.empty();
    };
  }

  /** A replacement's store write ended: the event to journal, or empty (stale, or failed: nothing acked). */
  Optional<BatchReplaced> replaced(HeldWrites.ReplaceDone done) {
    return done.incarnation() == incarnation ? held.written(done) : Optional.empty();
  }

  /** The replacement is journaled: acked, reported, and what waited for it judged. */
  void replacementRecorded(HeldWrites.ReplaceDone done, BatchReplaced e) {
    if (done.then() == null) {
      done.request().replyTo().tell(new StoreAck(node, collector, e.seq()));
    }
    reports.replaced(e);
    held.recorded(done);
  }

  /** What is held, plus what is still being written (it lands and is acked, and may be in the store already), with epochs. */
  ReplicaState.Holdings holdingsNow(ReplicaState state) {
    // One for a held seq is judged against the stored blob later, and fenced then if it must be.
    List<StoreBatch> writing = new ArrayList<>(groupCommit.pendingNew(state::holds));
    held.replacing().ifPresent(writing::add);
    return state.holdingsWith(writing);
  }

  /** Nothing being written, waiting to be, read back or replaced: no answer of this class's is still to come. */
  boolean isIdle() {
    return !groupCommit.isWriting() && groupCommit.waiting() == 0 && held.isIdle();
  }
}

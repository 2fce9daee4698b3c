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
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

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
  // The seqs whose journal marks are kept, by the sequence number of the journal event recording
  // them: a snapshot at or after it is on disk, and then so is what it holds.
  private final TreeMap<Long, List<Long>> marksByEvent = new TreeMap<>();

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

  /**
   * The group's events are journaled, up to the journal's {@code sequenceNr} (without an fsync:
   * the store's write is the durable one, and its journal marks stay until a snapshot holds the
   * group): its writers are acked, and the next group starts.
   */
  void recorded(ReplicaState state, WriteDone done, long sequenceNr) {
    marked(done.group().toWrite().stream().map(StoreBatch::seq).toList(), sequenceNr);
    done.group().members().forEach(b -> b.replyTo().tell(new StoreAck(node, collector, b.seq())));
    done.events().forEach(reports::recorded);
    groupCommit.finished(state::holds).ifPresent(this::write);
  }

  /**
   * The store's journal marks were read after the first replay: the events the journal lost. Marks
   * that could not be read stop the replica (its host starts it again): answering without them
   * could let a new owner give an acked seq again.
   */
  List<ReplicaEvent> journalChecked(JournalCheck check, Throwable failure) {
    if (failure != null) {
      throw new IllegalStateException("journal marks of " + collector + " unreadable", failure);
    }
    return check.lost();
  }

  /** The journal marks of {@code seqs} are kept until a snapshot at or after {@code sequenceNr} is on disk. */
  void marked(List<Long> seqs, long sequenceNr) {
    if (!seqs.isEmpty()) {
      marksByEvent.computeIfAbsent(sequenceNr, n -> new ArrayList<>()).addAll(seqs);
    }
  }

  /** A snapshot at {@code sequenceNr} is on disk: the journal marks of what it holds go. */
  void snapshotted(long sequenceNr) {
    NavigableMap<Long, List<Long>> covered = marksByEvent.headMap(sequenceNr, true);
    if (!covered.isEmpty()) {
      store.forgetJournalMarks(covered.values().stream().flatMap(List::stream).toList());
      covered.clear();
    }
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

package gapless.replica;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.function.ToLongFunction;

/**
 * Group commit of a replica's writes: while one write (store, then journal) is in flight, newly
 * arrived batches wait; when it ends, everything that waited goes out as the next group, in one
 * store write and one {@code persist}. One fsync pair serves a whole group however many batches
 * arrived together. Not thread-safe: used from the replica's actor only.
 *
 * @param <T> a request to store one seq, answered once its group is durable
 */
final class GroupCommit<T> {

  /**
   * One write: {@code members} are answered when it is durable (a seq may be asked for twice, or
   * already be held), {@code toWrite} holds the first request of each seq not yet held.
   */
  record Group<T>(List<T> members, List<T> toWrite) {
    Group {
      members = List.copyOf(members);
      toWrite = List.copyOf(toWrite);
    }
  }

  private final ToLongFunction<T> seqOf;
  private final List<T> waiting = new ArrayList<>();
  private List<T> inFlight;

  GroupCommit(ToLongFunction<T> seqOf) {
    this.seqOf = seqOf;
  }

  /** A request arrived: the group to write now when nothing is in flight, else it waits. */
  Optional<Group<T>> add(T request, LongPredicate held) {
    waiting.add(request);
    return inFlight == null ? Optional.of(next(held)) : Optional.empty();
  }

  /**
   * The write in flight ended, durable or failed (a failed group is not answered: its senders
   * send again or recovery fetches it). The next group, when requests waited meanwhile.
   */
  Optional<Group<T>> finished(LongPredicate held) {
    inFlight = null;
    return waiting.isEmpty() ? Optional.empty() : Optional.of(next(held));
  }

  /**
   * The replica restarted while a group was in flight (its journal write failed): that group
   * goes again first, with whatever waited. Its store write is idempotent by seq, and replay
   * tells which seqs did reach the journal.
   */
  Optional<Group<T>> restarted(LongPredicate held) {
    if (inFlight != null) {
      waiting.addAll(0, inFlight);
      inFlight = null;
    }
    return waiting.isEmpty() ? Optional.empty() : Optional.of(next(held));
  }

  boolean isWriting() {
    return inFlight != null;
  }

  int waiting() {
    return waiting.size();
  }

  private Group<T> next(LongPredicate held) {
    Map<Long, T> firstBySeq = new LinkedHashMap<>();
    for (T request : waiting) {
      long seq = seqOf.applyAsLong(request);
      if (!held.test(seq)) {
        firstBySeq.putIfAbsent(seq, request);
      }
    }
    inFlight = List.copyOf(waiting);
    waiting.clear();
    return new Group<>(inFlight, new ArrayList<>(firstBySeq.values()));
  }
}

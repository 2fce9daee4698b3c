package gapless.replica;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.LongPredicate;
import java.util.function.ToLongFunction;

/**
 * Group commit of a replica's writes: while one write (store, then journal) is in flight, newly
 * arrived batches wait; when it ends, everything that waited goes out as the next group, in one
 * store write and one {@code persist}. One fsync pair serves a whole group however many batches
 * arrived together. Not thread-safe: used from the replica's actor only.
 *
 * <p>A seq is written once per group, from the request for it with the highest owner epoch (the
 * first of them on a tie: the newer owner's content is the collector's history); another request
 * for the same seq is answered with it only when its content is the same. Content is compared
 * only between requests for the same seq, so a group of distinct seqs costs nothing more.
 *
 * @param <T> a request to store one seq, answered once its group is durable
 */
final class GroupCommit<T> {

  /**
   * One write: {@code members} are answered when it is durable, {@code toWrite} holds the kept
   * request of each seq not yet held (members also holds other requests with the same content).
   * {@code refused} are requests whose content differs from the kept request of their seq in this
   * group: never answered. {@code held} are requests for seqs that became held while they waited:
   * not written, their content is still to be compared with what is stored.
   */
  record Group<T>(List<T> members, List<T> toWrite, List<Refused<T>> refused, List<T> held) {
    Group {
      members = List.copyOf(members);
      toWrite = List.copyOf(toWrite);
      refused = List.copyOf(refused);
      held = List.copyOf(held);
    }
  }

  /** {@code refused} asked for the seq of {@code kept}, the request written, with other content. */
  record Refused<T>(T kept, T refused) {}

  private final ToLongFunction<T> seqOf;
  private final ToLongFunction<T> epochOf;
  private final BiPredicate<T, T> sameContent;
  private final List<T> waiting = new ArrayList<>();
  private List<T> inFlight;

  GroupCommit(ToLongFunction<T> seqOf, ToLongFunction<T> epochOf, BiPredicate<T, T> sameContent) {
    this.seqOf = seqOf;
    this.epochOf = epochOf;
    this.sameContent = sameContent;
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
   * The replica restarted while a group was in flight (its journal write failed): that group's
   * members go again first, with whatever waited. Its store write is idempotent by seq, and replay
   * tells which seqs did reach the journal. Refused and held requests were dealt with already.
   */
  Optional<Group<T>> restarted(LongPredicate held) {
    if (inFlight != null) {
      waiting.addAll(0, inFlight);
      inFlight = null;
    }
    return waiting.isEmpty() ? Optional.empty() : Optional.of(next(held));
  }

  /** Every request accepted and not yet answered or refused: in flight, then waiting. */
  List<T> pending() {
    List<T> all = new ArrayList<>(inFlight == null ? List.of() : inFlight);
    all.addAll(waiting);
    return all;
  }

  /** The pending requests whose seq {@code held} does not hold yet. */
  List<T> pendingNew(LongPredicate held) {
    return pending().stream().filter(r -> !held.test(seqOf.applyAsLong(r))).toList();
  }

  boolean isWriting() {
    return inFlight != null;
  }

  int waiting() {
    return waiting.size();
  }

  private Group<T> next(LongPredicate held) {
    Map<Long, T> keptBySeq = new LinkedHashMap<>();
    List<T> toStore = new ArrayList<>(waiting.size());
    List<T> alreadyHeld = new ArrayList<>(0);
    for (T request : waiting) {
      long seq = seqOf.applyAsLong(request);
      if (held.test(seq)) {
        alreadyHeld.add(request);
        continue;
      }
      toStore.add(request);
      keptBySeq.merge(seq, request, (kept, r) -> epochOf.applyAsLong(r) > epochOf.applyAsLong(kept) ? r : kept);
    }
    List<T> members = new ArrayList<>(toStore.size());
    List<Refused<T>> refused = new ArrayList<>(0);
    for (T request : toStore) {
      T kept = keptBySeq.get(seqOf.applyAsLong(request));
      if (kept == request || sameContent.test(kept, request)) {
        members.add(request);
      } else {
        refused.add(new Refused<>(kept, request));
      }
    }
    waiting.clear();
    Group<T> group = new Group<>(members, List.copyOf(keptBySeq.values()), refused, alreadyHeld);
    inFlight = group.members();
    return group;
  }
}

package gapless.replica;

import gapless.store.SampleStore;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a write for a seq the replica already holds comes to, once the stored blob is read back:
 * the rules of owner epochs for content, kept apart from the actor so they are tested plainly.
 * Two contents for one seq can only come from two owners, so the newer epoch's content is the
 * collector's history.
 */
enum HeldWrite {
  /** The same content, and no newer epoch: acked again (idempotent). */
  ACK,
  /** The same content under a newer epoch: only the recorded epoch moves, then acked. */
  RECORD_EPOCH,
  /** Other content under a newer epoch: it replaces the stored batch, then acked. */
  REPLACE,
  /**
   * The store holds a replacement the journal does not know (the replica stopped between the two
   * writes): it is recorded first, then the write is judged again.
   */
  FINISH_REPLACEMENT,
  /** Other content and no newer epoch: refused, never acked ({@code BATCH_CONFLICT}). */
  REFUSE;

  /**
   * @param heldEpoch    the epoch the journal says wrote the seq
   * @param stored       the blob the store holds for it
   * @param lastReplaced the store's record of the seq's last replacement, if any
   * @param epoch        the write's epoch
   * @param blob         the write's blob
   */
  static HeldWrite judge(long heldEpoch, byte[] stored, Optional<SampleStore.Replaced> lastReplaced, long epoch, byte[] blob) {
    if (lastReplaced.isPresent() && lastReplaced.get().epoch() > heldEpoch) {
      return FINISH_REPLACEMENT;
    }
    boolean same = Arrays.equals(stored, blob);
    if (epoch <= heldEpoch) {
      return same ? ACK : REFUSE;
    }
    return same ? RECORD_EPOCH : REPLACE;
  }
}

package gapless.model;

/** Why a recovery was asked for; shown as the {@code reason} of {@code RECOVERY_STARTED}. */
public enum RecoveryTrigger {
  /** This node became a member (start-up, or a new incarnation after being downed). */
  NODE_UP,
  /** This node sees a majority of storage nodes again after losing it. */
  REJOINED,
  /** A sibling reported a contiguous seq this replica still lacked several sync intervals later. */
  BEHIND_SIBLING,
  /** The replica stopped and its host started it again: it may have missed batches meanwhile. */
  REPLICA_RESTARTED,
  /**
   * A sibling reported a seq this replica holds under an older owner epoch: the content here is
   * stale (a newer owner replaced it), and the recovery fetches the newer content.
   */
  STALE_EPOCH,
  /**
   * The node's sample store is not the one this replica's journal was written with (deleted,
   * replaced or rebuilt): nothing the journal lists is here, and everything is fetched again.
   */
  STORE_LOST,
  /** The node's disk was below its reserve (batches were refused meanwhile) and has room again. */
  DISK_FREED
}

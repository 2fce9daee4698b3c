package gapless.model;

/** Why a replica's recording stopped: the start of a "first condition". */
public enum StopReason {
  /** This node lost the cluster: a majority of storage nodes unreachable, or it was downed. */
  SERVER_OFFLINE,
  /** This node shut down cleanly (coordinated shutdown). */
  SHUTDOWN,
  /** Found at start-up: the last run ended without a recorded stop, so it crashed. */
  UNCLEAN_SHUTDOWN,
  /** The collector reported STOPPED: a true hole, never fetched. */
  COLLECTOR_STOPPED
}

package gapless.model;

/** Why a replica's recording resumed: the end of a "first condition". */
public enum ResumeReason {
  /** A recovery filled everything the siblings got while this replica was stopped. */
  RECOVERED,
  /** The collector reported RUNNING again. */
  COLLECTOR_RUNNING
}

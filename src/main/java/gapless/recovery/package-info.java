/**
 * Gap recovery: when a replica's "first condition" ends (start-up after a stop, rejoining the
 * cluster, staying behind a sibling), {@link gapless.recovery.RecoveryCoordinator} runs one
 * {@link gapless.recovery.Recovery} per collector, a few at a time, and retries a failed or
 * crashed one with a growing delay. A recovery is a state machine, one behavior per phase
 * (starting, probing, fetching, finishing), each with a timeout: it asks the reachable siblings
 * for their events after the seq confirmed with each, lets the pure
 * {@link gapless.recovery.RecoveryPlan} work out the missing ranges and their sources, and pulls
 * exactly those batches chunk by chunk over two {@link gapless.recovery.FetchSlot}s, storing each
 * chunk before asking for the next.
 */
package gapless.recovery;

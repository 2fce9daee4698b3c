/**
 * Gap recovery: when a replica's "first condition" ends (start-up after a stop, rejoining the
 * cluster, staying behind a sibling), {@link gapless.recovery.RecoveryCoordinator} runs one
 * {@link gapless.recovery.Recovery} per collector, a few at a time. A recovery asks the reachable
 * siblings for their events after the seq confirmed with each, works out the missing ranges, and
 * pulls exactly those batches chunk by chunk, storing each chunk before asking for the next.
 */
package gapless.recovery;

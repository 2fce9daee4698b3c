/**
 * The background scrub: damage to what a storage node already stored (a flipped bit, a lost
 * record, a block LevelDB cannot read) shows in no write and in no recovery, which never reads
 * below the confirmed seq. {@link gapless.scrub.Scrubber} walks the node's replicas window by
 * window at a bounded read rate, compares each window's range digest with every sibling's, and
 * only where they differ compares seq by seq; the pure {@link gapless.scrub.ScrubVerdict} says
 * which of this node's own copies are missing, damaged or outvoted, and the scrubber writes a
 * sibling's checked copy over each ({@code REPLICA_DIVERGED}, {@code REPLICA_REPAIRED}).
 */
package gapless.scrub;

package gapless.api.dto;

import java.time.Instant;

/**
 * A replica's open recording stop caused by its own server (the {@code serverStop} of a
 * {@link ReplicaReport}): set while the node is offline or has not yet recovered, null while it
 * records.
 *
 * @param reason        SERVER_OFFLINE, SHUTDOWN or UNCLEAN_SHUTDOWN
 * @param contiguousSeq what the replica held contiguously when recording stopped
 * @param highestSeq    the highest seq it held then
 * @param time          when recording stopped (ISO-8601 in JSON)
 */
public record ServerStopReport(String reason, long contiguousSeq, long highestSeq, Instant time) {}

package gapless.api.dto;

/**
 * A time interval without data: a gap in a query answer ({@code gaps}), or a recording stop of a
 * replica ({@code stops} of a {@link ReplicaReport}). Times are data time, epoch ms.
 *
 * @param from    start, epoch ms
 * @param to      end, epoch ms, null while still open
 * @param reason  why (the reason the collector gave for stopping, ...)
 * @param fromSeq the seq of the batch that opened the interval
 */
public record GapReport(long from, Long to, String reason, long fromSeq) {}

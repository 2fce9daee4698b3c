package gapless.model;

/** A collector status change at position {@code seq} of its history, at gateway time {@code at}. */
public record StatusMark(long seq, CollectorStatus status, String reason, long at) {}

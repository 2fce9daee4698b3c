package gapless.api.dto;

/**
 * Answer 504 of an ingest whose outcome is not known: the batch got a seq and went to the replicas,
 * but neither W acks nor the gateway's disk confirmed it before something failed (no answer from
 * the collector's owner in time, its disk write failed, the collector moved to another owner).
 * It may be kept. {@code outcome} is always {@code "unknown"}.
 */
public record UnknownOutcome(String collector, String outcome, String error) {}

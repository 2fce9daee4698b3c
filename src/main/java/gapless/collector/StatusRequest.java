package gapless.collector;

import gapless.model.CollectorStatus;

/**
 * The body of a collector status report, {@code {"status":"STOPPED","reason":"maintenance"}}.
 *
 * @param status what the collector reports: collecting, or deliberately stopped
 * @param reason free text from the collector, at most 512 characters; empty when not given
 */
public record StatusRequest(CollectorStatus status, String reason) {}

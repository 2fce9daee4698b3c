/**
 * The cluster event log. {@link gapless.events.EventType} names every kind of event and the
 * {@link gapless.events.EventField}s it carries; {@link gapless.events.ClusterEvents} makes each
 * kind; {@link gapless.events.ClusterEvent} is typed until {@code toJson}, the edge; and
 * {@link gapless.events.EventLog} writes this node's events to its JSONL file and shares
 * everyone's over a cluster-wide topic.
 */
package gapless.events;

/**
 * What a node shows Prometheus at {@code /metrics}: {@link gapless.metrics.NodeMetrics} holds the
 * node's registry (ingest answers, replica figures, recoveries, members, store, JVM), fed by the
 * HTTP edge, the replicas ({@link gapless.metrics.ReplicaFigures}) and the node's own cluster
 * events ({@link gapless.metrics.EventCounter}). Labels are the node and, for replica figures,
 * the collector; never a tag.
 */
package gapless.metrics;

package gapless.api.dto;

import java.util.List;

/**
 * Answer of {@code GET /api/v1/collectors}: every collector the reachable storage nodes hold a
 * replica of, sorted; {@code unreachable} names the storage nodes that did not answer (a collector
 * held only there is missing from the list).
 */
public record CollectorNames(List<String> collectors, List<String> unreachable) {}

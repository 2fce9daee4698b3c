package gapless.api.dto;

import java.util.List;

/**
 * Answer of {@code GET /api/v1/collectors/{id}/tags}: the tags the collector has samples of, in
 * byte order, from {@code node}'s replica; {@code truncated} when there are more than were listed.
 */
public record TagNamesAnswer(String collector, String node, List<String> tags, boolean truncated) {}

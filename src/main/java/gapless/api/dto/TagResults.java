package gapless.api.dto;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Answer of a query for several tags ({@code tag=A&tag=B}): one {@link QueryAnswer} (raw samples)
 * or {@link AggregateAnswer} (with {@code interval} and {@code agg}) per tag, in the order asked.
 */
public record TagResults(String collector, List<JsonNode> results) {}

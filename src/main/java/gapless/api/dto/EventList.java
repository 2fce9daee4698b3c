package gapless.api.dto;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * {@code GET /api/v1/events}: the most recent cluster events, oldest first. Each event is kept as
 * its JSON object: its fields depend on its type ({@code gapless.events.EventType}), and a client
 * keeps the types it does not know.
 */
public record EventList(List<JsonNode> events) {

  @JsonCreator
  public EventList {
    events = events == null ? List.of() : List.copyOf(events);
  }
}

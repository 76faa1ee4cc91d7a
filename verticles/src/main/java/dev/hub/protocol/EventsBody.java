package dev.hub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The body of {@code POST /api/events}: one event for several rooms.
 *
 * @param rooms the rooms, each named once, in the order given
 * @param id the caller's event id, or {@code null} to have one assigned
 */
public record EventsBody(List<String> rooms, String event, JsonNode data, String id) {
  /** At most this many rooms in one call (PROTOCOL.md section 7); more is {@code too_large}. */
  public static final int MAX_ROOMS = 100;
}

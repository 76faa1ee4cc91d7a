package dev.hub.room;

import com.fasterxml.jackson.databind.JsonNode;

/** One event to publish into a room, as its source makes it; {@link RoomPublisher#publish} takes it. */
public sealed interface Publication {

  String room();

  String event();

  /** The event's data; {@code null} is delivered as JSON {@code null}. */
  JsonNode data();

  /** The client's {@code id}, deduplicated within the window; {@code null} to have one assigned. */
  String clientId();

  /**
   * A WebSocket or SSE client's publish.
   *
   * @param echo false when the publishing session must not get it back
   */
  record FromClient(String room, String event, JsonNode data, String clientId, String user, String session,
      boolean echo) implements Publication {
  }

  /**
   * An HTTP API publish.
   *
   * @param identity whose ids are deduplicated: the admin token's {@code sub}, or {@code api}
   */
  record FromApi(String room, String event, JsonNode data, String clientId, String identity)
      implements Publication {
  }
}

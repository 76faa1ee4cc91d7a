package dev.hub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;

/** A validated request from a client (PROTOCOL.md section 1, "Client to server"). */
public sealed interface ClientFrame {

  /** The request's {@code ref} (string or number), or {@code null}; echoed in the reply. */
  JsonNode ref();

  /**
   * Join a room, or a pattern of rooms (PROTOCOL.md section 9); {@code since}, or {@code null}, asks for missed
   * events where the room keeps history.
   *
   * @param presence whether the ack lists the room's members (ignored for a pattern)
   */
  record Join(JsonNode ref, String room, Since since, boolean presence) implements ClientFrame {
  }

  /** Where a client left off in a history room: an event id, or a seq within an epoch. */
  record Since(String eventId, Long seq, String epoch) implements Serializable {

    public static Since eventId(String id) {
      return new Since(id, null, null);
    }

    public static Since seq(long seq, String epoch) {
      return new Since(null, seq, epoch);
    }
  }

  /** Leave a room, or a pattern joined with the same string. */
  record Leave(JsonNode ref, String room) implements ClientFrame {
  }

  /**
   * Broadcast to a room.
   *
   * @param data the payload, a JSON {@code null} when absent
   * @param id the client's event id, or {@code null} to have one assigned
   * @param echo whether the sender receives its own event
   */
  record Publish(JsonNode ref, String room, String event, JsonNode data, String id, boolean echo)
      implements ClientFrame {
  }

  /** Ask who is in a room, cluster-wide. */
  record PresenceQuery(JsonNode ref, String room) implements ClientFrame {
  }

  /** Application-level liveness probe. */
  record Ping(JsonNode ref) implements ClientFrame {
  }

  /**
   * Set the session's own presence state in a joined room, replacing the one before.
   *
   * @param state a JSON object, checked against {@code presence.maxStateBytes} by whoever serves it
   */
  record State(JsonNode ref, String room, ObjectNode state) implements ClientFrame {
  }

  /** Replace the session's token without reconnecting (PROTOCOL.md section 6). */
  record Refresh(JsonNode ref, String token) implements ClientFrame {
  }

  /**
   * Request-reply through the NATS bridge.
   *
   * @param timeoutMs the client's timeout, or {@code null} for the bridge's default
   */
  record Request(JsonNode ref, String event, JsonNode data, Long timeoutMs) implements ClientFrame {
  }
}

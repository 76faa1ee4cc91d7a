package dev.hub.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** A validated request from a client (PROTOCOL.md section 1, "Client to server"). */
public sealed interface ClientFrame {

  /** The request's {@code ref} (string or number), or {@code null}; echoed in the reply. */
  JsonNode ref();

  /** Join a room; {@code since}, or {@code null}, asks for missed events where the room keeps history. */
  record Join(JsonNode ref, String room, Since since) implements ClientFrame {
  }

  /** Where a client left off in a history room: an event id, or a seq within an epoch. */
  record Since(String eventId, Long seq, String epoch) {

    public static Since eventId(String id) {
      return new Since(id, null, null);
    }

    public static Since seq(long seq, String epoch) {
      return new Since(null, seq, epoch);
    }
  }

  /** Leave a room. */
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
   * Request-reply through the NATS bridge.
   *
   * @param timeoutMs the client's timeout, or {@code null} for the bridge's default
   */
  record Request(JsonNode ref, String event, JsonNode data, Long timeoutMs) implements ClientFrame {
  }
}

package dev.hub.nats;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/** The JSON bodies the bridge sends (PROTOCOL.md section 8), serialised with the shared mapper. */
final class NatsPayloads {

  private NatsPayloads() {
  }

  /** On {@code <prefix>.events.<room>}: an accepted client publish. */
  @JsonPropertyOrder({"room", "event", "data", "id", "ts", "user", "session", "node"})
  record ClientEvent(String room, String event, @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode data, String id,
      long ts, String user, String session, String node) {
  }

  /**
   * On {@code <prefix>.presence.<room>}: {@code type} is {@code join}, {@code leave} or {@code update}.
   *
   * @param state the member's new state, for {@code update} only
   */
  @JsonPropertyOrder({"type", "room", "user", "session", "node", "ts", "state"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record PresenceEvent(String type, String room, String user, String session, String node, long ts,
      JsonNode state) {
  }

  /** On {@code <prefix>.requests.<event>}: a client's request; the reply's payload is the reply's data. */
  @JsonPropertyOrder({"event", "data", "user", "session"})
  record RequestBody(String event, @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode data, String user,
      String session) {
  }
}

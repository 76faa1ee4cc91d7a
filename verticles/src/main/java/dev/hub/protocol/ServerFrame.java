package dev.hub.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The frames the server sends (PROTOCOL.md section 1, "Server to client"), serialised with {@link Json}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type"})
public sealed interface ServerFrame {

  /** The frame's {@code type} field. */
  @JsonProperty("type")
  String type();

  /** The protocol version this server speaks. */
  int PROTOCOL_VERSION = 1;

  /** First frame on every connection. */
  record Welcome(String session, String user, String node, long heartbeat, int protocol) implements ServerFrame {
    @Override
    public String type() {
      return "welcome";
    }
  }

  /**
   * Success reply; {@code room}, {@code members}, {@code id} as the request needs; {@code seq}, {@code epoch}
   * and {@code recovered} for the join of a history room.
   */
  @JsonPropertyOrder({"type", "ref", "room", "members", "id", "seq", "epoch", "recovered"})
  record Ack(JsonNode ref, String room, Integer members, String id, Long seq, String epoch, Boolean recovered)
      implements ServerFrame {

    /** An ack of a request other than a history room's join. */
    public Ack(JsonNode ref, String room, Integer members, String id) {
      this(ref, room, members, id, null, null, null);
    }

    @Override
    public String type() {
      return "ack";
    }
  }

  /** A failed request. */
  record Error(JsonNode ref, String code, String message) implements ServerFrame {
    public Error(JsonNode ref, ErrorCode code, String message) {
      this(ref, code.wire(), message);
    }

    @Override
    public String type() {
      return "error";
    }
  }

  /** Reply to {@code ping}. */
  record Pong(JsonNode ref, long ts) implements ServerFrame {
    @Override
    public String type() {
      return "pong";
    }
  }

  /** Reply to a {@code presence} request. */
  record Presence(JsonNode ref, String room, List<Member> members) implements ServerFrame {
    @Override
    public String type() {
      return "presence";
    }
  }

  /**
   * One event of a joined room.
   *
   * @param from the publishing user; absent for server-side and NATS events
   * @param seq the per-room number where room history is on
   */
  record Event(String room, String event, @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode data, String id,
      long ts, String from, Long seq) implements ServerFrame {
    @Override
    public String type() {
      return "event";
    }
  }

  /** Members came or went. */
  record PresenceDiff(String room, List<Member> joins, List<Member> leaves) implements ServerFrame {
    @Override
    public String type() {
      return "presence_diff";
    }
  }

  /** Reply to {@code request}, with the responder's data. */
  record Reply(JsonNode ref, @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode data) implements ServerFrame {
    @Override
    public String type() {
      return "reply";
    }
  }

  /** The node is draining; close 1001 follows. */
  record Bye(String reason, boolean reconnect) implements ServerFrame {
    @Override
    public String type() {
      return "bye";
    }
  }
}

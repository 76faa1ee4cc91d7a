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

  /**
   * First frame on every connection.
   *
   * @param exp when the session's token expires, in seconds since the epoch; absent for a token without one
   */
  record Welcome(String session, String user, String node, long heartbeat, int protocol, Long exp)
      implements ServerFrame {
    public Welcome(String session, String user, String node, long heartbeat, int protocol) {
      this(session, user, node, heartbeat, protocol, null);
    }

    @Override
    public String type() {
      return "welcome";
    }
  }

  /**
   * Success reply; {@code room}, {@code members}, {@code id} as the request needs; {@code seq}, {@code epoch}
   * and {@code recovered} for the join of a history room.
   *
   * @param presence the room's members, for a {@code join} that asked for them
   */
  @JsonPropertyOrder({"type", "ref", "room", "members", "id", "seq", "epoch", "recovered", "presence"})
  record Ack(JsonNode ref, String room, Integer members, String id, Long seq, String epoch, Boolean recovered,
      List<Member> presence) implements ServerFrame {

    /** An ack of a request other than a join. */
    public Ack(JsonNode ref, String room, Integer members, String id) {
      this(ref, room, members, id, null, null, null, null);
    }

    @Override
    public String type() {
      return "ack";
    }
  }

  /** The ack of a pattern's {@code join} (PROTOCOL.md section 9): no member count, it counts in no room. */
  record PatternAck(JsonNode ref, String room, boolean pattern) implements ServerFrame {
    public PatternAck(JsonNode ref, String room) {
      this(ref, room, true);
    }

    @Override
    public String type() {
      return "ack";
    }
  }

  /** The ack of a {@code refresh}: the new token's {@code exp} in seconds, absent for a token without one. */
  record RefreshAck(JsonNode ref, Long exp) implements ServerFrame {
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

  /**
   * Members came, went or changed their state.
   *
   * @param updates members whose {@code state} changed; written only when not empty
   */
  record PresenceDiff(String room, List<Member> joins, List<Member> leaves,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Member> updates) implements ServerFrame {
    public PresenceDiff(String room, List<Member> joins, List<Member> leaves) {
      this(room, joins, leaves, List.of());
    }

    @Override
    public String type() {
      return "presence_diff";
    }
  }

  /** The server joined this session to a room (HTTP API); the room's events follow. */
  record Joined(String room, int members) implements ServerFrame {
    @Override
    public String type() {
      return "joined";
    }
  }

  /**
   * The server removed this session from a room or pattern; no more of its events follow.
   *
   * @param reason {@code server} (HTTP API) or {@code permissions} (a {@code refresh} whose token no longer
   *     allows it)
   */
  record Left(String room, String reason) implements ServerFrame {
    public static final String SERVER = "server";
    public static final String PERMISSIONS = "permissions";

    @Override
    public String type() {
      return "left";
    }
  }

  /** Reply to {@code request}, with the responder's data. */
  record Reply(JsonNode ref, @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode data) implements ServerFrame {
    @Override
    public String type() {
      return "reply";
    }
  }

  /**
   * The member's stream of a history room cannot go on without a gap or a change of meaning (PROTOCOL.md
   * section 5, "Under faults"): what it holds of the room may be incomplete or wrong; the events that follow
   * are {@code seq + 1}, {@code seq + 2}... of {@code epoch}.
   */
  @JsonPropertyOrder({"type", "room", "epoch", "seq"})
  record Reset(String room, String epoch, long seq) implements ServerFrame {
    @Override
    public String type() {
      return "reset";
    }
  }

  /** The node is draining (close 1001 follows), or the server disconnects the session (close 4003 follows). */
  record Bye(String reason, boolean reconnect) implements ServerFrame {
    @Override
    public String type() {
      return "bye";
    }
  }
}

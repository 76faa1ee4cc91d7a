package dev.hub.gateway;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The reply PROTOCOL.md section 1 prescribes for a client frame, worked out from the frame's bytes and the one
 * piece of session state that the reply depends on, the rooms joined. Written from the protocol, not from the
 * hub's parser: the JSON is read strictly (RFC 8259: one value per text, UTF-8, no trailing content) with the
 * hub's documented bounds (nesting 64, numbers of at most 100 characters, both {@code bad_json}). Where the
 * protocol leaves an order open, fields are checked in the order its table lists them ({@code ref}, then
 * {@code type}, then {@code room}, {@code since}, {@code presence}, {@code state}, {@code token}, {@code event},
 * {@code data}, {@code id}, {@code echo} or {@code timeout}),
 * and a JSON {@code null} counts as absent only where a field is required or for {@code since}. Of duplicate
 * keys the last counts, as RFC 8259 leaves open and Jackson does.
 */
final class FrameOracle {
  /** Deeper nesting is {@code bad_json} (the hub's {@code Json.MAX_NESTING}). */
  static final int MAX_NESTING = 64;
  /** Longer number literals are {@code bad_json}. */
  static final int MAX_NUMBER_LENGTH = 100;

  /** Every error code of PROTOCOL.md section 1. */
  static final Set<String> ERROR_CODES = Set.of("bad_json", "bad_frame", "unknown_type", "missing_field",
      "invalid_room", "invalid_event", "not_joined", "forbidden", "too_large", "too_many_rooms", "rate_limited",
      "no_responders", "timeout", "unavailable", "unauthorized", "internal");
  /** The frames that answer a request; everything else a session is sent is not a reply. */
  static final Set<String> REPLY_TYPES = Set.of("error", "ack", "pong", "presence", "reply");

  /** A publish ack's id when the server assigns it. */
  static final String SERVER_ID = "*";

  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  /** How the hub writes a ref back and a client reads it: a JSON number goes through a double. */
  private static final ObjectMapper WIRE = new ObjectMapper();

  static {
    STRICT.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(MAX_NESTING)
        .maxNumberLength(MAX_NUMBER_LENGTH)
        .build());
  }

  /**
   * A reply, reduced to what identifies it.
   *
   * @param ref the echoed ref as JSON text, {@code null} when the reply carries none
   * @param code the error code of an {@code error}, else {@code null}
   * @param room the room of a join or leave {@code ack} or of a {@code presence} reply, else {@code null}
   * @param id the event id of a publish {@code ack}: the client's, or {@link #SERVER_ID}
   */
  record Reply(String ref, String type, String code, String room, String id) {
    static Reply error(String ref, String code) {
      return new Reply(ref, "error", code, null, null);
    }

    /** The reply as a client received it. */
    static Reply of(JsonNode frame) {
      String type = frame.path("type").asText();
      return new Reply(frame.has("ref") ? frame.get("ref").toString() : null, type,
          "error".equals(type) ? frame.path("code").asText() : null,
          frame.has("room") ? frame.get("room").asText() : null,
          frame.has("id") ? frame.get("id").asText() : null);
    }

    /** The same reply with a server-assigned id, which the oracle cannot know. */
    Reply withServerId() {
      return new Reply(ref, type, code, room, SERVER_ID);
    }
  }

  /** {@code presence.maxStateBytes}: a larger encoded state is {@code too_large}. */
  static final int MAX_STATE_BYTES = 1024;

  private final int maxRooms;
  private final Set<String> rooms = new LinkedHashSet<>();

  /**
   * @param maxRooms {@code limits.maxRoomsPerSession}, which patterns count towards
   */
  FrameOracle(int maxRooms) {
    this.maxRooms = maxRooms;
  }

  /** The rooms and patterns the session is in once every frame predicted so far is served. */
  Set<String> rooms() {
    return Collections.unmodifiableSet(rooms);
  }

  /** The reply to a binary frame, whatever it holds. */
  static Reply binary() {
    return Reply.error(null, "bad_frame");
  }

  /** The reply to a text frame with these payload bytes, and its effect on the session. */
  Reply text(byte[] payload) {
    JsonNode root;
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload));
      root = STRICT.readTree(payload);
    } catch (IOException e) {
      // Malformed UTF-8 (CharacterCodingException) or JSON: bad_json either way.
      return Reply.error(null, "bad_json");
    }
    if (root == null || root.isMissingNode()) {
      return Reply.error(null, "bad_json");
    }
    if (!root.isObject()) {
      return Reply.error(null, "bad_frame");
    }
    JsonNode refNode = root.get("ref");
    if (refNode != null && !refNode.isTextual() && !refNode.isNumber()) {
      return Reply.error(null, "bad_frame");
    }
    String ref = refNode == null ? null : echoed(refNode);
    String problem = problem(root);
    if (problem != null) {
      return Reply.error(ref, problem);
    }
    String room = root.path("room").textValue();
    switch (root.get("type").textValue()) {
      case "join":
        if (!rooms.contains(room)) {
          if (rooms.size() >= maxRooms) {
            return Reply.error(ref, "too_many_rooms");
          }
          rooms.add(room);
        }
        return new Reply(ref, "ack", null, room, null);
      case "leave":
        return rooms.remove(room) ? new Reply(ref, "ack", null, room, null) : Reply.error(ref, "not_joined");
      case "publish":
        if (!rooms.contains(room)) {
          return Reply.error(ref, "not_joined");
        }
        return new Reply(ref, "ack", null, null, root.has("id") ? root.get("id").textValue() : SERVER_ID);
      case "presence":
        return new Reply(ref, "presence", null, room, null);
      case "ping":
        return new Reply(ref, "pong", null, null, null);
      case "state":
        if (!rooms.contains(room)) {
          return Reply.error(ref, "not_joined");
        }
        return encodedLength(root.get("state")) > MAX_STATE_BYTES ? Reply.error(ref, "too_large")
            : new Reply(ref, "ack", null, room, null);
      case "refresh":
        // Auth is off: there is no token to replace.
        return Reply.error(ref, "unavailable");
      default:
        // request: this hub runs no NATS bridge.
        return Reply.error(ref, "unavailable");
    }
  }

  /** The error code for what is wrong with a frame that is a JSON object with a good ref, or null. */
  private static String problem(JsonNode root) {
    String problem = requiredText(root, "type");
    if (problem != null) {
      return problem;
    }
    switch (root.get("type").textValue()) {
      case "join":
        return first(roomOrPattern(root), since(root), optionalBoolean(root, "presence"));
      case "leave":
        return roomOrPattern(root);
      case "presence":
        return room(root);
      case "state":
        return first(room(root), object(root, "state"));
      case "refresh":
        return requiredText(root, "token");
      case "publish":
        return first(room(root), event(root), clientId(root), optionalBoolean(root, "echo"));
      case "ping":
        return null;
      case "request":
        return first(event(root), timeout(root));
      default:
        return "unknown_type";
    }
  }

  private static String first(String... problems) {
    for (String problem : problems) {
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static String room(JsonNode root) {
    String problem = requiredText(root, "room");
    return problem != null ? problem : isRoom(root.get("room").textValue()) ? null : "invalid_room";
  }

  /** A room, or a pattern (section 9): where join and leave take one. */
  private static String roomOrPattern(JsonNode root) {
    String problem = requiredText(root, "room");
    if (problem != null) {
      return problem;
    }
    String room = root.get("room").textValue();
    return isRoom(room) || isPattern(room) ? null : "invalid_room";
  }

  private static String object(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      return "missing_field";
    }
    return value.isObject() ? null : "bad_frame";
  }

  private static int encodedLength(JsonNode value) {
    try {
      return WIRE.writeValueAsBytes(value).length;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String event(JsonNode root) {
    String problem = requiredText(root, "event");
    return problem != null ? problem : isName(root.get("event").textValue(), 64) ? null : "invalid_event";
  }

  private static String clientId(JsonNode root) {
    JsonNode id = root.get("id");
    return id == null || (id.isTextual() && isName(id.textValue(), 64)) ? null : "bad_frame";
  }

  private static String timeout(JsonNode root) {
    JsonNode timeout = root.get("timeout");
    if (timeout == null) {
      return null;
    }
    boolean ok = timeout.isIntegralNumber() && timeout.canConvertToLong() && timeout.longValue() > 0;
    return ok ? null : "bad_frame";
  }

  private static String requiredText(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      return "missing_field";
    }
    return value.isTextual() ? null : "bad_frame";
  }

  private static String optionalText(JsonNode root, String field) {
    JsonNode value = root.get(field);
    return value == null || value.isNull() || value.isTextual() ? null : "bad_frame";
  }

  /** PROTOCOL.md section 5: an event id, or {@code {"seq":N,"epoch":"E"}}. */
  private static String since(JsonNode root) {
    JsonNode value = root.get("since");
    if (value != null && value.isObject()) {
      JsonNode seq = value.get("seq");
      JsonNode epoch = value.get("epoch");
      return seq != null && seq.isIntegralNumber() && seq.canConvertToLong() && epoch != null && epoch.isTextual()
          ? null : "bad_frame";
    }
    return optionalText(root, "since");
  }

  private static String optionalBoolean(JsonNode root, String field) {
    JsonNode value = root.get(field);
    return value == null || value.isBoolean() ? null : "bad_frame";
  }

  /** PROTOCOL.md "Names": 1 to 128 name characters, no leading, trailing or doubled dot. */
  static boolean isRoom(String room) {
    return isName(room, 128) && !room.startsWith(".") && !room.endsWith(".") && !room.contains("..");
  }

  /**
   * PROTOCOL.md section 9: a room name whose dot-separated tokens may be exactly {@code *}, or {@code >} as the
   * last, at least one of them such a wildcard, 1 to 128 characters in all.
   */
  static boolean isPattern(String pattern) {
    if (pattern.isEmpty() || pattern.length() > 128) {
      return false;
    }
    String[] tokens = pattern.split("\\.", -1);
    boolean wildcard = false;
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      boolean star = token.equals("*");
      boolean rest = token.equals(">") && i == tokens.length - 1;
      if (!star && !rest && (token.isEmpty() || !isName(token, 128))) {
        return false;
      }
      wildcard |= star || rest;
    }
    return wildcard;
  }

  /** 1 to {@code max} characters of {@code A-Z a-z 0-9 _ - : .}. */
  static boolean isName(String name, int max) {
    return name.length() >= 1 && name.length() <= max && name.chars().allMatch(c -> (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == ':' || c == '.');
  }

  /**
   * A ref as the reply carries it, in the form {@link Reply#of} reads it: written as JSON text, sent as UTF-8
   * (where an unpaired surrogate, legal as a JSON escape, becomes {@code ?}) and read back.
   */
  private static String echoed(JsonNode ref) {
    try {
      return WIRE.readTree(WIRE.writeValueAsString(ref).getBytes(StandardCharsets.UTF_8)).toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.hub.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns one inbound text message into a {@link ClientFrame}, or a {@link ProtocolException} with the code
 * PROTOCOL.md gives for what is wrong. Parses once; never throws anything else.
 */
public final class FrameParser {

  private FrameParser() {
  }

  public static ClientFrame parse(byte[] utf8) {
    JsonNode root = readObject(utf8);
    JsonNode ref = root.get("ref");
    if (ref != null && !ref.isTextual() && !ref.isNumber()) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "ref must be a string or a number");
    }
    try {
      return parseObject(root);
    } catch (ProtocolException e) {
      throw e.withRef(ref);
    }
  }

  /**
   * The body of {@code POST /api/rooms/{room}/events}: {@code {"event":"E","data":ANY,"id":"optional"}}, checked
   * by the rules of a {@code publish} frame.
   *
   * @return a publish with no room (the path names it) and no ref
   */
  public static ClientFrame.Publish parseEventBody(byte[] utf8) {
    JsonNode root = readObject(utf8);
    return new ClientFrame.Publish(null, null, event(root), data(root), clientId(root), true);
  }

  /**
   * The body of {@code POST /api/events}: {@code {"rooms":[...],"event":"E","data":ANY,"id":"optional"}}, the
   * event checked as a {@code publish} frame's, each room as a room name (no patterns), at most
   * {@link EventsBody#MAX_ROOMS} of them ({@code too_large} beyond).
   */
  public static EventsBody parseEventsBody(byte[] utf8) {
    JsonNode root = readObject(utf8);
    JsonNode rooms = root.get("rooms");
    if (rooms == null || rooms.isNull()) {
      throw new ProtocolException(ErrorCode.MISSING_FIELD, "'rooms' is required");
    }
    if (!rooms.isArray() || rooms.isEmpty()) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "'rooms' must be a list of 1 to " + EventsBody.MAX_ROOMS
          + " room names");
    }
    if (rooms.size() > EventsBody.MAX_ROOMS) {
      throw new ProtocolException(ErrorCode.TOO_LARGE, "at most " + EventsBody.MAX_ROOMS + " rooms in one call");
    }
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode room : rooms) {
      if (!room.isTextual()) {
        throw new ProtocolException(ErrorCode.BAD_FRAME, "'rooms' must be a list of room names");
      }
      if (!Names.isRoom(room.textValue())) {
        throw new ProtocolException(ErrorCode.INVALID_ROOM, "not a valid room name: " + clip(room.textValue()));
      }
      names.add(room.textValue());
    }
    return new EventsBody(List.copyOf(names), event(root), data(root), clientId(root));
  }

  /**
   * The optional body of {@code POST /api/users/{user}/disconnect}: {@code {"banForMs":N}} with N a whole number
   * from 1 to {@code maxBanMs}. An empty body, or one without {@code banForMs}, bans nobody.
   *
   * @return the ban's length, or {@code null} for none
   */
  public static Long parseBanForMs(byte[] utf8, long maxBanMs) {
    if (utf8.length == 0) {
      return null;
    }
    JsonNode banForMs = readObject(utf8).get("banForMs");
    if (banForMs == null) {
      return null;
    }
    if (!banForMs.isNumber() || !banForMs.canConvertToExactIntegral() || !banForMs.canConvertToLong()
        || banForMs.longValue() < 1 || banForMs.longValue() > maxBanMs) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "banForMs must be a whole number of ms from 1 to "
          + maxBanMs);
    }
    return banForMs.longValue();
  }

  private static JsonNode readObject(byte[] utf8) {
    if (!isUtf8(utf8)) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "not valid JSON: the text is not UTF-8");
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(utf8);
    } catch (JacksonException e) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "not valid JSON");
    }
    if (root == null || root.isMissingNode()) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "empty body");
    }
    if (!root.isObject()) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "expected a JSON object");
    }
    return root;
  }

  /**
   * Whether the bytes are well-formed UTF-8. Checked before Jackson, which reads some malformed sequences as
   * characters (overlong forms such as {@code C0 80}, encoded surrogates, code points past U+10FFFF) and so would
   * serve a frame that is not UTF-8; the WebSocket layer does not check text frames.
   */
  private static boolean isUtf8(byte[] bytes) {
    // Netty's check is strict (RFC 3629) and walks the bytes in place, where a decoder would build every char.
    return ByteBufUtil.isText(Unpooled.wrappedBuffer(bytes), StandardCharsets.UTF_8);
  }

  private static ClientFrame parseObject(JsonNode root) {
    JsonNode ref = root.get("ref");
    String type = requiredText(root, "type");
    switch (type) {
      case "join":
        return new ClientFrame.Join(ref, roomOrPattern(root), since(root), optionalBoolean(root, "presence", false));
      case "leave":
        return new ClientFrame.Leave(ref, roomOrPattern(root));
      case "publish":
        return new ClientFrame.Publish(ref, room(root), event(root), data(root), clientId(root),
            optionalBoolean(root, "echo", true));
      case "presence":
        return new ClientFrame.PresenceQuery(ref, room(root));
      case "ping":
        return new ClientFrame.Ping(ref);
      case "request":
        return new ClientFrame.Request(ref, event(root), data(root), timeout(root));
      case "state":
        return new ClientFrame.State(ref, room(root), state(root));
      case "refresh":
        return new ClientFrame.Refresh(ref, requiredText(root, "token"));
      default:
        throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + clip(type) + "'");
    }
  }

  private static String room(JsonNode root) {
    String room = requiredText(root, "room");
    if (!Names.isRoom(room)) {
      throw new ProtocolException(ErrorCode.INVALID_ROOM,
          "room must be 1 to 128 characters of A-Z a-z 0-9 _ - : . without leading, trailing or doubled dots");
    }
    return room;
  }

  /** A room, or a pattern where {@code join} and {@code leave} take one (section 9). */
  private static String roomOrPattern(JsonNode root) {
    String room = requiredText(root, "room");
    if (!Names.isRoomOrPattern(room)) {
      throw new ProtocolException(ErrorCode.INVALID_ROOM,
          "room must be 1 to 128 characters of A-Z a-z 0-9 _ - : . without leading, trailing or doubled dots; "
              + "a pattern has * or > as whole tokens, > only last");
    }
    return room;
  }

  private static ObjectNode state(JsonNode root) {
    JsonNode state = root.get("state");
    if (state == null || state.isNull()) {
      throw new ProtocolException(ErrorCode.MISSING_FIELD, "'state' is required");
    }
    if (!state.isObject()) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "'state' must be a JSON object");
    }
    return (ObjectNode) state;
  }

  private static String event(JsonNode root) {
    String event = requiredText(root, "event");
    if (!Names.isEvent(event)) {
      throw new ProtocolException(ErrorCode.INVALID_EVENT, "event must be 1 to 64 characters of A-Z a-z 0-9 _ - : .");
    }
    return event;
  }

  private static JsonNode data(JsonNode root) {
    JsonNode data = root.get("data");
    return data == null ? NullNode.instance : data;
  }

  private static String clientId(JsonNode root) {
    JsonNode id = root.get("id");
    if (id == null) {
      return null;
    }
    if (!id.isTextual() || !Names.isClientId(id.textValue())) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "id must be 1 to 64 characters of A-Z a-z 0-9 _ - : .");
    }
    return id.textValue();
  }

  private static Long timeout(JsonNode root) {
    JsonNode timeout = root.get("timeout");
    if (timeout == null) {
      return null;
    }
    if (!timeout.isIntegralNumber() || !timeout.canConvertToLong() || timeout.longValue() <= 0) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "timeout must be a positive number of milliseconds");
    }
    return timeout.longValue();
  }

  private static String requiredText(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      throw new ProtocolException(ErrorCode.MISSING_FIELD, "'" + field + "' is required");
    }
    if (!value.isTextual()) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "'" + field + "' must be a string");
    }
    return value.textValue();
  }

  /** {@code "since"}: an event id, or {@code {"seq":N,"epoch":"E"}}; absent or null: none. */
  private static ClientFrame.Since since(JsonNode root) {
    JsonNode value = root.get("since");
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isTextual()) {
      return ClientFrame.Since.eventId(value.textValue());
    }
    if (value.isObject() && value.path("seq").isIntegralNumber() && value.path("seq").canConvertToLong()
        && value.path("epoch").isTextual()) {
      return ClientFrame.Since.seq(value.get("seq").longValue(), value.get("epoch").textValue());
    }
    throw new ProtocolException(ErrorCode.BAD_FRAME, "'since' must be an event id or {\"seq\":N,\"epoch\":\"E\"}");
  }

  private static String optionalText(JsonNode root, String field) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "'" + field + "' must be a string");
    }
    return value.textValue();
  }

  private static boolean optionalBoolean(JsonNode root, String field, boolean absent) {
    JsonNode value = root.get(field);
    if (value == null) {
      return absent;
    }
    if (!value.isBoolean()) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "'" + field + "' must be true or false");
    }
    return value.booleanValue();
  }

  private static String clip(String s) {
    return s.length() <= 32 ? s : s.substring(0, 32) + "...";
  }
}

package dev.hub.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Client frames for {@link FuzzTest}, all from one seed: valid frames of every type, the same with fields
 * removed, renamed, retyped or given bad names, byte-level mutations of them, random text, deep nesting, long
 * strings, blank frames, non-object JSON, duplicate keys, trailing content and binary frames. Every valid room
 * name it writes starts with {@link #ROOM_PREFIX} (the others come from a fixed list of bad names or are random
 * text), and a byte mutation changes a few bytes of a name at most, so no frame names a room of another prefix
 * such as {@code bystander-}. No frame is longer than the limit it is given.
 */
final class FuzzFrames {
  /** Every valid room name of a generated frame starts with this. */
  static final String ROOM_PREFIX = "fz";

  /** How a frame was made, for the counts the test prints. */
  enum Kind { VALID, FIELDS, BYTES, RANDOM, NESTED, LONG, BLANK, NON_OBJECT, DUPLICATE_KEYS, TRAILING, BINARY }

  /** A frame to send: a text frame's payload (UTF-8, or not where the sender allows) or a binary frame's. */
  record Frame(Kind kind, boolean binary, byte[] payload) {
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-:.";
  private static final String[] TYPES = {"join", "leave", "publish", "presence", "ping", "request", "state",
      "refresh"};
  private static final String[] FIELDS = {"type", "ref", "room", "event", "data", "id", "echo", "since", "timeout",
      "presence", "state", "token"};
  /** Rooms and patterns (section 9): a pattern is valid where join and leave take one, invalid_room elsewhere. */
  private static final String[] ROOMS = {"fz", "fz.a", "fz.a.b", "fz-1", "fz-2", "fz-3", "fz-4", "fz-5", "fz:x",
      "fz_y", "fz.B-9", "fz:" + "r".repeat(125), "fzZ", "fz.*", "fz.>", "fz.*.b"};
  private static final String[] ODD_TYPES = {"", "PING", "Join", " ping", "ping ", "pong", "ack", "event", "batch",
      "welcome", "error", "reply", "bye", "presence_diff", "subscribe", "pi\u0000ng", "j\u043ein", "publish\n",
      "\ud83d\ude00", "t".repeat(40) + "\ud83d\ude00"};
  private static final String[] BAD_NAMES = {"", " ", "a b", "fz/x", "fz*", "fz>", "fz\u00e9", "fz\ud83d\ude00",
      "fz\u0000", "\t", ".", "..", ".fz", "fz.", "fz..a", "fz.a..b", "fz#1", "fz,1", "fz\"", "fz\\", "fz\n",
      "\u202efz", "fz\u00a0"};
  /** Raw JSON number literals, several of which no double or long can hold. */
  private static final String[] NUMBERS = {"0", "-0", "1", "-1", "42", "3.14", "-0.0", "1e400", "-1e400",
      "1E+2", "2.5e-320", "123456789012345678901234567890", "9223372036854775807", "9223372036854775808",
      "-9223372036854775809", "0.1000000000000000000001", "1" + "0".repeat(99), "1" + "0".repeat(100),
      "0." + "3".repeat(98), "5000", "5000.0", "1e3"};
  /** Byte sequences that are not UTF-8: a lone continuation, overlong forms, surrogates, past U+10FFFF, cut. */
  private static final byte[][] NOT_UTF8 = {{(byte) 0x80}, {(byte) 0xbf}, {(byte) 0xc0, (byte) 0x80},
      {(byte) 0xc1, (byte) 0xbf}, {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xed, (byte) 0xbf, (byte) 0xbf}, {(byte) 0xf0, (byte) 0x80, (byte) 0x80, (byte) 0xaf},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
      {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xfe}, {(byte) 0xff},
      {(byte) 0xc3}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xf0, (byte) 0x9f, (byte) 0x98}};

  private final Random random;
  private final String refPrefix;
  private final int maxBytes;
  private final boolean utf8Only;
  private final List<String> usedIds = new ArrayList<>();
  private long sequence;

  /**
   * @param refPrefix starts the unique refs of this generator's frames, so that replies are easy to trace
   * @param maxBytes {@code limits.maxFrameBytes}: no payload is longer
   * @param utf8Only true for a sender that can only send text frames of valid UTF-8 (any library client)
   */
  FuzzFrames(long seed, String refPrefix, int maxBytes, boolean utf8Only) {
    this.random = new Random(seed);
    this.refPrefix = refPrefix;
    this.maxBytes = maxBytes;
    this.utf8Only = utf8Only;
  }

  /**
   * The next frame.
   *
   * @param joined the rooms the session is in, so that valid leaves and publishes are frequent
   */
  Frame next(Set<String> joined) {
    int dice = random.nextInt(100);
    Frame frame;
    if (dice < 15) {
      frame = text(Kind.VALID, encode(valid(joined)));
    } else if (dice < 45) {
      ObjectNode node = valid(joined);
      int mutations = 1 + random.nextInt(3);
      for (int i = 0; i < mutations; i++) {
        mutateFields(node);
      }
      frame = text(Kind.FIELDS, encode(node));
    } else if (dice < 65) {
      frame = new Frame(Kind.BYTES, false, mutateBytes(validOrMutated(joined)));
    } else if (dice < 72) {
      frame = text(Kind.RANDOM, randomText());
    } else if (dice < 77) {
      frame = text(Kind.NESTED, nested(joined));
    } else if (dice < 80) {
      frame = text(Kind.LONG, longStrings(joined));
    } else if (dice < 82) {
      frame = text(Kind.BLANK, pick(" ", "", "\n", "\t\r\n ", " ".repeat(1000), "\u00a0", "\ufeff", "\u0000"));
    } else if (dice < 87) {
      frame = text(Kind.NON_OBJECT, nonObject());
    } else if (dice < 92) {
      frame = text(Kind.DUPLICATE_KEYS, duplicateKeys(joined));
    } else if (dice < 97) {
      frame = text(Kind.TRAILING, trailing(joined));
    } else {
      byte[] payload = random.nextBoolean() ? encode(valid(joined)).getBytes(StandardCharsets.UTF_8)
          : randomBytes(random.nextInt(300));
      frame = new Frame(Kind.BINARY, true, payload);
    }
    return fit(frame);
  }

  private Frame text(Kind kind, String text) {
    return new Frame(kind, false, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Cuts a frame to the limit, and makes it valid UTF-8 where the sender cannot send anything else. */
  private Frame fit(Frame frame) {
    byte[] payload = frame.payload();
    while (true) {
      if (utf8Only && !frame.binary()) {
        // Malformed input becomes U+FFFD; an unpaired surrogate of a Java string would become '?'.
        payload = new String(payload, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
      }
      if (payload.length <= maxBytes) {
        return new Frame(frame.kind(), frame.binary(), payload);
      }
      payload = Arrays.copyOf(payload, maxBytes - 16);
    }
  }

  // ---------------------------------------------------------------- valid frames

  private ObjectNode valid(Set<String> joined) {
    ObjectNode frame = NODES.objectNode();
    String type = TYPES[random.nextInt(TYPES.length)];
    frame.put("type", type);
    switch (type) {
      case "join" -> {
        frame.put("room", room());
        if (random.nextInt(5) == 0) {
          frame.put("since", randomName(1 + random.nextInt(30)));
        }
        if (random.nextInt(5) == 0) {
          frame.put("presence", random.nextBoolean());
        }
      }
      case "state" -> {
        frame.put("room", joinedOr(joined));
        ObjectNode state = frame.putObject("state");
        state.set("s", random.nextInt(10) == 0 ? NODES.textNode("x".repeat(1000 + random.nextInt(40))) : data(2));
      }
      case "refresh" -> frame.put("token", randomName(1 + random.nextInt(60)));
      case "leave" -> frame.put("room", joinedOr(joined));
      case "publish" -> {
        frame.put("room", joinedOr(joined));
        frame.put("event", event());
        if (random.nextInt(4) != 0) {
          frame.set("data", data(3));
        }
        if (random.nextInt(3) == 0) {
          frame.put("id", clientId());
        }
        if (random.nextInt(4) == 0) {
          frame.put("echo", random.nextBoolean());
        }
      }
      case "presence" -> frame.put("room", random.nextBoolean() ? joinedOr(joined) : room());
      case "request" -> {
        frame.put("event", event());
        if (random.nextBoolean()) {
          frame.set("data", data(2));
        }
        if (random.nextBoolean()) {
          frame.put("timeout", random.nextInt(10) == 0 ? Long.MAX_VALUE : 1 + random.nextInt(60_000));
        }
      }
      default -> { }
    }
    if (random.nextInt(10) != 0) {
      long n = ++sequence;
      if (random.nextBoolean()) {
        frame.put("ref", refPrefix + n);
      } else {
        frame.put("ref", n);
      }
    }
    return frame;
  }

  private String room() {
    if (random.nextInt(4) == 0) {
      // A fresh valid name: the prefix, then name characters with every dot between two others.
      StringBuilder room = new StringBuilder(ROOM_PREFIX);
      int length = random.nextInt(126);
      for (int i = 0; i < length; i++) {
        char c = NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length()));
        boolean dotOk = c != '.' || (room.charAt(room.length() - 1) != '.' && i < length - 1);
        room.append(dotOk ? c : '_');
      }
      return room.toString();
    }
    return ROOMS[random.nextInt(ROOMS.length)];
  }

  private String joinedOr(Set<String> joined) {
    if (!joined.isEmpty() && random.nextInt(4) != 0) {
      Iterator<String> it = joined.iterator();
      for (int skip = random.nextInt(joined.size()); skip > 0; skip--) {
        it.next();
      }
      return it.next();
    }
    return room();
  }

  private String event() {
    return random.nextBoolean() ? pick("e", "chat:msg", "x.y", "E-1", "a_b") : randomName(1 + random.nextInt(64));
  }

  private String clientId() {
    if (!usedIds.isEmpty() && random.nextInt(4) == 0) {
      return usedIds.get(random.nextInt(usedIds.size()));
    }
    String id = randomName(1 + random.nextInt(64));
    if (usedIds.size() < 50) {
      usedIds.add(id);
    }
    return id;
  }

  private String randomName(int length) {
    StringBuilder name = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      name.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
    }
    return name.toString();
  }

  private JsonNode data(int depth) {
    int dice = random.nextInt(depth <= 0 ? 6 : 8);
    switch (dice) {
      case 0:
        return NODES.nullNode();
      case 1:
        return NODES.booleanNode(random.nextBoolean());
      case 2:
        return NODES.numberNode(random.nextInt());
      case 3:
        return NODES.numberNode(random.nextDouble() * 1e6);
      case 4:
        return NODES.textNode(randomUnicode(random.nextInt(20)));
      case 5: {
        String number = pick(NUMBERS);
        return NODES.rawValueNode(new RawValue(number.length() <= FrameOracle.MAX_NUMBER_LENGTH ? number : "7"));
      }
      case 6: {
        ArrayNode array = NODES.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(data(depth - 1));
        }
        return array;
      }
      default: {
        ObjectNode object = NODES.objectNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          object.set(randomUnicode(1 + random.nextInt(6)), data(depth - 1));
        }
        return object;
      }
    }
  }

  // ---------------------------------------------------------------- field mutations

  private void mutateFields(ObjectNode frame) {
    List<String> names = new ArrayList<>();
    frame.fieldNames().forEachRemaining(names::add);
    String field = names.isEmpty() ? pick(FIELDS) : names.get(random.nextInt(names.size()));
    switch (random.nextInt(8)) {
      case 0 -> frame.remove(field);
      case 1 -> {
        JsonNode value = frame.remove(field);
        frame.set(renamed(field), value == null ? data(1) : value);
      }
      case 2 -> frame.set(field, oddValue());
      case 3 -> frame.put(pick("room", "event", "id", "room", "event"), pick(BAD_NAMES));
      case 4 -> frame.set("ref", oddRef());
      case 5 -> frame.put("type", random.nextBoolean() ? pick(ODD_TYPES) : randomUnicode(random.nextInt(12)));
      case 6 -> frame.set(pick(FIELDS), random.nextBoolean() ? oddValue() : data(2));
      default -> boundaryName(frame);
    }
  }

  private String renamed(String field) {
    if (field.isEmpty()) {
      return pick(FIELDS);
    }
    return switch (random.nextInt(6)) {
      case 0 -> Character.toUpperCase(field.charAt(0)) + field.substring(1);
      case 1 -> field + field.charAt(field.length() - 1);
      case 2 -> field.substring(1);
      case 3 -> "";
      case 4 -> " " + field;
      default -> pick(FIELDS);
    };
  }

  /** Names at and just past their length limits, and the dot rules of room names. */
  private void boundaryName(ObjectNode frame) {
    switch (random.nextInt(7)) {
      case 0 -> frame.put("room", ROOM_PREFIX + "a".repeat(126));
      case 1 -> frame.put("room", ROOM_PREFIX + "a".repeat(127));
      case 2 -> frame.put("event", "e".repeat(64));
      case 3 -> frame.put("event", "e".repeat(65));
      case 4 -> frame.put("id", "i".repeat(64));
      case 5 -> frame.put("id", "i".repeat(65));
      default -> frame.put("timeout", pick(0, -1, -5000, Integer.MIN_VALUE));
    }
  }

  private JsonNode oddValue() {
    return switch (random.nextInt(10)) {
      case 0, 1 -> NODES.rawValueNode(new RawValue(pick(NUMBERS)));
      case 2 -> NODES.textNode(pick("", "x", "5000", "true", "null", "{}", "join"));
      case 3 -> NODES.objectNode();
      case 4 -> NODES.objectNode().put("a", 1).put("type", "ping");
      case 5 -> NODES.arrayNode();
      case 6 -> NODES.arrayNode().add(1).add("x").addNull();
      case 7 -> NODES.nullNode();
      case 8 -> NODES.booleanNode(random.nextBoolean());
      default -> NODES.numberNode(new BigInteger(64 + random.nextInt(200), random));
    };
  }

  private JsonNode oddRef() {
    return switch (random.nextInt(8)) {
      case 0 -> NODES.textNode("");
      case 1 -> NODES.textNode(randomUnicode(1 + random.nextInt(40)));
      case 2 -> NODES.textNode("r".repeat(1000 + random.nextInt(3000)));
      case 3 -> NODES.rawValueNode(new RawValue(pick("\"\\ud800\"", "\"x\\udc00\"", "\"\\u0000\"",
          "\"\\ud83d\\ude00\"", "\"\\uD83D\"", "\"\\/\\b\\f\\n\\r\\t\"")));
      default -> oddValue();
    };
  }

  // ---------------------------------------------------------------- byte mutations

  private String validOrMutated(Set<String> joined) {
    ObjectNode node = valid(joined);
    if (random.nextBoolean()) {
      mutateFields(node);
    }
    return encode(node);
  }

  private byte[] mutateBytes(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int mutations = 1 + random.nextInt(4);
    for (int i = 0; i < mutations; i++) {
      int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
      switch (random.nextInt(utf8Only ? 7 : 8)) {
        case 0 -> bytes = Arrays.copyOf(bytes, at);
        case 1 -> bytes = splice(bytes, at, 0, new byte[] {(byte) pickChar("{}[]\",:\\")});
        case 2 -> bytes = splice(bytes, at, 0, randomBytes(1 + random.nextInt(4)));
        case 3 -> bytes = splice(bytes, at, Math.min(bytes.length - at, 1 + random.nextInt(4)), new byte[0]);
        case 4 -> {
          if (bytes.length > 0) {
            bytes[at] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 5 -> bytes = splice(bytes, at, 0,
            Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + 1 + random.nextInt(10))));
        case 6 -> {
          if (bytes.length > 0) {
            bytes[at] = (byte) pickChar("0e-. nt\"");
          }
        }
        default -> bytes = splice(bytes, at, 0, NOT_UTF8[random.nextInt(NOT_UTF8.length)]);
      }
    }
    return bytes;
  }

  private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + insert.length);
    out.write(bytes, 0, at);
    out.write(insert, 0, insert.length);
    out.write(bytes, at + remove, bytes.length - at - remove);
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- other shapes

  private String randomText() {
    int length = random.nextInt(120);
    return switch (random.nextInt(3)) {
      case 0 -> {
        String alphabet = "{}[]\":,.-+0123456789eEtrufalsn \t\n\\/abc";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
          text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        yield text.toString();
      }
      case 1 -> randomUnicode(length);
      default -> {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
          text.append((char) (0x20 + random.nextInt(0x5f)));
        }
        yield text.toString();
      }
    };
  }

  /** Valid Unicode scalar values, mostly ASCII: any string a library client can send. */
  private String randomUnicode(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      int codePoint = switch (random.nextInt(4)) {
        case 0 -> random.nextInt(0x20);
        case 1 -> 0x80 + random.nextInt(0xd800 - 0x80);
        case 2 -> 0x10000 + random.nextInt(0x100000);
        default -> 0x20 + random.nextInt(0x5f);
      };
      text.appendCodePoint(codePoint);
    }
    return text.toString();
  }

  private String nested(Set<String> joined) {
    int depth = random.nextBoolean() ? 10 + random.nextInt(61) : 10 + random.nextInt(1991);
    boolean arrays = random.nextBoolean();
    String open = arrays ? "[" : "{\"a\":";
    String close = arrays ? "]" : "}";
    String inner = arrays ? "" : "1";
    boolean closed = random.nextInt(5) != 0;
    String value = open.repeat(depth) + inner + (closed ? close.repeat(depth) : close.repeat(depth / 2));
    return switch (random.nextInt(3)) {
      case 0 -> value;
      case 1 -> {
        ObjectNode publish = NODES.objectNode().put("type", "publish").put("room", joinedOr(joined))
            .put("event", "deep").put("ref", refPrefix + ++sequence);
        publish.putRawValue("data", new RawValue(value));
        yield encode(publish);
      }
      default -> {
        ObjectNode ping = NODES.objectNode().put("type", "ping");
        ping.putRawValue(random.nextBoolean() ? "ref" : "extra", new RawValue(value));
        yield encode(ping);
      }
    };
  }

  private String longStrings(Set<String> joined) {
    ObjectNode frame = valid(joined);
    int budget = maxBytes - 600;
    String filler = switch (random.nextInt(4)) {
      case 0 -> "x".repeat(1000 + random.nextInt(budget - 1000));
      case 1 -> "\u00e9".repeat(500 + random.nextInt(budget / 2 - 500));
      case 2 -> "\u20ac".repeat(300 + random.nextInt(budget / 3 - 300));
      default -> "\ud83d\ude00".repeat(200 + random.nextInt(budget / 4 - 200));
    };
    switch (random.nextInt(7)) {
      case 0 -> frame.put("data", filler);
      case 1 -> frame.put("room", ROOM_PREFIX + filler);
      case 2 -> frame.put("event", filler);
      case 3 -> frame.put("type", filler);
      case 4 -> frame.put("ref", filler);
      case 5 -> frame.put("id", filler);
      default -> {
        ObjectNode many = frame.putObject("data");
        for (int i = 0; i < 1000; i++) {
          many.put("f" + i, i);
        }
      }
    }
    return encode(frame);
  }

  private String nonObject() {
    return switch (random.nextInt(6)) {
      case 0 -> pick(NUMBERS);
      case 1 -> JSON.valueToTree(randomUnicode(random.nextInt(30))).toString();
      case 2 -> pick("null", "true", "false", " null ", "[]", "[1,2]", "[{\"type\":\"ping\"}]", "\"{}\"");
      case 3 -> encode(NODES.arrayNode().add(NODES.objectNode().put("type", "ping").put("ref", 1)));
      case 4 -> encode(data(3));
      default -> pick("nul", "tru", "1.", "-", "01", "+1", ".5", "NaN", "Infinity", "'x'", "{'type':'ping'}");
    };
  }

  private String duplicateKeys(Set<String> joined) {
    String frame = encode(valid(joined));
    String field = pick(FIELDS);
    String value = encode(random.nextBoolean() ? oddValue() : data(1));
    if (random.nextInt(3) == 0) {
      value = "type".equals(field) ? encode(NODES.textNode(pick(TYPES))) : encode(valid(joined).path("room"));
    }
    String pair = JSON.valueToTree(field).toString() + ":" + (value.isEmpty() ? "null" : value);
    if (frame.length() <= 2) {
      return "{" + pair + "," + pair + "}";
    }
    return random.nextBoolean() ? "{" + pair + "," + frame.substring(1)
        : frame.substring(0, frame.length() - 1) + "," + pair + "}";
  }

  private String trailing(Set<String> joined) {
    String frame = encode(valid(joined));
    return frame + pick(" ", "\n\t ", "x", "}", "]", ",", "{}", frame, "null", "\u0000", "//", "/* */", "\"\"",
        ",{\"type\":\"ping\"}");
  }

  // ---------------------------------------------------------------- helpers

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private char pickChar(String choices) {
    return choices.charAt(random.nextInt(choices.length()));
  }

  @SafeVarargs
  private <T> T pick(T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private static String encode(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

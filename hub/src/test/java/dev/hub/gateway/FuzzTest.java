package dev.hub.gateway;

import static dev.hub.test.HubQueries.userOnline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.gateway.FrameOracle.Reply;
import dev.hub.gateway.FuzzFrames.Frame;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.RawWebSocket;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Abuse resistance (issue "Security and abuse resistance"): over a hundred thousand random and mutated frames
 * from a fixed seed ({@link FuzzFrames}), sent over several concurrent connections in windows of
 * {@value #WINDOW} frames, the replies of each window read before the next is sent.
 *
 * <p>Every text frame a session sends gets exactly one reply, and what it is follows from PROTOCOL.md section 1
 * ({@link FrameOracle}): each window's replies must be exactly the predicted ones, an {@code error} with a
 * documented code and a message for every bad frame. Beside them run a bare-socket session sending the same
 * kind of frames byte for byte (so also text that is not UTF-8), a list of invalid UTF-8 cases, and messages
 * over {@code limits.maxFrameBytes}, which close with 1009. Throughout, two bystanders in rooms no fuzzed frame
 * can name receive nothing; afterwards the hub is healthy, serves a new client, holds no fuzzed session in
 * presence, and its heap is back near where it was.
 *
 * <p>The hub and its library clients run on the test's Vert.x. Each fuzzing task runs on a thread of its own and
 * reads its windows' replies with a bounded blocking wait: the plainest way to check over a hundred thousand
 * frames window by window, and none of those threads is a Vert.x thread.
 */
@ExtendWith(VertxExtension.class)
class FuzzTest {
  private static final long SEED = 20_240_611L;
  private static final int MAX_FRAME_BYTES = 16_384;
  private static final int MAX_ROOMS = 10;
  private static final int CLIENTS = 8;
  private static final int WINDOWS = 64;
  private static final int WINDOW = 200;
  private static final int RAW_WINDOWS = 16;
  private static final int MIN_FRAMES = 100_000;
  private static final long HEAP_TOLERANCE_BYTES = 32L * 1024 * 1024;
  /** No fuzzed frame can name a room with this prefix: see {@link FuzzFrames}. */
  private static final String BYSTANDER_PREFIX = "bystander-";
  private static final List<String> BYSTANDER_ROOMS = List.of("bystander-alice", "bystander-bob", "bystander-both");

  @Test
  void everyFuzzedFrameGetsItsReplyAndTheHubAndItsOtherSessionsAreUntouched(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(vertx, "limits.maxFrameBytes", Integer.toString(MAX_FRAME_BYTES),
        "limits.maxRoomsPerSession", Integer.toString(MAX_ROOMS),
        "limits.publishPerSecond", "1000000", "limits.publishBurst", "1000000",
        "limits.joinsPerSecond", "1000000", "limits.joinBurst", "1000000",
        "limits.requestsPerSecond", "1000000", "limits.requestBurst", "1000000",
        // Not a fuzz concern: a client busy sending must not be cut loose as a slow reader (4008).
        "limits.maxQueuedBytes", Integer.toString(64 * 1024 * 1024));
        WsClient alice = hub.connect("user=bystander-alice");
        WsClient bob = hub.connect("user=bystander-bob")) {
      alice.await("welcome");
      bob.await("welcome");
      alice.join("bystander-alice");
      bob.join("bystander-bob");
      alice.join("bystander-both");
      bob.join("bystander-both");
      alice.await("presence_diff");
      long heapBefore = settledHeapUsed();

      long started = System.nanoTime();
      Tally tally = runConcurrently(hub);
      printFigures(tally, (System.nanoTime() - started) / 1_000_000_000);
      assertTrue(tally.get("sent") >= MIN_FRAMES, () -> "only " + tally.get("sent") + " frames");
      assertEquals(tally.get("sent") - tally.get("closing"), tally.get("replies"),
          "one reply per frame, except the frames that closed their connection");

      bystandersSawNothingAndStillWork(alice, bob);
      JsonNode totals = Eventually.until("presence back to the two bystanders",
          () -> Frames.parse(hub.get("/api/presence").body()),
          t -> t.get("connections").asInt() == 2 && t.get("users").asInt() == 2
              && t.get("rooms").asInt() == BYSTANDER_ROOMS.size());
      assertEquals(1, totals.get("nodes").asInt());
      hubServesANewClient(hub);

      long heapAfter = settledHeapUsed();
      System.out.printf("[figure] heap used after GC: %.1f MB before the fuzz, %.1f MB after (tolerance +%d MB)%n",
          heapBefore / 1048576.0, heapAfter / 1048576.0, HEAP_TOLERANCE_BYTES >> 20);
      assertTrue(heapAfter <= heapBefore + HEAP_TOLERANCE_BYTES,
          () -> "heap used grew from " + heapBefore + " to " + heapAfter + " bytes");
    }
  }

  private static void printFigures(Tally tally, long seconds) {
    System.out.printf("[figure] fuzz: %d frames sent (%d text, %d binary) over %d connections in %d s%n",
        tally.get("sent"), tally.get("sent") - tally.get("kind.BINARY"), tally.get("kind.BINARY"),
        tally.get("connections"), seconds);
    System.out.println("[figure] fuzz frames by kind: " + tally.line("kind."));
    System.out.println("[figure] fuzz replies by type: " + tally.line("reply."));
    System.out.println("[figure] fuzz errors by code: " + tally.line("error."));
    System.out.println("[figure] fuzz frames that were not replies: " + tally.line("other."));
    System.out.println("[figure] fuzz closes: " + tally.line("close."));
  }

  /** Nothing reached the bystanders while the fuzz ran (the ping's pong comes after anything sent before it). */
  private static void bystandersSawNothingAndStillWork(WsClient alice, WsClient bob) {
    for (WsClient bystander : List.of(alice, bob)) {
      assertEquals("pong", bystander.request("type", "ping").get("type").asText());
      assertEquals(List.of(), bystander.waiting(), "a bystander received something during the fuzz");
    }
    alice.request("type", "publish", "room", "bystander-both", "event", "after-fuzz", "data", 1);
    bob.request("type", "publish", "room", "bystander-bob", "event", "after-fuzz", "data", 2);
    assertEquals(1, alice.events("bystander-both", 1).get(0).get("data").asInt());
    assertEquals(1, bob.events("bystander-both", 1).get(0).get("data").asInt());
    assertEquals(2, bob.events("bystander-bob", 1).get(0).get("data").asInt());
  }

  private static void hubServesANewClient(TestHub hub) {
    assertEquals(200, hub.get("/health").statusCode());
    try (WsClient fresh = hub.connect("user=after-fuzz")) {
      assertEquals(1, fresh.join("fz-1").get("members").asInt(), "no fuzzed session is left in a room");
      fresh.request("type", "publish", "room", "fz-1", "event", "hello", "data", "still up");
      assertEquals("still up", fresh.events("fz-1", 1).get(0).get("data").asText());
    }
  }

  /** Every fuzzing task at once, each on its own connections; their counts summed. */
  private static Tally runConcurrently(TestHub hub) throws Exception {
    List<Callable<Tally>> tasks = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      int index = i;
      tasks.add(() -> fuzzWithClient(hub, index));
    }
    tasks.add(() -> fuzzWithRawSocket(hub));
    tasks.add(() -> invalidUtf8(hub));
    tasks.add(() -> oversized(hub));
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      Tally sum = new Tally();
      for (Future<Tally> done : pool.invokeAll(tasks)) {
        try {
          sum.addAll(done.get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          if (e.getCause() instanceof RuntimeException failure) {
            throw failure;
          }
          throw e;
        }
      }
      return sum;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One library client sending generated frames; every reply checked against the oracle, window by window. */
  private static Tally fuzzWithClient(TestHub hub, int index) {
    Tally tally = new Tally();
    FrameOracle oracle = new FrameOracle(MAX_ROOMS);
    FuzzFrames frames = new FuzzFrames(SEED + index, "c" + index + "-", MAX_FRAME_BYTES, true);
    try (WsClient client = hub.connect("user=fuzz-" + index)) {
      client.await("welcome");
      tally.add("connections");
      for (int window = 0; window < WINDOWS; window++) {
        Map<Reply, List<Frame>> expected = new HashMap<>();
        for (int i = 0; i < WINDOW; i++) {
          Frame frame = frames.next(oracle.rooms());
          if (frame.binary()) {
            client.sendBinary(frame.payload());
            expect(expected, FrameOracle.binary(), frame);
          } else {
            client.sendText(new String(frame.payload(), StandardCharsets.UTF_8));
            expect(expected, oracle.text(frame.payload()), frame);
          }
          tally.sent(frame);
        }
        String where = "fuzz-" + index + " window " + window;
        checkReplies(where, expected, client.await(FuzzTest::isReply, WINDOW), tally);
        checkOthers(where, client.takeAll(f -> !isReply(f)), tally);
      }
      JsonNode pong = client.request("type", "ping");
      assertEquals("pong", pong.get("type").asText(), "fuzz-" + index + " still served");
      assertFalse(client.isClosed(), "fuzz-" + index + " still open");
      assertEquals(List.of(), client.takeAll(FuzzTest::isReply), "fuzz-" + index + ": a reply too many");
      checkOthers("fuzz-" + index + " at the end", client.takeAll(f -> true), tally);
    }
    return tally;
  }

  /**
   * A bare socket sending generated frames exactly as made, text that is not UTF-8 included: the same checks
   * as {@link #fuzzWithClient}.
   */
  private static Tally fuzzWithRawSocket(TestHub hub) throws IOException {
    Tally tally = new Tally();
    FrameOracle oracle = new FrameOracle(MAX_ROOMS);
    FuzzFrames frames = new FuzzFrames(SEED + CLIENTS, "raw-", MAX_FRAME_BYTES, false);
    try (RawWebSocket raw = RawWebSocket.connect(hub.port(), "user=fuzz-raw")) {
      assertEquals("welcome", readFrame(raw).get("type").asText());
      tally.add("connections");
      for (int window = 0; window < RAW_WINDOWS; window++) {
        Map<Reply, List<Frame>> expected = new HashMap<>();
        for (int i = 0; i < WINDOW; i++) {
          Frame frame = frames.next(oracle.rooms());
          raw.sendFrame(frame.binary() ? RawWebSocket.OP_BINARY : RawWebSocket.OP_TEXT, true, frame.payload());
          expect(expected, frame.binary() ? FrameOracle.binary() : oracle.text(frame.payload()), frame);
          tally.sent(frame);
        }
        List<JsonNode> replies = new ArrayList<>();
        List<JsonNode> others = new ArrayList<>();
        while (replies.size() < WINDOW) {
          JsonNode frame = readFrame(raw);
          (isReply(frame) ? replies : others).add(frame);
        }
        String where = "fuzz-raw window " + window;
        checkReplies(where, expected, replies, tally);
        checkOthers(where, others, tally);
      }
      raw.sendText("{\"type\":\"ping\",\"ref\":\"raw-last\"}".getBytes(StandardCharsets.UTF_8));
      JsonNode last = readFrame(raw);
      while (!isReply(last)) {
        checkOthers("fuzz-raw at the end", List.of(last), tally);
        last = readFrame(raw);
      }
      assertEquals("raw-last", last.path("ref").asText(), "fuzz-raw: a reply too many, or none: " + last);
    }
    return tally;
  }

  /**
   * Text frames that are not UTF-8: each answered {@code bad_json} without a ref, on a connection that stays,
   * while the UTF-8 edge cases around them are served.
   */
  private static Tally invalidUtf8(TestHub hub) throws IOException {
    Tally tally = new Tally();
    byte[][] invalid = {{(byte) 0x80}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xc1, (byte) 0xbf},
        {(byte) 0xe0, (byte) 0x9f, (byte) 0xbf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xed, (byte) 0xbf, (byte) 0xbf}, {(byte) 0xf0, (byte) 0x8f, (byte) 0xbf, (byte) 0xbf},
        {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0xfe}, {(byte) 0xff}, {(byte) 0xc3, 'x'}, {(byte) 0xe2, (byte) 0x82, 'x'}, {(byte) 0xc3}};
    // The largest or smallest code point of each encoding length, and the ones around the surrogates.
    byte[][] valid = {{(byte) 0x7f}, {(byte) 0xc2, (byte) 0x80}, {(byte) 0xdf, (byte) 0xbf},
        {(byte) 0xe0, (byte) 0xa0, (byte) 0x80}, {(byte) 0xed, (byte) 0x9f, (byte) 0xbf},
        {(byte) 0xee, (byte) 0x80, (byte) 0x80}, {(byte) 0xef, (byte) 0xbf, (byte) 0xbf},
        {(byte) 0xf0, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xf4, (byte) 0x8f, (byte) 0xbf, (byte) 0xbf}};
    try (RawWebSocket raw = RawWebSocket.connect(hub.port(), "user=fuzz-utf8")) {
      assertEquals("welcome", readFrame(raw).get("type").asText());
      tally.add("connections");
      for (byte[] bytes : invalid) {
        String hex = hex(bytes);
        // Inside the ref, inside a key, between tokens, and after the object.
        for (byte[] frame : List.of(concat("{\"type\":\"ping\",\"ref\":\"a", bytes, "\"}"),
            concat("{\"type\":\"ping\",\"", bytes, "\":1}"), concat("{\"type\":\"ping\",", bytes, "\"ref\":1}"),
            concat("{\"type\":\"ping\"}", bytes, ""), concat("", bytes, ""))) {
          raw.sendText(frame);
          tally.add("sent");
          tally.add("kind.INVALID_UTF8");
          JsonNode reply = readFrame(raw);
          assertEquals("error", reply.path("type").asText(), () -> hex + ": " + reply);
          assertEquals("bad_json", reply.path("code").asText(), () -> hex + ": " + reply);
          assertFalse(reply.has("ref"), () -> hex + ": " + reply);
          tally.reply(reply);
        }
      }
      for (byte[] bytes : valid) {
        raw.sendText(concat("{\"type\":\"ping\",\"ref\":\"", bytes, "\"}"));
        tally.add("sent");
        tally.add("kind.UTF8_EDGE");
        JsonNode reply = readFrame(raw);
        assertEquals("pong", reply.path("type").asText(), () -> hex(bytes) + ": " + reply);
        assertEquals(new String(bytes, StandardCharsets.UTF_8), reply.path("ref").asText(), hex(bytes));
        tally.reply(reply);
      }
      // A character split over two fragments is still one character; a broken one is still broken.
      raw.sendFrame(RawWebSocket.OP_TEXT, false, concat("{\"type\":\"ping\",\"ref\":\"", new byte[] {(byte) 0xc3}, ""));
      raw.sendFrame(RawWebSocket.OP_CONTINUATION, true, concat("", new byte[] {(byte) 0xa9}, "\"}"));
      raw.sendFrame(RawWebSocket.OP_TEXT, false, concat("{\"type\":\"ping\",\"ref\":\"", new byte[] {(byte) 0xc3}, ""));
      raw.sendFrame(RawWebSocket.OP_CONTINUATION, true, "x\"}".getBytes(StandardCharsets.UTF_8));
      tally.add("sent", 2);
      tally.add("kind.UTF8_EDGE", 2);
      JsonNode joined = readFrame(raw);
      assertEquals("\u00e9", joined.path("ref").asText(), joined::toString);
      JsonNode broken = readFrame(raw);
      assertEquals("bad_json", broken.path("code").asText(), broken::toString);
      tally.reply(joined);
      tally.reply(broken);
      raw.sendText("{\"type\":\"ping\",\"ref\":\"still-open\"}".getBytes(StandardCharsets.UTF_8));
      assertEquals("still-open", readFrame(raw).path("ref").asText(), "the connection stays after bad UTF-8");
    }
    return tally;
  }

  /**
   * Messages over {@code limits.maxFrameBytes}, each on a connection of its own: one exactly at the limit is
   * served; over it, whole or in fragments, the connection closes with 1009; over twice the limit the decoder
   * refuses the frame itself (1009, or 1006 when the close frame is lost). Every such session leaves presence.
   */
  private static Tally oversized(TestHub hub) throws IOException {
    Tally tally = new Tally();
    try (WsClient atLimit = hub.connect("user=oversize-0")) {
      atLimit.await("welcome");
      atLimit.sendText(pingOfExactly(MAX_FRAME_BYTES));
      assertEquals("pong", atLimit.await(FuzzTest::isReply).get("type").asText(), "a message at the limit");
      atLimit.sendText(pingOfExactly(MAX_FRAME_BYTES + 1));
      assertEquals(1009, atLimit.awaitClose());
      tally.add("sent", 2);
      tally.add("replies");
      tally.add("reply.pong");
      tally.add("closing");
      tally.add("close.1009");
    }
    for (int size : new int[] {MAX_FRAME_BYTES + 1000, 2 * MAX_FRAME_BYTES}) {
      try (WsClient big = hub.connect("user=oversize-" + size)) {
        big.await("welcome");
        big.sendText(pingOfExactly(size));
        assertEquals(1009, big.awaitClose(), size + " bytes");
        assertTrue(big.waiting().stream().noneMatch(FuzzTest::isReply), "an oversized message is not served");
        tally.add("sent");
        tally.add("closing");
        tally.add("close.1009");
      }
    }
    try (RawWebSocket fragmented = RawWebSocket.connect(hub.port(), "user=oversize-fragmented")) {
      readFrame(fragmented);
      byte[] part = pingOfExactly(MAX_FRAME_BYTES / 2 + 10).getBytes(StandardCharsets.UTF_8);
      fragmented.sendFrame(RawWebSocket.OP_TEXT, false, Arrays.copyOf(part, part.length - 2));
      fragmented.sendFrame(RawWebSocket.OP_CONTINUATION, false, "xxxxxxxxxx".getBytes(StandardCharsets.UTF_8));
      fragmented.sendFrame(RawWebSocket.OP_CONTINUATION, true, part);
      assertEquals(1009, fragmented.readUntilClose(), "fragments over the limit together");
      tally.add("sent");
      tally.add("closing");
      tally.add("close.1009");
    }
    try (WsClient huge = hub.connect("user=oversize-huge")) {
      huge.await("welcome");
      huge.sendText(pingOfExactly(2 * MAX_FRAME_BYTES + 1));
      int code = huge.awaitClose();
      assertTrue(code == 1009 || code == 1006, "over twice the limit closed with " + code);
      tally.add("sent");
      tally.add("closing");
      tally.add("close." + code + " (over twice the limit)");
    }
    for (String user : List.of("oversize-0", "oversize-" + (MAX_FRAME_BYTES + 1000),
        "oversize-" + 2 * MAX_FRAME_BYTES, "oversize-fragmented", "oversize-huge")) {
      Eventually.until(user + " out of presence", () -> userOnline(hub, user), online -> !online);
    }
    tally.add("connections", 5);
    return tally;
  }

  private static void expect(Map<Reply, List<Frame>> expected, Reply reply, Frame frame) {
    expected.computeIfAbsent(reply, r -> new ArrayList<>()).add(frame);
  }

  /** A window's replies are exactly the predicted ones, each well formed for its type. */
  private static void checkReplies(String where, Map<Reply, List<Frame>> expected, List<JsonNode> replies,
      Tally tally) {
    List<String> unexpected = new ArrayList<>();
    for (JsonNode frame : replies) {
      checkShape(where, frame);
      tally.reply(frame);
      Reply got = Reply.of(frame);
      boolean publishAck = "ack".equals(got.type()) && got.room() == null;
      if (!take(expected, got) && !(publishAck && take(expected, got.withServerId()))) {
        unexpected.add(frame + sentWith(expected, frame.path("ref")));
      }
    }
    if (!unexpected.isEmpty() || !expected.isEmpty()) {
      fail(where + ": replies not as predicted.\n  unexpected:\n    " + clip(unexpected) + "\n  missing:\n    "
          + clip(expected.entrySet().stream().flatMap(e -> e.getValue().stream()
              .map(frame -> e.getKey() + " to " + describe(frame))).toList()));
    }
  }

  /** For a failure message: the frames still waiting for a reply that carry the ref of this one. */
  private static String sentWith(Map<Reply, List<Frame>> expected, JsonNode ref) {
    if (ref.isMissingNode()) {
      return "";
    }
    String text = ref.isTextual() ? ref.textValue() : ref.toString();
    return expected.values().stream().flatMap(List::stream)
        .filter(f -> new String(f.payload(), StandardCharsets.UTF_8).contains(text))
        .map(f -> "\n      sent as " + describe(f)).collect(Collectors.joining());
  }

  private static boolean take(Map<Reply, List<Frame>> expected, Reply reply) {
    List<Frame> frames = expected.get(reply);
    if (frames == null) {
      return false;
    }
    frames.remove(0);
    if (frames.isEmpty()) {
      expected.remove(reply);
    }
    return true;
  }

  private static String describe(Frame frame) {
    byte[] bytes = frame.payload();
    String payload = frame.binary() ? hex(Arrays.copyOf(bytes, Math.min(40, bytes.length)))
        : new String(bytes, StandardCharsets.UTF_8);
    return frame.kind() + (frame.binary() ? " binary " : " ") + frame.payload().length + " bytes: "
        + (payload.length() <= 300 ? payload : payload.substring(0, 300) + "...");
  }

  private static void checkShape(String where, JsonNode reply) {
    switch (reply.path("type").asText()) {
      case "error" -> {
        assertTrue(FrameOracle.ERROR_CODES.contains(reply.path("code").asText()), () -> where + ": " + reply);
        assertFalse(reply.path("message").asText().isBlank(), () -> where + ": no message in " + reply);
      }
      case "ack" -> {
        if (reply.has("members")) {
          assertTrue(reply.get("members").asInt() >= 1, () -> where + ": " + reply);
        }
        if (!reply.has("room")) {
          assertFalse(reply.path("id").asText().isEmpty(), () -> where + ": publish ack without id " + reply);
        }
      }
      case "pong" -> assertTrue(reply.path("ts").asLong() > 0, () -> where + ": " + reply);
      case "presence" -> assertTrue(reply.path("members").isArray(), () -> where + ": " + reply);
      default -> fail(where + ": unexpected reply " + reply);
    }
  }

  /** Frames that are not replies: only events and presence changes, of rooms that are not the bystanders'. */
  private static void checkOthers(String where, List<JsonNode> frames, Tally tally) {
    for (JsonNode frame : frames) {
      String type = frame.path("type").asText();
      List<JsonNode> rooms = switch (type) {
        case "event", "presence_diff" -> List.of(frame.path("room"));
        case "batch" -> {
          List<JsonNode> events = new ArrayList<>();
          frame.path("events").forEach(e -> events.add(e.path("room")));
          yield events;
        }
        default -> fail(where + ": unexpected frame " + frame);
      };
      assertFalse(rooms.isEmpty(), () -> where + ": " + frame);
      for (JsonNode room : rooms) {
        assertFalse(room.asText().startsWith(BYSTANDER_PREFIX), () -> where + ": " + frame);
      }
      tally.add("other." + type);
    }
  }

  private static boolean isReply(JsonNode frame) {
    return FrameOracle.REPLY_TYPES.contains(frame.path("type").asText());
  }

  private static JsonNode readFrame(RawWebSocket raw) throws IOException {
    String text = raw.readText();
    assertNotNull(text, "the server closed a connection that should stay");
    return Frames.parse(text);
  }

  /** A ping whose UTF-8 encoding is exactly {@code bytes} long. */
  private static String pingOfExactly(int bytes) {
    String head = "{\"type\":\"ping\",\"ref\":\"";
    return head + "p".repeat(bytes - head.length() - 2) + "\"}";
  }

  private static byte[] concat(String before, byte[] middle, String after) {
    byte[] head = before.getBytes(StandardCharsets.UTF_8);
    byte[] tail = after.getBytes(StandardCharsets.UTF_8);
    byte[] all = Arrays.copyOf(head, head.length + middle.length + tail.length);
    System.arraycopy(middle, 0, all, head.length, middle.length);
    System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
    return all;
  }

  private static String hex(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (byte b : bytes) {
      hex.append(String.format("%02x ", b & 0xff));
    }
    return hex.toString().trim();
  }

  private static String clip(List<String> items) {
    return items.size() <= 10 ? String.join("\n    ", items)
        : String.join("\n    ", items.subList(0, 10)) + "\n    and " + (items.size() - 10) + " more";
  }

  /** Heap in use after full collections, the least of a few readings so that garbage made meanwhile is not counted. */
  private static long settledHeapUsed() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      memory.gc();
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  /** Counts by name, one per task, summed at the end. */
  private static final class Tally {
    private final Map<String, Long> counts = new TreeMap<>();

    void add(String name) {
      add(name, 1);
    }

    void add(String name, long n) {
      counts.merge(name, n, Long::sum);
    }

    void sent(Frame frame) {
      add("sent");
      add("kind." + frame.kind());
    }

    void reply(JsonNode reply) {
      String type = reply.path("type").asText();
      add("replies");
      add("reply." + type);
      if ("error".equals(type)) {
        add("error." + reply.path("code").asText());
      }
    }

    void addAll(Tally other) {
      other.counts.forEach(this::add);
    }

    long get(String name) {
      return counts.getOrDefault(name, 0L);
    }

    String line(String prefix) {
      return counts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
          .map(e -> e.getKey().substring(prefix.length()) + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
  }
}

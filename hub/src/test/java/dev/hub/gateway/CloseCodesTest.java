package dev.hub.gateway;

import static dev.hub.test.AsyncChecks.expectClose;
import static dev.hub.test.HubQueries.metric;
import static dev.hub.test.HubQueries.metricOrZero;
import static dev.hub.test.HubQueries.roomPresenceCount;
import static dev.hub.test.HubQueries.userOnline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.RawWebSocket;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The close codes of PROTOCOL.md sections 1 and 2, each triggered for real: 1000, 1009, 4000 and 4008. Every
 * closed session leaves presence, the sessions around it keep working, and {@code /metrics} counts the close
 * under its code. Each hub and its clients run on the test's Vert.x; a close code arriving is a checkpoint.
 */
@ExtendWith(VertxExtension.class)
class CloseCodesTest {
  private static final int MAX_FRAME_BYTES = 1024;
  private static final long HEARTBEAT_TIMEOUT_MS = 400;
  private static final int EVENT_PAD_CHARS = 30_000;
  /** Far more than loopback buffers and the queue bound can hold; the test stops as soon as the close is seen. */
  private static final int MAX_FLOOD_EVENTS = 3_000;
  private static final int FLOOD_CHUNK = 25;
  private static final int ATTEMPTS = 10;
  /** Close codes a client picks from the range applications may use (3000 to 4999), every fourth one. */
  private static final int CLIENT_CODES = 500;

  @Test
  void messageOverMaxFrameBytesClosesWith1009AndOthersKeepWorking(Vertx vertx, VertxTestContext test) {
    try (TestHub hub = TestHub.start(vertx, "limits.maxFrameBytes", Integer.toString(MAX_FRAME_BYTES));
        WsClient big = hub.connect("user=big-sender");
        WsClient bystander = hub.connect("user=bystander")) {
      big.join("sizes");
      bystander.join("sizes");
      assertEquals(2, roomPresenceCount(hub, "sizes"));

      big.sendText(pingOfExactly(MAX_FRAME_BYTES, "at-limit"));
      JsonNode pong = big.await(f -> "at-limit".equals(f.path("ref").asText()));
      assertEquals("pong", pong.get("type").asText(), "a message exactly at the limit is served");

      expectClose(test, test.checkpoint(), big, 1009);
      big.sendText(pingOfExactly(MAX_FRAME_BYTES + 1, "over-limit"));
      AsyncChecks.await(test, "close 1009 of the oversized message's sender");
      assertTrue(big.waiting().stream().noneMatch(f -> "over-limit".equals(f.path("ref").asText())),
          "the oversized message is not served");

      awaitRoomCount(hub, "sizes", 1);
      assertEquals("pong", bystander.request("type", "ping").get("type").asText());
      JsonNode ack = bystander.request("type", "publish", "room", "sizes", "event", "still-here");
      assertEquals("ack", ack.get("type").asText());
      assertEquals("still-here", bystander.events("sizes", 1).get(0).get("event").asText());
      awaitMetricAtLeast(hub, "hub_closes_total{code=\"1009\"}", 1);
    }
  }

  @Test
  void oversizedMessageRightBehindOthersStillGetsItsCloseFrame(Vertx vertx, VertxTestContext test) {
    try (TestHub hub = TestHub.start(vertx, "limits.maxFrameBytes", Integer.toString(MAX_FRAME_BYTES))) {
      Checkpoint closes = test.checkpoint(ATTEMPTS);
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        WsClient client = hub.connect();
        client.await("welcome");
        expectClose(test, closes, client, 1009);
        // Sent without waiting, so the hub usually reads them together with the oversized one: its close frame
        // must not be lost with the read that was in progress.
        for (int i = 0; i < 8; i++) {
          client.sendText(pingOfExactly(MAX_FRAME_BYTES, "burst-" + i));
        }
        client.sendText(pingOfExactly(MAX_FRAME_BYTES + 1, "over-limit"));
      }
      AsyncChecks.await(test, "close 1009 of each of " + ATTEMPTS + " senders");
      awaitMetricAtLeast(hub, "hub_closes_total{code=\"1009\"}", ATTEMPTS);
    }
  }

  @Test
  void silentClientIsClosedWith4000WhileAPongingClientStays(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(vertx, "heartbeat.intervalMs", "100",
        "heartbeat.timeoutMs", Long.toString(HEARTBEAT_TIMEOUT_MS));
        WsClient alive = hub.connect("user=ponging")) {
      alive.join("beats");
      try (RawWebSocket silent = RawWebSocket.connect(hub.port(), "user=silent")) {
        Eventually.until("the silent session in presence", () -> userOnline(hub, "silent"), online -> online);
        assertEquals(4000, silent.readUntilClose());
        assertTrue(silent.pingsSeen() >= 1, "the hub pinged before giving up");
        Eventually.until("the silent session out of presence", () -> userOnline(hub, "silent"), online -> !online);
      }

      // The hub closes only after heartbeat.timeoutMs of silence, so the ponging client, connected before the
      // silent one, has now been connected longer than the timeout, sending nothing but automatic pongs.
      assertFalse(alive.isClosed(), "a client that answers pings is not timed out");
      assertEquals("pong", alive.request("type", "ping").get("type").asText());
      assertTrue(userOnline(hub, "ponging"));
      assertEquals(1, roomPresenceCount(hub, "beats"));
      awaitMetricAtLeast(hub, "hub_closes_total{code=\"4000\"}", 1);
    }
  }

  @Test
  void stalledReaderIsClosedWith4008WhileTheRoomKeepsFlowing(Vertx vertx, VertxTestContext test) {
    String room = "flood";
    try (TestHub hub = TestHub.start(vertx, "limits.maxQueuedBytes", "65536");
        WsClient publisher = hub.connect("user=publisher");
        WsClient reader = hub.connect("user=reader");
        WsClient stalled = hub.connect("user=stalled")) {
      publisher.join(room);
      reader.join(room);
      stalled.join(room);
      assertEquals(3, roomPresenceCount(hub, room));
      stalled.pause();

      String pad = "x".repeat(EVENT_PAD_CHARS);
      int published = 0;
      while (roomPresenceCount(hub, room) == 3) {
        if (published >= MAX_FLOOD_EVENTS) {
          fail("the stalled reader was not closed after " + published + " events of " + EVENT_PAD_CHARS + " bytes");
        }
        for (int i = 0; i < FLOOD_CHUNK; i++, published++) {
          JsonNode ack = publisher.request("type", "publish", "room", room, "event", "bulk", "echo", false,
              "data", Frames.object("n", published, "pad", pad));
          assertEquals("ack", ack.get("type").asText(), ack::toString);
        }
        // The reader keeps up chunk by chunk: a stalled member must not hold anyone else back.
        List<JsonNode> received = reader.events(room, FLOOD_CHUNK);
        for (int i = 0; i < FLOOD_CHUNK; i++) {
          assertEquals(published - FLOOD_CHUNK + i, received.get(i).get("data").get("n").asInt(), "in order");
        }
      }

      assertEquals(2, roomPresenceCount(hub, room), "the stalled reader left presence");
      assertFalse(userOnline(hub, "stalled"));
      expectClose(test, test.checkpoint(), stalled, 4008);
      stalled.resume();
      AsyncChecks.await(test, "close 4008 of the stalled reader");

      JsonNode ack = publisher.request("type", "publish", "room", room, "event", "after", "echo", false);
      assertEquals("ack", ack.get("type").asText());
      assertEquals("after", reader.events(room, 1).get(0).get("event").asText());
      awaitMetricAtLeast(hub, "hub_closes_total{code=\"4008\"}", 1);
    }
  }

  @Test
  void normalCloseLeavesPresenceAtOnce(Vertx vertx) {
    try (TestHub hub = TestHub.start(vertx); WsClient staying = hub.connect("user=staying")) {
      staying.join("goodbyes");
      WsClient leaving = hub.connect("user=leaving");
      leaving.join("goodbyes");
      assertEquals(2, roomPresenceCount(hub, "goodbyes"));

      leaving.close();
      assertTrue(leaving.isClosed());
      // Read your writes: the socket is gone, so presence already shows it once the server has seen the close.
      awaitRoomCount(hub, "goodbyes", 1);
      assertFalse(userOnline(hub, "leaving"));
      assertTrue(userOnline(hub, "staying"));
      awaitMetricAtLeast(hub, "hub_closes_total{code=\"1000\"}", 1);
    }
  }

  @Test
  void metricsCountClosesByCode(Vertx vertx, VertxTestContext test) throws Exception {
    try (TestHub hub = TestHub.start(vertx, "limits.maxFrameBytes", Integer.toString(MAX_FRAME_BYTES),
        "heartbeat.intervalMs", "100", "heartbeat.timeoutMs", Long.toString(HEARTBEAT_TIMEOUT_MS))) {
      WsClient normal = hub.connect();
      normal.await("welcome");
      normal.close();
      WsClient oversized = hub.connect();
      expectClose(test, test.checkpoint(), oversized, 1009);
      oversized.sendText(pingOfExactly(MAX_FRAME_BYTES + 1, "too-big"));
      AsyncChecks.await(test, "close 1009 of the oversized message's sender");
      try (RawWebSocket silent = RawWebSocket.connect(hub.port(), "")) {
        assertEquals(4000, silent.readUntilClose());
      }

      for (String code : List.of("1000", "1009", "4000")) {
        awaitMetricAtLeast(hub, "hub_closes_total{code=\"" + code + "\"}", 1);
      }
      assertEquals(0, metricOrZero(hub, "hub_closes_total{code=\"4008\"}"), "only codes that happened are counted");
      Eventually.until("hub_connections back to 0", () -> metric(hub, "hub_connections"), open -> open == 0);
    }
  }

  /**
   * A client chooses its close code, so the metric's {@code code} label takes only the protocol's own codes (and
   * 1006, a connection ended without a close frame) and counts every other as {@code other}: {@value
   * #CLIENT_CODES} clients each closing with its own code from 3000 to 4999 add at most the protocol's codes in
   * that range and {@code other}, and every close is counted.
   */
  @Test
  void closeCodesAClientChoosesAreCountedAsOtherUnlessTheProtocolNamesThem(Vertx vertx) throws Exception {
    Set<String> known = Set.of("1000", "1001", "1006", "1009", "4000", "4001", "4003", "4008", "4029", "other");
    try (TestHub hub = TestHub.start(vertx)) {
      for (int i = 0; i < CLIENT_CODES; i++) {
        int code = 3000 + 4 * i;
        try (RawWebSocket client = RawWebSocket.connect(hub.port(), "")) {
          client.sendFrame(RawWebSocket.OP_CLOSE, true, new byte[] {(byte) (code >>> 8), (byte) code});
          assertEquals(code, client.readUntilClose(), "the hub answers the close with the client's code");
        }
      }
      Eventually.until("every session closed", () -> metric(hub, "hub_connections"), open -> open == 0);
      Map<String, Double> closes = closesByLabel(hub);
      assertTrue(known.containsAll(closes.keySet()), () -> "labels beyond the protocol's codes: " + closes.keySet());
      assertEquals(CLIENT_CODES, closes.values().stream().mapToDouble(Double::doubleValue).sum(), 0.0,
          () -> "each close counted once: " + closes);
      assertTrue(closes.getOrDefault("other", 0.0) >= CLIENT_CODES - 5, () -> "counted as other: " + closes);
    }
  }

  /** Every {@code hub_closes_total} sample of {@code /metrics}, by its {@code code} label. */
  private static Map<String, Double> closesByLabel(TestHub hub) {
    Matcher sample = Pattern.compile("(?m)^hub_closes_total\\{code=\"([^\"]*)\"} (\\S+)$")
        .matcher(hub.get("/metrics").body());
    Map<String, Double> closes = new TreeMap<>();
    while (sample.find()) {
      closes.put(sample.group(1), Double.parseDouble(sample.group(2)));
    }
    return closes;
  }

  /** A {@code ping} frame of exactly {@code bytes} UTF-8 bytes, padded with an ignored field. */
  private static String pingOfExactly(int bytes, String ref) {
    String empty = Frames.object("type", "ping", "ref", ref, "pad", "").toString();
    int padding = bytes - empty.getBytes(StandardCharsets.UTF_8).length;
    String frame = Frames.object("type", "ping", "ref", ref, "pad", "p".repeat(padding)).toString();
    assertEquals(bytes, frame.getBytes(StandardCharsets.UTF_8).length);
    return frame;
  }

  private static void awaitRoomCount(TestHub hub, String room, int count) {
    Eventually.until("room " + room + " with " + count + " member(s) in presence",
        () -> roomPresenceCount(hub, room), members -> members == count);
  }

  private static void awaitMetricAtLeast(TestHub hub, String sample, double least) {
    Eventually.until(sample + " >= " + least, () -> metricOrZero(hub, sample), value -> value >= least);
  }
}

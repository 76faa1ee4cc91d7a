package dev.hub.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.presence.Totals;
import dev.hub.test.Frames;
import dev.hub.test.RawWebSocket;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.http.UpgradeRejectedException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown, in one JVM (DESIGN.md, PROTOCOL.md section 1): held batches are flushed, every client gets
 * {@code bye} and close 1001, presence is cleaned up, the stop fits in {@code shutdown.graceMs}, and a draining
 * node refuses new upgrades with 503 and reports itself not ready.
 */
class ShutdownTest {
  private static final long GRACE_MS = 5_000;
  private static final JsonNode BYE = Frames.object("type", "bye", "reason", "shutdown", "reconnect", true);

  @Test
  void stopFlushesSaysByeAndClosesEveryClientWith1001WithinTheGracePeriod() throws Exception {
    TestHub hub = TestHub.start("shutdown.graceMs", Long.toString(GRACE_MS), "batch.events", "logs:*",
        "batch.maxEvents", "100", "batch.maxDelayMs", "60000");
    List<WsClient> members = new ArrayList<>();
    WsClient loner = null;
    try (RawWebSocket silent = RawWebSocket.connect(hub.port(), "user=silent")) {
      for (int i = 0; i < 6; i++) {
        WsClient member = hub.connect("user=member-" + i);
        member.join("shutdown-" + (i % 2));
        member.join("shutdown-all");
        members.add(member);
      }
      // Each member first hears of everyone who joined after it: a presence_diff arriving after the publish
      // would flush the held batch before the drain does.
      for (int i = 0; i < members.size(); i++) {
        for (int j = i + 1; j < members.size(); j++) {
          awaitJoinDiff(members.get(i), "shutdown-all", "member-" + j);
          if (i % 2 == j % 2) {
            awaitJoinDiff(members.get(i), "shutdown-" + (i % 2), "member-" + j);
          }
        }
      }
      JsonNode sharedAck = members.get(0).request("type", "publish", "room", "shutdown-all", "event", "logs:last",
          "data", "shared");
      // The loner is in no room with anyone, so no presence_diff of a leaving member can flush what it holds:
      // only the drain itself can.
      loner = hub.connect("user=loner");
      loner.join("shutdown-loner");
      JsonNode lonerAck = loner.request("type", "publish", "room", "shutdown-loner", "event", "logs:mine",
          "data", "own");
      // Held by every member (a minute's delay, room for 100); the replies are not.
      for (WsClient client : allOf(members, loner)) {
        assertEquals("pong", client.request("type", "ping").get("type").asText());
        assertTrue(client.waiting().stream().noneMatch(f -> "batch".equals(f.path("type").asText())),
            () -> "the events are still held, the replies came first: " + client.waiting());
      }

      long started = System.nanoTime();
      hub.stop();
      long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(stopMs < GRACE_MS, "stop took " + stopMs + " ms, more than shutdown.graceMs " + GRACE_MS);

      for (WsClient member : members) {
        List<JsonNode> frames = closedWithByeLast(member);
        // Leave diffs of members drained first may come before this member's own bye; they flush too.
        JsonNode batch = frames.stream().filter(f -> "batch".equals(f.path("type").asText())).findFirst()
            .orElseThrow(() -> new AssertionError("the held batch was flushed before bye: " + frames));
        assertEquals(1, batch.get("events").size());
        assertEquals(sharedAck.get("id").asText(), batch.get("events").get(0).get("id").asText());
        assertEquals("shared", batch.get("events").get(0).get("data").asText());
      }
      List<JsonNode> lonerFrames = closedWithByeLast(loner);
      JsonNode lonerBatch = lonerFrames.get(lonerFrames.size() - 2);
      assertEquals("batch", lonerBatch.path("type").asText(), () -> "the drain flushed first: " + lonerFrames);
      assertEquals(lonerAck.get("id").asText(), lonerBatch.get("events").get(0).get("id").asText());
      // A client that never answers the close handshake neither holds up the stop nor misses its code.
      assertEquals(1001, silent.readUntilClose());

      Totals left = hub.hub().presence().totals().await(5, TimeUnit.SECONDS);
      assertEquals(0, left.connections(), "every session's presence was removed");
      assertEquals(0, left.rooms(), "no room is left with members");
    } finally {
      members.forEach(WsClient::close);
      if (loner != null) {
        loner.close();
      }
      hub.close();
    }
  }

  @Test
  void aDrainingNodeRefusesUpgradesWith503AndIsNotReady() {
    try (TestHub hub = TestHub.start("shutdown.graceMs", Long.toString(GRACE_MS));
        WsClient connected = hub.connect()) {
      connected.join("draining");
      assertEquals(200, hub.get("/ready").statusCode());

      hub.hub().startDraining();

      Throwable refusal = WsClient.refusal(hub.port(), "user=late");
      assertTrue(refusal instanceof UpgradeRejectedException, refusal::toString);
      assertEquals(503, ((UpgradeRejectedException) refusal).getStatus());
      HttpResponse<String> ready = hub.get("/ready");
      assertEquals(503, ready.statusCode());
      assertEquals("DOWN", Frames.parse(ready.body()).get("status").asText(), ready::body);
      assertEquals(200, hub.get("/health").statusCode(), "the process still serves");
      assertEquals("pong", connected.request("type", "ping").get("type").asText(),
          "sessions already open are served until the drain closes them");

      hub.stop();
      closedWithByeLast(connected);
    }
  }

  private static void awaitJoinDiff(WsClient member, String room, String joiner) {
    member.await(f -> "presence_diff".equals(f.path("type").asText()) && room.equals(f.path("room").asText())
        && joiner.equals(f.path("joins").path(0).path("user").asText()));
  }

  /** Waits for close 1001 and checks that {@code bye} was the last frame; returns the frames received. */
  private static List<JsonNode> closedWithByeLast(WsClient client) {
    assertEquals(1001, client.awaitClose());
    List<JsonNode> frames = client.waiting();
    assertTrue(!frames.isEmpty() && BYE.equals(frames.get(frames.size() - 1)),
        () -> "bye is the last frame before the close: " + frames);
    return frames;
  }

  private static List<WsClient> allOf(List<WsClient> some, WsClient one) {
    List<WsClient> all = new ArrayList<>(some);
    all.add(one);
    return all;
  }
}

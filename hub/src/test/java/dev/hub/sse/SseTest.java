package dev.hub.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.HubQueries;
import dev.hub.test.SseReader;
import dev.hub.test.TestHub;
import dev.hub.test.Tokens;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /sse} with a plain HTTP client (PROTOCOL.md section 3): events as SSE messages, heartbeat comments,
 * presence like a WebSocket session, {@code Last-Event-ID} recovery, {@code bye} on shutdown, and refusals
 * before the stream starts. The hubs and the WebSocket publishers run on the test's Vert.x; the SSE reader is a
 * JDK HTTP client on purpose, as far from the hub's stack as {@code curl -N}.
 */
@ExtendWith(VertxExtension.class)
class SseTest {

  @Test
  void eventsOfEveryRoomArriveAsMessagesAndTheReaderCountsInPresence(Vertx vertx) {
    try (TestHub hub = TestHub.start(vertx);
        WsClient publisher = hub.connect("user=pub");
        SseReader reader = SseReader.open(hub.port(), "rooms=sse-a,sse-b&user=reader", Map.of())) {
      assertEquals(200, reader.status());
      assertTrue(reader.response().headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
      assertEquals("retry: 2000", reader.line(), "retry comes first");
      Eventually.until("the reader in both rooms", () -> HubQueries.roomPresenceCount(hub, "sse-b"), n -> n == 1);
      assertEquals("reader", Frames.parse(hub.get("/api/rooms/sse-a/presence").body())
          .get("members").get(0).get("user").asText());
      publisher.join("sse-a");
      publisher.join("sse-b");
      String id = publisher.request("type", "publish", "room", "sse-a", "event", "chat:msg", "data",
          Frames.object("text", "hi")).get("id").asText();
      publisher.request("type", "publish", "room", "sse-b", "event", "other", "data", 2);
      SseReader.Message first = reader.message();
      assertEquals(id, first.id());
      assertEquals("chat:msg", first.event());
      JsonNode data = Frames.parse(first.data());
      assertEquals("sse-a", data.get("room").asText());
      assertEquals("hi", data.get("data").get("text").asText());
      assertEquals("pub", data.get("from").asText());
      assertTrue(data.get("ts").asLong() > 0);
      SseReader.Message second = reader.message();
      assertEquals("other", second.event());
      assertEquals(2, Frames.parse(second.data()).get("data").asInt());
    }
  }

  @Test
  void heartbeatCommentsKeepASilentReaderOpenPastTheTimeout(Vertx vertx) {
    try (TestHub hub = TestHub.start(vertx, "heartbeat.intervalMs", "100", "heartbeat.timeoutMs", "300");
        SseReader reader = SseReader.open(hub.port(), "rooms=beat", Map.of())) {
      for (int i = 0; i < 8; i++) {
        reader.awaitLine(": hb");
      }
      Eventually.until("still a member after eight beats", () -> HubQueries.roomPresenceCount(hub, "beat"),
          n -> n == 1);
    }
  }

  @Test
  void lastEventIdReplaysWhatTheReaderMissedInAHistoryRoom(Vertx vertx) {
    try (TestHub hub = TestHub.start(vertx, "history.rooms", "kept:*");
        WsClient publisher = hub.connect()) {
      publisher.join("kept:feed");
      String seen = null;
      for (int i = 1; i <= 5; i++) {
        String id = publisher.request("type", "publish", "room", "kept:feed", "event", "e", "data", i)
            .get("id").asText();
        if (i == 2) {
          seen = id;
        }
      }
      try (SseReader reader = SseReader.open(hub.port(), "rooms=kept:feed", Map.of("Last-Event-ID", seen))) {
        for (int i = 3; i <= 5; i++) {
          JsonNode data = Frames.parse(reader.message().data());
          assertEquals(i, data.get("data").asInt());
          assertEquals(i, data.get("seq").asLong());
        }
        Eventually.until("the reader joined", () -> HubQueries.roomPresenceCount(hub, "kept:feed"), n -> n == 2);
        publisher.request("type", "publish", "room", "kept:feed", "event", "e", "data", 6);
        assertEquals(6, Frames.parse(reader.message().data()).get("seq").asLong(), "then live, no gap");
      }
      try (SseReader byQuery = SseReader.open(hub.port(), "rooms=kept:feed&lastEventId=" + seen, Map.of())) {
        assertEquals(3, Frames.parse(byQuery.message().data()).get("seq").asLong());
      }
    }
  }

  @Test
  void shutdownSendsByeThenEndsTheStream(Vertx vertx) {
    TestHub hub = TestHub.start(vertx, "shutdown.graceMs", "5000");
    try (SseReader reader = SseReader.open(hub.port(), "rooms=closing", Map.of())) {
      Eventually.until("the reader joined", () -> HubQueries.roomPresenceCount(hub, "closing"), n -> n == 1);
      hub.stop();
      SseReader.Message bye = reader.message();
      assertEquals("bye", bye.event());
      assertEquals("shutdown", Frames.parse(bye.data()).get("reason").asText());
      assertNull(reader.message(), "the stream ends after bye");
    } finally {
      hub.close();
    }
  }

  @Test
  void badRoomsAndForbiddenRoomsAreRefusedBeforeTheStreamStarts(Vertx vertx) {
    try (TestHub open = TestHub.start(vertx)) {
      assertEquals(400, SseReader.open(open.port(), "user=x", Map.of()).status(), "no rooms");
      assertEquals(400, SseReader.open(open.port(), "rooms=ok,bad%20name", Map.of()).status());
      assertEquals(400, SseReader.open(open.port(), "rooms=a&user=bad%20user", Map.of()).status());
    }
    try (TestHub secured = TestHub.start(vertx, "auth.secret", Tokens.SECRET)) {
      String token = Tokens.hs256(Tokens.user("ann", "team.*", null));
      assertEquals(401, SseReader.open(secured.port(), "rooms=team.a", Map.of()).status());
      assertEquals(403, SseReader.open(secured.port(), "rooms=team.a,private&token=" + token, Map.of()).status());
      try (SseReader allowed = SseReader.open(secured.port(), "rooms=team.a", Map.of("Authorization",
          "Bearer " + token))) {
        assertEquals(200, allowed.status());
        assertEquals("retry: 2000", allowed.line());
      }
    }
  }
}

package dev.hub.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.JetStreams;
import dev.hub.test.NatsServer;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code nats.jetstream: true}: publishes wait for a stream's ack; what no stream takes is retried, then goes to
 * {@code hub.dlq}, or, where even that has no stream, to the dead-letter file that the API lists and replays.
 * Also the file's other use: events beyond {@code nats.bufferBytes} during an outage. Each hub and its client run on
 * the test's Vert.x; what the server stored and what the file holds are polled with a bound.
 */
@ExtendWith(VertxExtension.class)
class NatsJetStreamTest {

  @Test
  void publishesAreStoredAndAcknowledgedWithTheEventIdAndUser(Vertx vertx) {
    try (NatsServer nats = NatsServer.startJetStream()) {
      Connection service = nats.connect();
      JetStreams.create(service, "ACKED", "hub.events.acked");
      JetStreams.create(service, "PRESENCE", "hub.presence.>");
      try (TestHub hub = TestHub.start(vertx, nats.hubFlags("nats.jetstream", "true"));
          WsClient ann = hub.connect("user=ann")) {
        ann.join("acked");
        for (int i = 0; i < 10; i++) {
          ann.request("type", "publish", "room", "acked", "event", "e", "data", i, "id", "a-" + i);
        }
        Eventually.until("ten stored", () -> JetStreams.count(service, "ACKED"), n -> n == 10);
        List<MessageInfo> stored = JetStreams.messages(service, "ACKED");
        for (int i = 0; i < 10; i++) {
          assertEquals("a-" + i, stored.get(i).getHeaders().getFirst("Nats-Msg-Id"));
          assertEquals("ann", stored.get(i).getHeaders().getFirst("Hub-User"));
        }
        Eventually.until("the join stored", () -> JetStreams.count(service, "PRESENCE"), n -> n == 1);
        Eventually.until("nothing pending", () -> hub.get("/ready").body(), b -> b.contains("\"pendingBytes\":0"));
        assertEquals(0, Frames.parse(hub.get("/api/dlq").body()).get("count").asInt());
        assertTrue(hub.get("/metrics").body().contains("hub_nats_messages_total{direction=\"out\"} 11.0"));
      }
    }
  }

  @Test
  void whatNoStreamTakesIsRetriedThenGoesToTheDlqSubject(Vertx vertx) {
    try (NatsServer nats = NatsServer.startJetStream()) {
      Connection service = nats.connect();
      JetStreams.create(service, "DLQ", "hub.dlq");
      JetStreams.create(service, "PRESENCE", "hub.presence.>");
      try (TestHub hub = TestHub.start(vertx, nats.hubFlags("nats.jetstream", "true", "nats.maxAttempts", "3"));
          WsClient ann = hub.connect("user=ann")) {
        JsonNode welcome = ann.await("welcome");
        ann.join("nostream");
        ann.request("type", "publish", "room", "nostream", "event", "lost", "data", Frames.object("x", 1), "id", "n-1");
        Eventually.until("dead-lettered on hub.dlq", () -> JetStreams.count(service, "DLQ"), n -> n == 1);
        JsonNode entry = Frames.parse(new String(JetStreams.messages(service, "DLQ").get(0).getData()));
        assertEquals("hub.events.nostream", entry.get("subject").asText());
        assertEquals("n-1", entry.get("msgId").asText());
        assertEquals(3, entry.get("attempts").asInt());
        assertTrue(entry.get("error").asText().contains("503"), entry::toString);
        assertTrue(entry.get("failedAt").asLong() > 0);
        assertEquals("nostream", entry.get("room").asText(), "the event's own fields are there");
        assertEquals(1, entry.get("data").get("x").asInt());
        assertEquals(welcome.get("session").asText(), entry.get("session").asText());
        assertEquals(0, Frames.parse(hub.get("/api/dlq").body()).get("count").asInt(), "not in the file");
        assertTrue(hub.get("/metrics").body().contains("hub_nats_retries_total 2.0"));
      }
    }
  }

  @Test
  void whereEvenTheDlqSubjectHasNoStreamTheFileKeepsItAndReplaySendsItAgain(Vertx vertx) {
    try (NatsServer nats = NatsServer.startJetStream()) {
      Connection service = nats.connect();
      JetStreams.create(service, "PRESENCE", "hub.presence.>");
      try (TestHub hub = TestHub.start(vertx, nats.hubFlags("nats.jetstream", "true", "nats.maxAttempts", "2"));
          WsClient ann = hub.connect("user=ann")) {
        ann.join("later");
        ann.request("type", "publish", "room", "later", "event", "e", "data", 1, "id", "l-1");
        ann.request("type", "publish", "room", "later", "event", "e", "data", 2, "id", "l-2");
        JsonNode page = Eventually.until("both in the file", () -> Frames.parse(hub.get("/api/dlq").body()),
            p -> p.get("count").asInt() == 2);
        JsonNode first = page.get("entries").get(0);
        assertEquals("l-1", first.get("msgId").asText());
        assertEquals("hub.events.later", first.get("subject").asText());
        assertEquals(2, first.get("attempts").asInt());
        assertEquals(1, Frames.parse(hub.get("/api/dlq?limit=1").body()).get("entries").size());

        JetStreams.create(service, "LATER", "hub.events.later");
        HttpResponse<String> replay = hub.post("/api/dlq/replay", "");
        assertEquals(202, replay.statusCode(), replay.body());
        assertEquals(2, Frames.parse(replay.body()).get("replayed").asInt());
        Eventually.until("both stored", () -> JetStreams.count(service, "LATER"), n -> n == 2);
        List<MessageInfo> stored = JetStreams.messages(service, "LATER");
        assertEquals("l-1", stored.get(0).getHeaders().getFirst("Nats-Msg-Id"));
        assertEquals("l-2", stored.get(1).getHeaders().getFirst("Nats-Msg-Id"));
        JsonNode event = Frames.parse(new String(stored.get(0).getData()));
        assertEquals(1, event.get("data").asInt());
        assertFalse(event.has("error") || event.has("attempts") || event.has("subject"), () -> "as it was: " + event);
        Eventually.until("the file emptied", () -> Frames.parse(hub.get("/api/dlq").body()).get("count").asInt(),
            n -> n == 0);
      }
    }
  }

  private static int deadLetters(TestHub hub) {
    return Frames.parse(hub.get("/api/dlq").body()).get("count").asInt();
  }

  @Test
  void eventsBeyondTheBufferDuringAnOutageGoToTheFileAndAllArriveInOrderAfter(Vertx vertx) {
    try (NatsServer nats = NatsServer.startJetStream()) {
      // The stream is made before the outage, so it records whatever the hub sends the moment it is back.
      Connection service = nats.connect();
      JetStreams.create(service, "BIG", "hub.events.big");
      nats.kill();
      try (TestHub hub = TestHub.start(vertx, nats.hubFlags("nats.bufferBytes", "2048",
          "nats.connectTimeoutMs", "300"));
          WsClient ann = hub.connect("user=ann")) {
        ann.join("big");
        String padding = "x".repeat(300);
        for (int i = 0; i < 10; i++) {
          ann.request("type", "publish", "room", "big", "event", "e", "data", padding, "id", "b-" + i);
        }
        Eventually.until("an overflow in the file", () -> deadLetters(hub), n -> n > 0);

        nats.restart();
        Eventually.until("the held ones sent", () -> hub.get("/ready").body(),
            b -> b.contains("\"connected\"") && b.contains("\"pendingBytes\":0"));
        // Every event is either stored (it was held) or in the file (it did not fit).
        Eventually.until("ten accounted for", () -> JetStreams.count(service, "BIG") + deadLetters(hub), n -> n == 10);
        long held = JetStreams.count(service, "BIG");
        JsonNode page = Frames.parse(hub.get("/api/dlq").body());
        assertTrue(held > 0 && held < 10, () -> "the buffer held some, the file the rest: " + page);
        assertEquals("b-" + held, page.get("entries").get(0).get("msgId").asText());
        assertTrue(page.get("entries").get(0).get("error").asText().contains("buffer full"), page::toString);

        assertEquals(202, hub.post("/api/dlq/replay", "").statusCode());
        List<String> ids = Eventually.until("all ten stored", () -> JetStreams.messages(service, "BIG").stream()
            .map(m -> m.getHeaders().getFirst("Nats-Msg-Id")).toList(), list -> list.size() == 10);
        assertEquals(IntStream.range(0, 10).mapToObj(i -> "b-" + i).toList(), ids,
            "the held ones, then the replayed overflow: all, in order");
      }
    }
  }
}

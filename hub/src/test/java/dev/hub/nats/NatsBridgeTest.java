package dev.hub.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.NatsMessages;
import dev.hub.test.NatsServer;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One hub with the bridge in core mode, a real nats-server, and the test's own jnats connection as the "service":
 * PROTOCOL.md section 8 subject by subject. The hub and its clients run on the class's Vert.x from the extension;
 * events reaching members, messages reaching the service and replies reaching a client are checkpoints.
 */
@ExtendWith(VertxExtension.class)
class NatsBridgeTest {
  private static NatsServer nats;
  private static TestHub hub;
  private static Connection service;

  @BeforeAll
  static void start(Vertx vertx) {
    nats = NatsServer.start();
    hub = TestHub.start(vertx, nats.hubFlags("nats.requestTimeoutMs", "800", "nats.maxRequestTimeoutMs", "1000"));
    service = nats.connect();
    Eventually.until("the bridge connected", () -> hub.get("/ready").body(), body -> body.contains("\"nats\":\"UP\""));
  }

  @AfterAll
  static void stop() {
    hub.close();
    nats.close();
  }

  // Inbound: services to room members

  @Test
  void anEnvelopeReachesTheRoomsMembersAsAnEventWithoutFrom(VertxTestContext test) {
    try (WsClient ann = hub.connect("user=ann"); WsClient bob = hub.connect("user=bob")) {
      ann.join("inbound");
      bob.join("inbound");
      Checkpoint delivered = test.checkpoint(2);
      for (WsClient member : List.of(ann, bob)) {
        member.nextEvents("inbound", 1).onComplete(test.succeeding(events -> test.verify(() -> {
          JsonNode event = events.get(0);
          assertEquals("order:shipped", event.get("event").asText());
          assertEquals(7, event.get("data").get("n").asInt());
          assertEquals("o-7", event.get("id").asText(), "the service's id is kept");
          assertFalse(event.has("from"), () -> "NATS events have no from: " + event);
          assertTrue(event.get("ts").asLong() > 0);
          delivered.flag();
        })));
      }
      service.publish("hub.rooms.inbound", bytes("{\"event\":\"order:shipped\",\"data\":{\"n\":7},\"id\":\"o-7\"}"));
      AsyncChecks.await(test, "the envelope's event at both members");
    }
  }

  @Test
  void anythingElseIsTheDataOfEventMessage(VertxTestContext test) {
    try (WsClient member = hub.connect()) {
      member.join("raw");
      Checkpoint delivered = test.checkpoint();
      member.nextEvents("raw", 6).onComplete(test.succeeding(events -> test.verify(() -> {
        for (JsonNode event : events.subList(0, 5)) {
          assertEquals("message", event.get("event").asText(), event::toString);
          assertFalse(event.get("id").asText().isEmpty(), "an id is assigned");
        }
        assertEquals(42, events.get(0).get("data").asInt());
        assertEquals(Frames.parse("{\"event\":\"x\",\"data\":1,\"extra\":true}"), events.get(1).get("data"),
            "an object with other fields than event, data and id is not an envelope");
        assertEquals("bad name!", events.get(2).get("data").get("event").asText());
        assertEquals("plain text, not JSON", events.get(3).get("data").asText(), "bytes that are not JSON: a string");
        assertEquals("", events.get(4).get("data").asText());
        assertEquals("no-data", events.get(5).get("event").asText());
        assertTrue(events.get(5).get("data").isNull(), "an envelope without data delivers null");
        delivered.flag();
      })));
      service.publish("hub.rooms.raw", bytes("42"));
      service.publish("hub.rooms.raw", bytes("{\"event\":\"x\",\"data\":1,\"extra\":true}"));
      service.publish("hub.rooms.raw", bytes("{\"event\":\"bad name!\"}"));
      service.publish("hub.rooms.raw", bytes("plain text, not JSON"));
      service.publish("hub.rooms.raw", new byte[0]);
      service.publish("hub.rooms.raw", bytes("{\"event\":\"no-data\"}"));
      AsyncChecks.await(test, "six events, five of them event message");
    }
  }

  @Test
  void aRepeatedEnvelopeIdIsDeliveredOnce(VertxTestContext test) {
    try (WsClient member = hub.connect()) {
      member.join("dedup");
      Checkpoint delivered = test.checkpoint();
      member.nextEvents("dedup", 2).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals(1, events.get(0).get("data").asInt());
        assertEquals("end", events.get(1).get("event").asText(), "the repeat was dropped");
        delivered.flag();
      })));
      service.publish("hub.rooms.dedup", bytes("{\"event\":\"e\",\"data\":1,\"id\":\"same\"}"));
      service.publish("hub.rooms.dedup", bytes("{\"event\":\"e\",\"data\":2,\"id\":\"same\"}"));
      service.publish("hub.rooms.dedup", bytes("{\"event\":\"end\"}"));
      AsyncChecks.await(test, "the first of the repeated id, then the end");
    }
  }

  @Test
  void roomsWithoutMembersAndBadSubjectsAreIgnored(VertxTestContext test) {
    try (WsClient member = hub.connect()) {
      member.join("quiet");
      Checkpoint heard = test.checkpoint();
      member.nextEvents("quiet", 1).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals("heard", events.get(0).get("event").asText());
        heard.flag();
      })));
      service.publish("hub.rooms.nobody-here", bytes("{\"event\":\"lost\"}"));
      service.publish("hub.rooms.bad!room", bytes("{\"event\":\"lost\"}"));
      service.publish("hub.rooms.quiet", bytes("{\"event\":\"heard\"}"));
      AsyncChecks.await(test, "the event of the room with a member");
      assertTrue(member.waiting().stream().noneMatch(f -> "event".equals(f.path("type").asText())));
    }
  }

  // Outbound: client publishes and presence

  @Test
  void anAcceptedClientPublishGoesOutOnceWithItsIdAndUserInHeaders(VertxTestContext test) {
    NatsMessages out = NatsMessages.subscribe(service, "hub.events.>");
    try (WsClient ann = hub.connect("user=ann")) {
      JsonNode welcome = ann.await("welcome");
      ann.join("outbound");
      Checkpoint sent = test.checkpoint();
      out.first(2).onComplete(test.succeeding(messages -> test.verify(() -> {
        Message first = messages.get(0);
        assertEquals("hub.events.outbound", first.getSubject());
        JsonNode body = NatsMessages.json(first);
        assertEquals("outbound", body.get("room").asText());
        assertEquals("chat:msg", body.get("event").asText());
        assertEquals("hi", body.get("data").get("text").asText());
        assertEquals("m-1", body.get("id").asText());
        assertTrue(body.get("ts").asLong() > 0);
        assertEquals("ann", body.get("user").asText());
        assertEquals(welcome.get("session").asText(), body.get("session").asText());
        assertEquals(hub.hub().name(), body.get("node").asText());
        assertEquals("m-1", first.getHeaders().getFirst("Nats-Msg-Id"));
        assertEquals("ann", first.getHeaders().getFirst("Hub-User"));
        assertEquals("second", NatsMessages.json(messages.get(1)).get("event").asText(),
            "the repeat and the HTTP publish did not go out; echo:false did");
        sent.flag();
      })));
      JsonNode ack = ann.request("type", "publish", "room", "outbound", "event", "chat:msg",
          "data", Frames.object("text", "hi"), "id", "m-1");
      JsonNode repeat = ann.request("type", "publish", "room", "outbound", "event", "chat:msg",
          "data", Frames.object("text", "hi"), "id", "m-1");
      assertEquals(ack.get("id"), repeat.get("id"));
      hub.post("/api/rooms/outbound/events", "{\"event\":\"from-http\"}");
      ann.request("type", "publish", "room", "outbound", "event", "second", "echo", false);
      AsyncChecks.await(test, "the first publish and the echo:false one on hub.events");
      assertEquals(ann.request("type", "ping").get("type").asText(), "pong");
      NatsMessages.flush(service);
      assertEquals(2, out.all().size(), () -> "nothing more: " + out.all());
    }
  }

  @Test
  void everyJoinAndLeaveGoesOutOnPresence(VertxTestContext test) {
    NatsMessages presence = NatsMessages.subscribe(service, "hub.presence.lobby-p");
    Checkpoint announced = test.checkpoint();
    presence.first(4).onComplete(test.succeeding(changes -> test.verify(() -> {
      List<String> seen = changes.stream().map(NatsMessages::json)
          .map(c -> c.get("type").asText() + ":" + c.get("user").asText()).toList();
      assertEquals(List.of("join:ann", "join:bob", "leave:ann", "leave:bob"), seen);
      JsonNode join = NatsMessages.json(changes.get(0));
      assertEquals("lobby-p", join.get("room").asText());
      assertEquals(hub.hub().name(), join.get("node").asText());
      assertFalse(join.get("session").asText().isEmpty());
      assertTrue(join.get("ts").asLong() > 0);
      assertEquals("ann", changes.get(0).getHeaders().getFirst("Hub-User"));
      assertNotEquals(changes.get(0).getHeaders().getFirst("Nats-Msg-Id"),
          changes.get(2).getHeaders().getFirst("Nats-Msg-Id"), "each change has its own id");
      announced.flag();
    })));
    try (WsClient ann = hub.connect("user=ann")) {
      ann.join("lobby-p");
      WsClient bob = hub.connect("user=bob");
      bob.join("lobby-p");
      ann.request("type", "leave", "room", "lobby-p");
      bob.close();
      AsyncChecks.await(test, "two joins and two leaves on hub.presence");
    }
  }

  // Request-reply

  @Test
  void aRequestGetsTheRespondersReplyAsData(VertxTestContext test) {
    Dispatcher responder = service.createDispatcher(msg -> {
      JsonNode request = NatsMessages.json(msg);
      service.publish(msg.getReplyTo(), bytes("{\"echo\":" + request.get("data") + ",\"user\":\""
          + request.get("user").asText() + "\",\"event\":\"" + request.get("event").asText() + "\"}"));
    });
    responder.subscribe("hub.requests.echo");
    NatsMessages.flush(service);
    try (WsClient ann = hub.connect("user=ann")) {
      Checkpoint replied = test.checkpoint();
      ann.requestAsync("type", "request", "event", "echo", "data", Frames.object("q", 1))
          .onComplete(test.succeeding(reply -> test.verify(() -> {
            assertEquals("reply", reply.get("type").asText(), reply::toString);
            assertEquals(1, reply.get("data").get("echo").get("q").asInt());
            assertEquals("ann", reply.get("data").get("user").asText());
            assertEquals("echo", reply.get("data").get("event").asText());
            replied.flag();
          })));
      AsyncChecks.await(test, "the responder's reply");
    } finally {
      service.closeDispatcher(responder);
    }
  }

  @Test
  void aRequestNobodyServesAnswersNoResponders(VertxTestContext test) {
    try (WsClient ann = hub.connect()) {
      Checkpoint answered = test.checkpoint();
      ann.requestAsync("type", "request", "event", "nobody.listens", "data", 1, "timeout", 3000)
          .onComplete(test.succeeding(error -> test.verify(() -> {
            assertEquals("no_responders", error.get("code").asText(), error::toString);
            answered.flag();
          })));
      AsyncChecks.await(test, "no_responders for a subject nobody serves");
    }
  }

  @Test
  void aSilentResponderTimesOutAtTheFramesTimeoutCutToTheMaximum(VertxTestContext test) {
    Dispatcher silent = service.createDispatcher(msg -> {
    });
    silent.subscribe("hub.requests.slow");
    NatsMessages.flush(service);
    try (WsClient ann = hub.connect()) {
      long started = System.nanoTime();
      Checkpoint timedOut = test.checkpoint();
      ann.requestAsync("type", "request", "event", "slow", "timeout", 200)
          .compose(error -> {
            test.verify(() -> assertEquals("timeout", error.get("code").asText(), error::toString));
            return ann.requestAsync("type", "request", "event", "slow", "timeout", 600_000);
          })
          .onComplete(test.succeeding(capped -> test.verify(() -> {
            assertEquals("timeout", capped.get("code").asText(), "cut to nats.maxRequestTimeoutMs, not 10 minutes");
            timedOut.flag();
          })));
      AsyncChecks.await(test, "both requests timed out");
      assertTrue(System.nanoTime() - started < 9_000_000_000L, "both answered within the wait");
    } finally {
      service.closeDispatcher(silent);
    }
  }

  // State

  @Test
  void theLinksStateShowsInReadyMetricsAndNodes() {
    JsonNode ready = Frames.parse(hub.get("/ready").body());
    assertEquals("UP", ready.get("checks").get("nats").asText());
    JsonNode link = ready.get("details").get("nats");
    assertEquals("connected", link.get("state").asText());
    assertEquals(nats.url(), link.get("server").asText());
    assertTrue(link.has("pendingBytes"));

    String metrics = hub.get("/metrics").body();
    assertTrue(metrics.contains("hub_nats_state{state=\"connected\"} 1.0"), metrics);
    assertTrue(metrics.contains("hub_nats_pending_bytes"), metrics);

    JsonNode node = Eventually.until("the link's state in /api/nodes",
        () -> Frames.parse(hub.get("/api/nodes").body()).get("nodes").get(0),
        n -> "connected".equals(n.path("nats").path("state").asText()));
    assertEquals(nats.url(), node.get("nats").get("server").asText());
  }

  @Test
  void theDeadLetterListIsEmptyWhileEverythingArrives() {
    JsonNode page = Frames.parse(hub.get("/api/dlq").body());
    assertEquals(0, page.get("count").asInt());
    assertEquals(0, page.get("entries").size());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

package dev.hub.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Frames;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every client frame of PROTOCOL.md section 1 and its reply, over real WebSocket connections; run against one
 * node and against a cluster, the way Vert.x runs one event-bus suite local and clustered. In each test the
 * first client connects to {@link #first()} and the second to {@link #second()}: the same node, or two. The
 * clients run on the class's Vert.x from the extension (and so does the single node); events arriving at members
 * and refused upgrades are checkpoints.
 */
@ExtendWith(VertxExtension.class)
abstract class ProtocolSuite {
  /** The settings every node of the suite runs with. */
  static final String[] SETTINGS = {"limits.maxRoomsPerSession", "3"};

  /** Where the first client of a test connects. */
  abstract TestHub first();

  /** Where the second client of a test connects. */
  abstract TestHub second();

  @Test
  void welcomeComesFirstWithTheSessionAndTheNamedUser() {
    try (WsClient ann = first().connect("user=ann")) {
      JsonNode welcome = ann.await(f -> true);
      assertEquals("welcome", welcome.get("type").asText());
      assertEquals("ann", welcome.get("user").asText());
      assertEquals(first().hub().name(), welcome.get("node").asText());
      assertEquals(30000, welcome.get("heartbeat").asLong());
      assertEquals(1, welcome.get("protocol").asInt());
      assertFalse(welcome.get("session").asText().isEmpty());
    }
  }

  @Test
  void anonymousUserIsNamedAfterTheSession() {
    try (WsClient anon = first().connect()) {
      JsonNode welcome = anon.await("welcome");
      assertEquals("anon-" + welcome.get("session").asText(), welcome.get("user").asText());
    }
  }

  @Test
  void badUserNameIsRefusedWithHttp400(VertxTestContext test) {
    Checkpoint refused = test.checkpoint(2);
    for (String query : List.of("user=bad%20name", "user=" + "u".repeat(129))) {
      first().webSockets().connect(WsClient.options(first().port(), query)).onComplete(test.failing(refusal ->
          test.verify(() -> {
            assertTrue(refusal instanceof UpgradeRejectedException, () -> query + ": " + refusal);
            assertEquals(400, ((UpgradeRejectedException) refusal).getStatus(), query);
            refused.flag();
          })));
    }
    AsyncChecks.await(test, "400 for a user name with a space and for one of 129 characters");
  }

  @Test
  void joinAcksWithTheClusterWideMemberCountAndPublishReachesEveryMember(VertxTestContext test) {
    try (WsClient ann = first().connect("user=ann"); WsClient bob = second().connect("user=bob")) {
      JsonNode first = ann.join("lobby-1");
      assertEquals("lobby-1", first.get("room").asText());
      assertEquals(1, first.get("members").asInt());
      assertEquals(2, bob.join("lobby-1").get("members").asInt());

      JsonNode ack = ann.request("type", "publish", "room", "lobby-1", "event", "chat:msg",
          "data", Frames.object("text", "hi"));
      assertEquals("ack", ack.get("type").asText());
      String id = ack.get("id").asText();
      Checkpoint delivered = test.checkpoint(2);
      for (WsClient member : List.of(ann, bob)) {
        member.nextEvents("lobby-1", 1).onComplete(test.succeeding(events -> test.verify(() -> {
          JsonNode event = events.get(0);
          assertEquals("event", event.get("type").asText());
          assertEquals("chat:msg", event.get("event").asText());
          assertEquals("hi", event.get("data").get("text").asText());
          assertEquals(id, event.get("id").asText());
          assertEquals("ann", event.get("from").asText());
          assertTrue(event.get("ts").asLong() > 0);
          assertFalse(event.has("seq"), "no history, so no seq");
          delivered.flag();
        })));
      }
      AsyncChecks.await(test, "the event at both members");
    }
  }

  @Test
  void publishWithoutDataDeliversNullAndStringRefsAreEchoed(VertxTestContext test) {
    try (WsClient ann = first().connect()) {
      ann.join("nodata");
      ann.send("type", "publish", "room", "nodata", "event", "e", "ref", "abc");
      JsonNode ack = ann.await(f -> "ack".equals(f.path("type").asText()));
      assertEquals("abc", ack.get("ref").asText());
      Checkpoint delivered = test.checkpoint();
      ann.nextEvents("nodata", 1).onComplete(test.succeeding(events -> test.verify(() -> {
        JsonNode event = events.get(0);
        assertTrue(event.has("data") && event.get("data").isNull(), event.toString());
        delivered.flag();
      })));
      AsyncChecks.await(test, "the event without data");
    }
  }

  @Test
  void echoFalseSkipsTheSenderOnly(VertxTestContext test) {
    try (WsClient ann = first().connect(); WsClient bob = second().connect()) {
      ann.join("echo");
      bob.join("echo");
      ann.request("type", "publish", "room", "echo", "event", "quiet", "echo", false);
      ann.request("type", "publish", "room", "echo", "event", "loud");
      Checkpoint delivered = test.checkpoint(2);
      ann.nextEvents("echo", 1).onComplete(test.succeeding(events -> test.verify(() -> {
        // Events from one publisher arrive in order, so once "loud" is here "quiet" would have been too.
        assertEquals("loud", events.get(0).get("event").asText());
        assertTrue(ann.waiting().stream().noneMatch(f -> "quiet".equals(f.path("event").asText())));
        delivered.flag();
      })));
      bob.nextEvents("echo", 2).onComplete(test.succeeding(bobs -> test.verify(() -> {
        assertEquals("quiet", bobs.get(0).get("event").asText());
        assertEquals("loud", bobs.get(1).get("event").asText());
        delivered.flag();
      })));
      AsyncChecks.await(test, "loud alone at the sender, quiet and loud at the other member");
    }
  }

  @Test
  void aRepeatedClientIdIsAcknowledgedButDeliveredOnce(VertxTestContext test) {
    try (WsClient ann = first().connect("user=dedup-ann"); WsClient bob = second().connect()) {
      ann.join("dedup");
      bob.join("dedup");
      JsonNode first = ann.request("type", "publish", "room", "dedup", "event", "e", "id", "msg-1", "data", 1);
      JsonNode again = ann.request("type", "publish", "room", "dedup", "event", "e", "id", "msg-1", "data", 2);
      assertEquals("msg-1", first.get("id").asText());
      assertEquals("msg-1", again.get("id").asText());
      ann.request("type", "publish", "room", "dedup", "event", "e", "id", "msg-2", "data", 3);
      Checkpoint delivered = test.checkpoint();
      bob.nextEvents("dedup", 2).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals(1, events.get(0).get("data").asInt());
        assertEquals("msg-1", events.get(0).get("id").asText());
        assertEquals(3, events.get(1).get("data").asInt());
        delivered.flag();
      })));
      AsyncChecks.await(test, "msg-1 once and then msg-2 at the other member");
    }
  }

  @Test
  void serverIdsAreUniqueAndSortableByTime() {
    try (WsClient ann = first().connect()) {
      ann.join("ids");
      String previous = "";
      for (int i = 0; i < 50; i++) {
        String id = ann.request("type", "publish", "room", "ids", "event", "e").get("id").asText();
        assertTrue(id.compareTo(previous) > 0, id + " after " + previous);
        previous = id;
      }
    }
  }

  @Test
  void leaveAcksAndStopsDelivery(VertxTestContext test) {
    try (WsClient ann = first().connect(); WsClient bob = second().connect()) {
      ann.join("leaving");
      bob.join("leaving");
      JsonNode ack = bob.request("type", "leave", "room", "leaving");
      assertEquals("ack", ack.get("type").asText());
      assertEquals("leaving", ack.get("room").asText());
      assertFalse(ack.has("members"));
      ann.request("type", "publish", "room", "leaving", "event", "after");
      Checkpoint delivered = test.checkpoint();
      ann.nextEvents("leaving", 1).onComplete(test.succeeding(events -> delivered.flag()));
      AsyncChecks.await(test, "the event after the leave at the member that stayed");
      JsonNode pong = bob.request("type", "ping");
      assertEquals("pong", pong.get("type").asText());
      assertTrue(bob.waiting().stream().noneMatch(f -> "event".equals(f.path("type").asText())));
    }
  }

  @Test
  void presenceListsMembersWithTheirFields() {
    try (WsClient ann = first().connect("user=pres-ann"); WsClient bob = second().connect("user=pres-bob")) {
      ann.join("pres");
      bob.join("pres");
      JsonNode reply = ann.request("type", "presence", "room", "pres");
      assertEquals("presence", reply.get("type").asText());
      assertEquals("pres", reply.get("room").asText());
      JsonNode members = reply.get("members");
      assertEquals(2, members.size());
      JsonNode member = members.get(0);
      assertEquals("pres-ann", member.get("user").asText());
      assertEquals(first().hub().name(), member.get("node").asText());
      assertTrue(member.get("joinedAt").asLong() > 0);
      assertTrue(member.get("meta").isObject());
      assertFalse(member.get("session").asText().isEmpty());
    }
  }

  @Test
  void presenceOfARoomNotJoinedIsAllowed() {
    try (WsClient ann = first().connect(); WsClient bob = second().connect()) {
      ann.join("watched");
      JsonNode reply = bob.request("type", "presence", "room", "watched");
      assertEquals(1, reply.get("members").size());
    }
  }

  @Test
  void presenceDiffTellsOtherMembersWhoCameAndWent() {
    try (WsClient ann = first().connect("user=diff-ann"); WsClient bob = second().connect("user=diff-bob")) {
      ann.join("diffs");
      bob.join("diffs");
      JsonNode joined = ann.await("presence_diff");
      assertEquals("diffs", joined.get("room").asText());
      assertEquals("diff-bob", joined.get("joins").get(0).get("user").asText());
      assertEquals(0, joined.get("leaves").size());
      bob.request("type", "leave", "room", "diffs");
      JsonNode left = ann.await("presence_diff");
      assertEquals("diff-bob", left.get("leaves").get(0).get("user").asText());
      bob.close();
      ann.request("type", "ping");
      assertTrue(bob.waiting().stream().noneMatch(f -> "presence_diff".equals(f.path("type").asText())),
          "the joiner gets no diff of its own join");
    }
  }

  @Test
  void closingASessionSendsLeavesAndRemovesItFromPresence() {
    try (WsClient ann = first().connect("user=close-ann")) {
      ann.join("closing");
      WsClient bob = second().connect("user=close-bob");
      bob.join("closing");
      ann.await("presence_diff");
      bob.close();
      JsonNode left = ann.await("presence_diff");
      assertEquals("close-bob", left.get("leaves").get(0).get("user").asText());
      assertEquals(1, ann.request("type", "presence", "room", "closing").get("members").size());
    }
  }

  @Test
  void joiningTwiceIsIdempotent() {
    try (WsClient ann = first().connect()) {
      ann.join("twice");
      JsonNode again = ann.join("twice");
      assertEquals(1, again.get("members").asInt());
    }
  }

  @Test
  void pingIsAnsweredWithPongAndServerTime() {
    try (WsClient ann = first().connect()) {
      JsonNode pong = ann.request("type", "ping");
      assertEquals("pong", pong.get("type").asText());
      assertTrue(Math.abs(System.currentTimeMillis() - pong.get("ts").asLong()) < 60_000);
    }
  }

  @Test
  void requestIsUnavailableWithoutTheNatsBridge() {
    try (WsClient ann = first().connect()) {
      JsonNode error = ann.request("type", "request", "event", "orders.get", "data", 1, "timeout", 1000);
      assertError(error, "unavailable");
    }
  }

  @Test
  void refreshIsUnavailableWithAuthOffAndWelcomeHasNoExp() {
    try (WsClient ann = first().connect()) {
      assertFalse(ann.await("welcome").has("exp"));
      assertError(ann.request("type", "refresh", "token", "a.b.c"), "unavailable");
    }
  }

  @Test
  void everyBadFrameGetsItsErrorCodeAndTheConnectionStays() {
    try (WsClient ann = first().connect()) {
      ann.await("welcome");
      assertError(sendRaw(ann, "{not json"), "bad_json");
      assertError(sendRaw(ann, "[1,2,3]"), "bad_frame");
      assertError(sendRaw(ann, "\"text\""), "bad_frame");
      assertError(sendRaw(ann, "{\"type\":\"ping\",\"ref\":{\"a\":1}}"), "bad_frame");
      assertError(sendRaw(ann, "{\"type\":\"ping\",\"ref\":[1]}"), "bad_frame");
      assertError(ann.request("room", "x"), "missing_field");
      assertError(ann.request("type", 7), "bad_frame");
      assertError(ann.request("type", "subscribe", "room", "x"), "unknown_type");
      assertError(ann.request("type", "join"), "missing_field");
      assertError(ann.request("type", "join", "room", 12), "bad_frame");
      assertError(ann.request("type", "join", "room", ""), "invalid_room");
      assertError(ann.request("type", "join", "room", "has space"), "invalid_room");
      assertError(ann.request("type", "join", "room", ".lead"), "invalid_room");
      assertError(ann.request("type", "join", "room", "trail."), "invalid_room");
      assertError(ann.request("type", "join", "room", "dou..ble"), "invalid_room");
      assertError(ann.request("type", "join", "room", "r".repeat(129)), "invalid_room");
      assertEquals("ack", ann.request("type", "join", "room", "r".repeat(128)).get("type").asText());
      assertError(ann.request("type", "publish", "room", "r".repeat(128)), "missing_field");
      assertError(ann.request("type", "publish", "room", "r".repeat(128), "event", "bad event"), "invalid_event");
      assertError(ann.request("type", "publish", "room", "r".repeat(128), "event", "e".repeat(65)), "invalid_event");
      assertError(ann.request("type", "publish", "room", "r".repeat(128), "event", "e", "id", 5), "bad_frame");
      assertError(ann.request("type", "publish", "room", "r".repeat(128), "event", "e", "id", "bad id"), "bad_frame");
      assertError(ann.request("type", "publish", "room", "r".repeat(128), "event", "e", "echo", "no"), "bad_frame");
      assertError(ann.request("type", "publish", "room", "not-joined", "event", "e"), "not_joined");
      assertError(ann.request("type", "leave", "room", "not-joined"), "not_joined");
      ann.sendBinary(new byte[] {1, 2, 3});
      assertError(ann.await("error"), "bad_frame");
      assertEquals("pong", ann.request("type", "ping").get("type").asText(), "the connection survives");
    }
  }

  @Test
  void errorsEchoTheRefOfTheFailedRequest() {
    try (WsClient ann = first().connect()) {
      ann.send("type", "leave", "room", "nowhere", "ref", "r-77");
      JsonNode error = ann.await("error");
      assertEquals("r-77", error.get("ref").asText());
      assertEquals("not_joined", error.get("code").asText());
      assertFalse(error.get("message").asText().isEmpty());
    }
  }

  @Test
  void tooManyRoomsIsRefusedPastTheLimit() {
    try (WsClient ann = first().connect()) {
      ann.join("cap-1");
      ann.join("cap-2");
      ann.join("cap-3");
      assertError(ann.request("type", "join", "room", "cap-4"), "too_many_rooms");
      ann.request("type", "leave", "room", "cap-1");
      ann.join("cap-4");
    }
  }

  @Test
  void requestsTakeEffectInTheOrderSent(VertxTestContext test) {
    try (WsClient ann = first().connect(); WsClient bob = second().connect()) {
      bob.join("ordered");
      // No waiting for the join's ack: the publish right behind it must see the join.
      ann.send("type", "join", "room", "ordered", "ref", 1);
      ann.send("type", "publish", "room", "ordered", "event", "e", "ref", 2);
      assertEquals("ack", ann.await(f -> f.path("ref").asInt() == 2 && "ack".equals(f.path("type").asText()))
          .get("type").asText());
      Checkpoint delivered = test.checkpoint();
      bob.nextEvents("ordered", 1).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals("e", events.get(0).get("event").asText());
        delivered.flag();
      })));
      AsyncChecks.await(test, "the event published right behind the join at the other member");
    }
  }

  private static JsonNode sendRaw(WsClient client, String text) {
    client.sendText(text);
    return client.await("error");
  }

  private static void assertError(JsonNode frame, String code) {
    assertEquals("error", frame.path("type").asText(), () -> "expected error " + code + ", got " + frame);
    assertEquals(code, frame.path("code").asText(), frame::toString);
    assertFalse(frame.path("message").asText().isEmpty(), "an error explains itself");
  }
}

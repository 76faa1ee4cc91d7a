package dev.hub.gateway;

import static dev.hub.test.AsyncChecks.expectClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.NatsMessages;
import dev.hub.test.NatsServer;
import dev.hub.test.TestHub;
import dev.hub.test.Tokens;
import dev.hub.test.WsClient;
import io.nats.client.Connection;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The additions to protocol version 1 (its "Changes" list): pattern subscriptions (section 9), presence
 * snapshots and state, token refresh, and the control API of section 7, through real clients with auth on and
 * a real nats-server behind the hub. Run against one node and against a two-node cluster: in each test the
 * first client connects to {@link #first()} and the second to {@link #second()}. The clients run on the class's
 * Vert.x from the extension (and so does the single node); events arriving at members, byes and close codes are
 * checkpoints.
 */
@ExtendWith(VertxExtension.class)
abstract class ProtocolAdditionsSuite {
  static final String API_KEY = "additions-api-key-0123456789";

  /** Where the first client of a test connects. */
  abstract TestHub first();

  /** Where the second client of a test connects. */
  abstract TestHub second();

  /** The service's connection to the suite's nats-server. */
  abstract Connection service();

  /** The settings every node of the suite runs with, after the NATS bridge's. */
  static String[] settings(NatsServer nats) {
    return nats.hubFlags("auth.secret", Tokens.SECRET, "auth.apiKey", API_KEY, "limits.maxRoomsPerSession", "3");
  }

  /** Waits until the bridge of every node is connected, so that its subscription to inbound rooms is in place. */
  static void awaitBridges(List<TestHub> nodes) {
    for (TestHub node : nodes) {
      Eventually.until("the bridge of " + node.hub().name() + " connected", () -> node.get("/ready").body(),
          body -> body.contains("\"nats\":\"UP\""));
    }
  }

  // ------------------------------------------------------------------------------------ pattern subscriptions

  @Test
  void aStarMatchesOneTokenAndAGreaterThanTheRest(VertxTestContext test) {
    try (WsClient star = connect(first(), "pat-star"); WsClient rest = connect(second(), "pat-rest");
        WsClient publisher = connect(second(), "pat-pub")) {
      JsonNode ack = star.request("type", "join", "room", "pm.*");
      assertEquals("ack", ack.path("type").asText(), ack::toString);
      assertEquals("pm.*", ack.path("room").asText());
      assertTrue(ack.path("pattern").asBoolean(), ack::toString);
      assertFalse(ack.has("members"), "a pattern counts in no room: " + ack);
      assertTrue(rest.request("type", "join", "room", "pm.>").path("pattern").asBoolean());

      for (String room : List.of("pm.a", "pm.a.b", "pmx.a", "pm", "other.pm.a", "pm.z")) {
        ok(publisher.request("type", "publish", "room", room, "event", "e", "data", room));
      }
      Checkpoint delivered = test.checkpoint(2);
      expectRooms(test, delivered, star, "pm.", List.of("pm.a", "pm.z"));
      expectRooms(test, delivered, rest, "pm.", List.of("pm.a", "pm.a.b", "pm.z"));
      AsyncChecks.await(test, "the matching rooms' events at the star and at the greater-than");
      assertNoEvents(star, rest);
    }
  }

  @Test
  void aSessionGetsEachEventOnceHoweverManyOfItsRoomsAndPatternsMatch(VertxTestContext test) {
    try (WsClient ann = connect(first(), "once-ann"); WsClient bob = connect(second(), "once-bob")) {
      ann.join("once.room");
      ann.request("type", "join", "room", "once.*");
      ann.request("type", "join", "room", "once.>");
      bob.join("once.room");
      for (int i = 0; i < 20; i++) {
        bob.request("type", "publish", "room", "once.room", "event", "e", "data", i);
      }
      bob.request("type", "publish", "room", "once.other", "event", "end");
      Checkpoint delivered = test.checkpoint();
      ann.nextEvents(eventIn("once."), 21).onComplete(test.succeeding(events -> test.verify(() -> {
        for (int i = 0; i < 20; i++) {
          assertEquals("once.room", events.get(i).path("room").asText());
          assertEquals(i, events.get(i).path("data").asInt(), "once each and in the publisher's order");
        }
        assertEquals("once.other", events.get(20).path("room").asText());
        delivered.flag();
      })));
      AsyncChecks.await(test, "21 events at the session of a room and two patterns");
      assertNoEvents(ann);
    }
  }

  @Test
  void aPatternIsNotPresence(VertxTestContext test) {
    try (WsClient ann = connect(first(), "np-ann"); WsClient watcher = connect(second(), "np-watcher");
        WsClient carl = connect(first(), "np-carl")) {
      ann.join("np.room");
      watcher.request("type", "join", "room", "np.*");
      assertEquals(2, carl.join("np.room").path("members").asInt(), "the pattern adds no member");
      JsonNode diff = ann.await("presence_diff");
      assertEquals("np-carl", diff.path("joins").path(0).path("user").asText());

      JsonNode members = watcher.request("type", "presence", "room", "np.room").path("members");
      assertEquals(List.of("np-ann", "np-carl"), users(members));
      JsonNode user = okJson(api(second(), "GET", "/api/users/np-watcher/presence", null));
      assertEquals(0, user.path("sessions").path(0).path("rooms").size(), user::toString);
      JsonNode rooms = okJson(api(first(), "GET", "/api/rooms?prefix=np", null));
      assertEquals(1, rooms.path("rooms").size(), rooms::toString);

      carl.request("type", "publish", "room", "np.room", "event", "marker");
      Checkpoint delivered = test.checkpoint();
      watcher.nextEvents(eventIn("np."), 1).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals("marker", events.get(0).path("event").asText());
        delivered.flag();
      })));
      AsyncChecks.await(test, "the marker at the pattern");
      assertTrue(watcher.waiting().stream().noneMatch(type("presence_diff")), "a pattern hears no diff");
    }
  }

  @Test
  void aPatternLeavesWithItsOwnStringAndBadPatternsAreInvalid(VertxTestContext test) {
    try (WsClient ann = connect(first(), "pl-ann"); WsClient bob = connect(second(), "pl-bob")) {
      ann.request("type", "join", "room", "pl.*");
      JsonNode left = ann.request("type", "leave", "room", "pl.*");
      assertEquals("ack", left.path("type").asText(), left::toString);
      assertEquals("pl.*", left.path("room").asText());
      assertError(ann.request("type", "leave", "room", "pl.*"), "not_joined");
      assertError(ann.request("type", "leave", "room", "pl.>"), "not_joined");
      bob.request("type", "publish", "room", "pl.a", "event", "after");
      ann.join("pl.marker");
      bob.request("type", "publish", "room", "pl.marker", "event", "marker");
      Checkpoint delivered = test.checkpoint();
      ann.nextEvents(eventIn("pl."), 1).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals("pl.marker", events.get(0).path("room").asText(), "nothing after leave");
        delivered.flag();
      })));
      AsyncChecks.await(test, "the marker, and nothing of the pattern left before it");

      for (String bad : List.of("pl.>.a", "pl*", "pl.*x", ">pl", "pl.**", "pl.>>", "pl..*", "*.", ".>")) {
        assertError(ann.request("type", "join", "room", bad), "invalid_room");
      }
      assertError(ann.request("type", "publish", "room", "pl.*", "event", "e"), "invalid_room");
      assertError(ann.request("type", "presence", "room", "pl.*"), "invalid_room");
      assertError(ann.request("type", "state", "room", "pl.*", "state", Frames.object()), "invalid_room");
    }
  }

  @Test
  void patternsCountTowardsTheRoomLimit() {
    try (WsClient ann = connect(first(), "lim-ann")) {
      ann.request("type", "join", "room", "lim.*");
      ann.request("type", "join", "room", "lim.>");
      ann.join("lim.room");
      assertError(ann.request("type", "join", "room", "lim.a.*"), "too_many_rooms");
      assertError(ann.request("type", "join", "room", "lim.other"), "too_many_rooms");
      ann.request("type", "leave", "room", "lim.*");
      assertTrue(ann.request("type", "join", "room", "*.lim").path("pattern").asBoolean());
    }
  }

  @Test
  void natsAndHttpEventsReachPatternsOnEveryNode(VertxTestContext test) throws Exception {
    try (WsClient ann = connect(first(), "ext-ann"); WsClient bob = connect(second(), "ext-bob")) {
      ann.request("type", "join", "room", "ext.*");
      bob.request("type", "join", "room", "ext.>");
      for (int i = 0; i < 10; i++) {
        service().publish("hub.rooms.ext.nats", ("{\"event\":\"n\",\"data\":" + i + "}")
            .getBytes(StandardCharsets.UTF_8));
      }
      service().flush(java.time.Duration.ofSeconds(5));
      HttpResponse<String> http = api(second(), "POST", "/api/rooms/ext.http/events", "{\"event\":\"h\"}");
      assertEquals(202, http.statusCode(), http::body);
      Checkpoint delivered = test.checkpoint(2);
      for (WsClient member : List.of(ann, bob)) {
        // Two publishers: each one's events in its order, the two interleaved as they came.
        member.nextEvents(eventIn("ext."), 11).onComplete(test.succeeding(events -> test.verify(() -> {
          List<JsonNode> fromNats = events.stream().filter(e -> "ext.nats".equals(e.path("room").asText())).toList();
          assertEquals(10, fromNats.size(), events::toString);
          for (int i = 0; i < 10; i++) {
            assertEquals(i, fromNats.get(i).path("data").asInt(), "once each, in order");
            assertFalse(fromNats.get(i).has("from"));
          }
          assertEquals(1, events.stream().filter(e -> "ext.http".equals(e.path("room").asText())).count());
          delivered.flag();
        })));
      }
      AsyncChecks.await(test, "ten NATS events and one HTTP event at the pattern on each node");
      assertNoEvents(ann, bob);
    }
  }

  @Test
  void aPatternJoinMustBeCoveredByTheTokensJoinPatterns() {
    try (WsClient wide = connectWith(first(), claims("cov-wide", List.of("project.>"), List.of()));
        WsClient narrow = connectWith(second(), claims("cov-narrow", List.of("project.*"), List.of()))) {
      assertTrue(wide.request("type", "join", "room", "project.*").path("pattern").asBoolean());
      assertTrue(wide.request("type", "join", "room", "project.a.>").path("pattern").asBoolean());
      assertError(wide.request("type", "join", "room", "*.a"), "forbidden");
      assertTrue(narrow.request("type", "join", "room", "project.*").path("pattern").asBoolean());
      assertError(narrow.request("type", "join", "room", "project.>"), "forbidden");
      assertError(narrow.request("type", "join", "room", "project.*.x"), "forbidden");
    }
  }

  // ------------------------------------------------------------------------------------ presence snapshots

  @Test
  void aJoinWithPresenceHasTheMembersInItsAckAndTheDiffsFollow() {
    try (WsClient ann = connect(first(), "snap-ann"); WsClient bob = connect(second(), "snap-bob");
        WsClient carl = connect(first(), "snap-carl")) {
      ann.join("snap");
      JsonNode ack = bob.request("type", "join", "room", "snap", "presence", true);
      assertEquals(2, ack.path("members").asInt(), ack::toString);
      assertEquals(List.of("snap-ann", "snap-bob"), users(ack.path("presence")));
      assertTrue(ack.path("presence").path(1).path("state").isObject(), ack::toString);
      assertFalse(ann.join("snap").has("presence"), "only when asked");
      carl.join("snap");
      JsonNode diff = bob.await("presence_diff");
      assertEquals("snap-carl", diff.path("joins").path(0).path("user").asText(), diff::toString);

      JsonNode pattern = bob.request("type", "join", "room", "snap.*", "presence", true);
      assertTrue(pattern.path("pattern").asBoolean());
      assertFalse(pattern.has("presence"), "ignored for a pattern");
      assertError(bob.request("type", "join", "room", "snap2", "presence", "yes"), "bad_frame");
    }
  }

  // ------------------------------------------------------------------------------------ presence state

  @Test
  void stateReachesTheOthersAsUpdatesAndShowsInQueriesAndOnNats() {
    NatsMessages out = NatsMessages.subscribe(service(), "hub.presence.st");
    try (WsClient ann = connect(first(), "st-ann"); WsClient bob = connect(second(), "st-bob")) {
      ann.join("st");
      bob.join("st");
      ann.await("presence_diff");
      JsonNode ack = ann.request("type", "state", "room", "st", "state", Frames.object("typing", true));
      assertEquals("ack", ack.path("type").asText(), ack::toString);
      assertEquals("st", ack.path("room").asText());
      JsonNode diff = bob.await("presence_diff");
      assertEquals(0, diff.path("joins").size());
      assertEquals(0, diff.path("leaves").size());
      JsonNode updated = diff.path("updates").path(0);
      assertEquals("st-ann", updated.path("user").asText(), diff::toString);
      assertTrue(updated.path("state").path("typing").asBoolean());

      ann.request("type", "state", "room", "st", "state", Frames.object("cursor", 7));
      JsonNode replaced = bob.await("presence_diff").path("updates").path(0).path("state");
      assertEquals(Frames.object("cursor", 7), replaced, "a state replaces the one before");

      JsonNode members = bob.request("type", "presence", "room", "st").path("members");
      assertEquals(Frames.object("cursor", 7), members.path(0).path("state"));
      assertEquals(Frames.object(), members.path(1).path("state"), "{} until set");
      JsonNode http = okJson(api(first(), "GET", "/api/rooms/st/presence", null));
      assertEquals(7, http.path("members").path(0).path("state").path("cursor").asInt(), http::toString);

      ann.request("type", "ping");
      assertTrue(ann.waiting().stream().noneMatch(type("presence_diff")), "no diff of one's own state");
      JsonNode update = Eventually.until("an update on hub.presence.st", () -> out.all().stream()
          .map(NatsMessages::json).filter(type("update")).findFirst().orElse(null), m -> m != null);
      assertEquals("st-ann", update.path("user").asText());
      assertEquals("st", update.path("room").asText());
      assertTrue(update.path("state").path("typing").asBoolean(), update::toString);
    }
  }

  @Test
  void stateIsBoundedAndNeedsAJoinedRoom() {
    try (WsClient ann = connect(first(), "stb-ann")) {
      assertError(ann.request("type", "state", "room", "stb", "state", Frames.object()), "not_joined");
      ann.join("stb");
      // {"s":"..."} of 1025 bytes encoded: one over presence.maxStateBytes.
      assertError(ann.request("type", "state", "room", "stb", "state", Frames.object("s", "x".repeat(1017))),
          "too_large");
      assertEquals("ack", ann.request("type", "state", "room", "stb", "state", Frames.object("s", "x".repeat(1016)))
          .path("type").asText());
      assertError(ann.request("type", "state", "room", "stb"), "missing_field");
      assertError(ann.request("type", "state", "room", "stb", "state", "typing"), "bad_frame");
      assertError(ann.request("type", "state", "room", "stb", "state", Frames.parse("[1]")), "bad_frame");
      assertError(ann.request("type", "state", "state", Frames.object()), "missing_field");
    }
  }

  // ------------------------------------------------------------------------------------ token refresh

  @Test
  void welcomeCarriesTheTokensExp() {
    JsonObject claims = claims("wexp", List.of(">"), List.of(">"));
    try (WsClient ann = first().connect("token=" + Tokens.hs256(claims))) {
      assertEquals(claims.getLong("exp"), ann.await("welcome").path("exp").asLong());
    }
  }

  @Test
  void aRefreshForTheSameSubMovesPermissionsAndLeavesWhatIsNoLongerAllowed(VertxTestContext test) {
    try (WsClient ann = connectWith(first(), claims("rf-ann", List.of("rfa.*", "rfb.*", "rfc.>"), List.of(">")));
        WsClient bob = connect(second(), "rf-bob")) {
      ann.join("rfa.x");
      ann.join("rfb.x");
      ann.request("type", "join", "room", "rfc.*");
      bob.join("rfb.x");
      ann.await("presence_diff");
      JsonObject narrower = claims("rf-ann", List.of("rfa.*"), List.of(">")).put("exp", Tokens.expIn(7200));
      JsonNode ack = ann.request("type", "refresh", "token", Tokens.hs256(narrower));
      assertEquals("ack", ack.path("type").asText(), ack::toString);
      assertEquals(narrower.getLong("exp"), ack.path("exp").asLong());
      List<JsonNode> left = ann.await(type("left"), 2);
      assertEquals(List.of("rfb.x", "rfc.*"), left.stream().map(f -> f.path("room").asText()).sorted().toList());
      left.forEach(f -> assertEquals("permissions", f.path("reason").asText(), f::toString));

      JsonNode diff = bob.await("presence_diff");
      assertEquals("rf-ann", diff.path("leaves").path(0).path("user").asText(), "presence knows: " + diff);
      assertEquals(List.of("rf-bob"), users(bob.request("type", "presence", "room", "rfb.x").path("members")));
      assertError(ann.request("type", "join", "room", "rfb.y"), "forbidden");
      bob.request("type", "publish", "room", "rfb.x", "event", "gone");
      bob.request("type", "publish", "room", "rfa.x", "event", "still");
      Checkpoint delivered = test.checkpoint();
      ann.nextEvents(eventIn("rf"), 1).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals("rfa.x", events.get(0).path("room").asText());
        delivered.flag();
      })));
      AsyncChecks.await(test, "the event of the room still allowed, and none of the one left");
    }
  }

  @Test
  void aRefreshMustBeForTheSameSubAndMustVerify() {
    try (WsClient ann = connect(first(), "rv-ann")) {
      ann.join("rv");
      assertError(ann.request("type", "refresh", "token", Tokens.hs256(claims("rv-other", List.of(">"),
          List.of()))), "forbidden");
      String forged = Tokens.sign(claims("rv-ann", List.of(">"), List.of()), "HS256",
          "another-secret-0123456789abcdef-0123456789");
      assertError(ann.request("type", "refresh", "token", forged), "unauthorized");
      assertError(ann.request("type", "refresh", "token", Tokens.hs256(claims("rv-ann", List.of(">"), List.of())
          .put("exp", Tokens.expIn(-10)))), "unauthorized");
      assertError(ann.request("type", "refresh", "token", "not.a.jwt"), "unauthorized");
      assertError(ann.request("type", "refresh"), "missing_field");
      assertError(ann.request("type", "refresh", "token", 5), "bad_frame");
      assertEquals(1, ann.request("type", "presence", "room", "rv").path("members").size(), "nothing changed");
    }
  }

  @Test
  void aRefreshMovesTheExpiryTimer(Vertx vertx, VertxTestContext test) {
    JsonObject brief = claims("rt-ann", List.of(">"), List.of()).put("exp", Tokens.expIn(2));
    try (WsClient ann = first().connect("token=" + Tokens.hs256(brief))) {
      ann.await("welcome");
      long later = Tokens.expIn(4);
      ann.request("type", "refresh", "token", Tokens.hs256(brief.copy().put("exp", later)));
      Checkpoint alive = test.checkpoint();
      Checkpoint closed = test.checkpoint();
      long pastOldExpiryMs = brief.getLong("exp") * 1000 + 500 - System.currentTimeMillis();
      vertx.setTimer(Math.max(1, pastOldExpiryMs), id -> ann.requestAsync("type", "ping")
          .onComplete(test.succeeding(pong -> test.verify(() -> {
            assertEquals("pong", pong.path("type").asText(), "alive past the first token's exp");
            alive.flag();
          }))));
      ann.closed().onComplete(test.succeeding(code -> test.verify(() -> {
        assertEquals(4001, code);
        assertTrue(System.currentTimeMillis() >= later * 1000, "closed at the new exp, not before");
        closed.flag();
      })));
      AsyncChecks.await(test, "a pong past the first token's exp, then close 4001 at the refreshed one");
    }
  }

  // ------------------------------------------------------------------------------------ control API

  @Test
  void disconnectingAUserClosesEachOfItsSessionsOnEveryNodeWith4003(VertxTestContext test) {
    try (WsClient one = connect(first(), "dc-ann"); WsClient two = connect(second(), "dc-ann");
        WsClient other = connect(second(), "dc-bob")) {
      awaitSessions(first(), "dc-ann", 2);
      Checkpoint byes = test.checkpoint(2);
      Checkpoint closes = test.checkpoint(2);
      for (WsClient session : List.of(one, two)) {
        expectDisconnectedBye(test, byes, session);
        expectClose(test, closes, session, 4003);
      }
      HttpResponse<String> answer = api(first(), "POST", "/api/users/dc-ann/disconnect", "");
      assertEquals(200, answer.statusCode(), answer::body);
      assertEquals(2, Frames.parse(answer.body()).path("sessions").asInt(), answer::body);
      AsyncChecks.await(test, "bye and close 4003 at both of the user's sessions");
      assertEquals("pong", other.request("type", "ping").path("type").asText(), "another user stays");
      assertFalse(okJson(api(second(), "GET", "/api/users/dc-ann/presence", null)).path("online").asBoolean());
      assertEquals(0, okJson(api(second(), "POST", "/api/users/dc-nobody/disconnect", "")).path("sessions").asInt());
    }
  }

  @Test
  void disconnectingOneSessionWorksFromAnyNodeAndAnUnknownOneIs404(VertxTestContext test) {
    try (WsClient one = first().connect("token=" + Tokens.hs256(claims("ds-ann", List.of(">"), List.of())));
        WsClient two = connect(first(), "ds-ann")) {
      String session = one.await("welcome").path("session").asText();
      awaitSessions(second(), "ds-ann", 2);
      expectDisconnectedBye(test, test.checkpoint(), one);
      expectClose(test, test.checkpoint(), one, 4003);
      JsonNode answer = okJson(api(second(), "POST", "/api/sessions/" + session + "/disconnect", ""));
      assertEquals(1, answer.path("sessions").asInt());
      AsyncChecks.await(test, "bye and close 4003 at the disconnected session");
      assertEquals("pong", two.request("type", "ping").path("type").asText(), "the user's other session stays");
      HttpResponse<String> unknown = api(first(), "POST", "/api/sessions/no-such-session/disconnect", "");
      assertEquals(404, unknown.statusCode(), unknown::body);
      assertEquals("not_found", Frames.parse(unknown.body()).path("error").asText());
    }
  }

  @Test
  void aServerSideJoinSendsJoinedThenEventsAndALeaveSendsLeft(VertxTestContext test) {
    try (WsClient one = connect(first(), "sj-ann"); WsClient two = connect(second(), "sj-ann");
        WsClient bob = connect(second(), "sj-bob")) {
      bob.join("sj");
      awaitSessions(first(), "sj-ann", 2);
      JsonNode joined = okJson(api(first(), "POST", "/api/users/sj-ann/rooms/sj", ""));
      assertEquals(2, joined.path("sessions").asInt(), joined::toString);
      for (WsClient session : List.of(one, two)) {
        JsonNode frame = session.await("joined");
        assertEquals("sj", frame.path("room").asText());
        assertTrue(frame.path("members").asInt() >= 2, frame::toString);
      }
      bob.await(type("presence_diff"), 2);
      assertEquals(3, okJson(api(second(), "GET", "/api/rooms/sj/presence", null)).path("count").asInt());
      bob.request("type", "publish", "room", "sj", "event", "hello");
      Checkpoint delivered = test.checkpoint(2);
      for (WsClient session : List.of(one, two)) {
        session.nextEvents("sj", 1).onComplete(test.succeeding(events -> test.verify(() -> {
          assertEquals("hello", events.get(0).path("event").asText());
          delivered.flag();
        })));
      }
      AsyncChecks.await(test, "the event at both sessions joined by the server");

      JsonNode removed = okJson(api(second(), "DELETE", "/api/users/sj-ann/rooms/sj", null));
      assertEquals(2, removed.path("sessions").asInt(), removed::toString);
      for (WsClient session : List.of(one, two)) {
        JsonNode left = session.await("left");
        assertEquals("sj", left.path("room").asText());
        assertEquals("server", left.path("reason").asText());
      }
      List<JsonNode> leaves = bob.await(type("presence_diff"), 2);
      leaves.forEach(d -> assertEquals("sj-ann", d.path("leaves").path(0).path("user").asText(), d::toString));
      assertEquals(1, okJson(api(first(), "GET", "/api/rooms/sj/presence", null)).path("count").asInt());
      assertEquals(0, okJson(api(first(), "DELETE", "/api/users/sj-ann/rooms/sj", null)).path("sessions").asInt());
      assertEquals(0, okJson(api(first(), "POST", "/api/users/sj-nobody/rooms/sj", "")).path("sessions").asInt());
      assertEquals(400, api(first(), "POST", "/api/users/sj-ann/rooms/sj.*", "").statusCode());
    }
  }

  @Test
  void oneEventToManyRoomsHasOneIdAndIsDeduplicated(VertxTestContext test) {
    try (WsClient ann = connect(first(), "mr-ann"); WsClient bob = connect(second(), "mr-bob")) {
      ann.join("mr.a");
      bob.join("mr.b");
      String body = "{\"rooms\":[\"mr.a\",\"mr.b\",\"mr.c\"],\"event\":\"note\",\"data\":{\"n\":1},\"id\":\"mr-1\"}";
      HttpResponse<String> answer = api(first(), "POST", "/api/events", body);
      assertEquals(202, answer.statusCode(), answer::body);
      assertEquals("mr-1", Frames.parse(answer.body()).path("id").asText());
      assertEquals(3, Frames.parse(answer.body()).path("rooms").asInt());
      assertEquals(202, api(second(), "POST", "/api/events", body).statusCode(), "a repeat is acknowledged");
      assertEquals(202, api(second(), "POST", "/api/events",
          "{\"rooms\":[\"mr.a\",\"mr.b\"],\"event\":\"end\"}").statusCode());
      Checkpoint delivered = test.checkpoint(2);
      ann.nextEvents("mr.a", 2).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals("mr-1", events.get(0).path("id").asText());
        assertEquals("end", events.get(1).path("event").asText(), "the repeat was not delivered");
        delivered.flag();
      })));
      bob.nextEvents("mr.b", 2).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals("mr-1", events.get(0).path("id").asText());
        assertEquals(1, events.get(0).path("data").path("n").asInt());
        assertEquals("end", events.get(1).path("event").asText());
        delivered.flag();
      })));
      AsyncChecks.await(test, "the event once and then the end at a member of each room");

      String hundred = IntStream.range(0, 100).mapToObj(i -> "\"mr.r" + i + "\"").collect(Collectors.joining(","));
      assertEquals(202, api(first(), "POST", "/api/events", "{\"rooms\":[" + hundred + "],\"event\":\"e\"}")
          .statusCode());
      HttpResponse<String> tooMany = api(first(), "POST", "/api/events",
          "{\"rooms\":[" + hundred + ",\"mr.x\"],\"event\":\"e\"}");
      assertEquals(413, tooMany.statusCode(), tooMany::body);
      assertEquals("too_large", Frames.parse(tooMany.body()).path("error").asText());
      assertApiError(api(first(), "POST", "/api/events", "{\"rooms\":[\"mr a\"],\"event\":\"e\"}"), "invalid_room");
      assertApiError(api(first(), "POST", "/api/events", "{\"rooms\":[\"mr.*\"],\"event\":\"e\"}"), "invalid_room");
      assertApiError(api(first(), "POST", "/api/events", "{\"event\":\"e\"}"), "missing_field");
      assertApiError(api(first(), "POST", "/api/events", "{\"rooms\":\"mr.a\",\"event\":\"e\"}"), "bad_frame");
      assertApiError(api(first(), "POST", "/api/events", "{\"rooms\":[7],\"event\":\"e\"}"), "bad_frame");
      assertApiError(api(first(), "POST", "/api/events", "{\"rooms\":[\"mr.a\"]}"), "missing_field");
      assertNoEvents(ann, bob);
    }
  }

  @Test
  void theControlApiIsGuardedLikeTheRestOfTheApi() {
    for (String path : List.of("/api/users/x/disconnect", "/api/sessions/x/disconnect", "/api/users/x/rooms/r",
        "/api/events")) {
      HttpResponse<String> refused = first().post(path, "{}");
      assertEquals(401, refused.statusCode(), path + ": " + refused.body());
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  /** Claims for {@code sub} with the given join and publish patterns, expiring in an hour. */
  static JsonObject claims(String sub, List<String> join, List<String> publish) {
    return new JsonObject().put("sub", sub).put("exp", Tokens.expIn(3600))
        .put("rooms", new JsonObject().put("join", new JsonArray(new ArrayList<>(join)))
            .put("publish", new JsonArray(new ArrayList<>(publish))));
  }

  /** A client of {@code user} who may join and publish every room. */
  static WsClient connect(TestHub hub, String user) {
    return connectWith(hub, claims(user, List.of(">"), List.of(">")));
  }

  static WsClient connectWith(TestHub hub, JsonObject claims) {
    WsClient client = hub.connect("token=" + Tokens.hs256(claims));
    client.await("welcome");
    return client;
  }

  static HttpResponse<String> api(TestHub hub, String method, String path, String body) {
    return hub.send(HttpRequest.newBuilder(hub.uri(path)).header("X-Api-Key", API_KEY)
        .header("content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  static JsonNode okJson(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response::body);
    return Frames.parse(response.body());
  }

  static void awaitSessions(TestHub hub, String user, int count) {
    Eventually.until(user + " with " + count + " sessions in presence",
        () -> okJson(api(hub, "GET", "/api/users/" + user + "/presence", null)).path("sessions").size(),
        n -> n == count);
  }

  static Predicate<JsonNode> type(String type) {
    return f -> type.equals(f.path("type").asText());
  }

  /** An {@code event} frame, or a {@code batch} of them, of a room starting with {@code prefix}. */
  static Predicate<JsonNode> eventIn(String prefix) {
    return f -> ("event".equals(f.path("type").asText()) && f.path("room").asText().startsWith(prefix))
        || ("batch".equals(f.path("type").asText())
            && f.path("events").path(0).path("room").asText().startsWith(prefix));
  }

  static List<String> rooms(List<JsonNode> events) {
    return events.stream().map(e -> e.path("room").asText()).toList();
  }

  static List<String> users(JsonNode members) {
    List<String> users = new ArrayList<>();
    members.forEach(m -> users.add(m.path("user").asText()));
    return users;
  }

  /** Flags {@code arrived} once the events of rooms under {@code prefix} at {@code client} are of {@code rooms}. */
  private static void expectRooms(VertxTestContext test, Checkpoint arrived, WsClient client, String prefix,
      List<String> rooms) {
    client.nextEvents(eventIn(prefix), rooms.size()).onComplete(test.succeeding(events -> test.verify(() -> {
      assertEquals(rooms, rooms(events));
      arrived.flag();
    })));
  }

  /** Flags {@code arrived} once {@code session} has its {@code bye} of a disconnect, not to reconnect. */
  private static void expectDisconnectedBye(VertxTestContext test, Checkpoint arrived, WsClient session) {
    session.next("bye").onComplete(test.succeeding(bye -> test.verify(() -> {
      assertEquals("disconnected", bye.path("reason").asText());
      assertFalse(bye.path("reconnect").asBoolean());
      arrived.flag();
    })));
  }

  private static void ok(JsonNode ack) {
    assertEquals("ack", ack.path("type").asText(), ack::toString);
  }

  /** Once a ping is answered, anything sent before it has arrived: no event is left. */
  private static void assertNoEvents(WsClient... clients) {
    for (WsClient client : clients) {
      client.request("type", "ping");
      List<JsonNode> left = client.waiting().stream()
          .filter(f -> "event".equals(f.path("type").asText()) || "batch".equals(f.path("type").asText())).toList();
      assertTrue(left.isEmpty(), () -> "unexpected events: " + left);
    }
  }

  static void assertError(JsonNode frame, String code) {
    assertEquals("error", frame.path("type").asText(), () -> "expected error " + code + ", got " + frame);
    assertEquals(code, frame.path("code").asText(), frame::toString);
    assertFalse(frame.path("message").asText().isEmpty(), "an error explains itself");
  }

  private static void assertApiError(HttpResponse<String> response, String code) {
    assertEquals(400, response.statusCode(), response::body);
    assertEquals(code, Frames.parse(response.body()).path("error").asText(), response::body);
  }
}

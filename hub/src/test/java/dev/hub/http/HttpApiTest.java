package dev.hub.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every endpoint of PROTOCOL.md section 7 against a real hub, with real WebSocket clients in the rooms the API
 * reports on. Tests that read node-wide totals start a hub of their own, so other tests' sessions cannot blur
 * the counts; the others share one hub and keep to rooms and users of their own. The hubs and the clients run on
 * the extension's Vert.x; the events that several members, or one member several times, receive are checkpoints.
 */
@ExtendWith(VertxExtension.class)
class HttpApiTest {
  private static final int MAX_FRAME_BYTES = 4096;
  private static final List<String> PROTOCOL_ERROR_CODES = List.of("bad_json", "bad_frame", "unknown_type",
      "missing_field", "invalid_room", "invalid_event", "not_joined", "forbidden", "too_large", "too_many_rooms",
      "rate_limited", "no_responders", "timeout", "unavailable", "internal");

  private static TestHub hub;

  @BeforeAll
  static void startHub(Vertx vertx) {
    hub = TestHub.start(vertx, "node.name", "h1", "limits.maxFrameBytes", Integer.toString(MAX_FRAME_BYTES));
  }

  @AfterAll
  static void stopHub() {
    hub.close();
  }

  // GET /api/presence

  @Test
  void presenceTotalsFollowConnectsJoinsLeavesAndCloses(Vertx vertx) {
    try (TestHub own = TestHub.start(vertx, "node.name", "totals")) {
      assertEquals(totals(1, 0, 0, 0), json(own.get("/api/presence"), 200));
      try (WsClient ann = own.connect("user=ann"); WsClient annAgain = own.connect("user=ann");
          WsClient bob = own.connect("user=bob")) {
        awaitTotals(own, totals(1, 3, 2, 0));

        ann.join("t-a");
        annAgain.join("t-a");
        bob.join("t-b");
        assertEquals(totals(1, 3, 2, 2), json(own.get("/api/presence"), 200), "acknowledged joins show at once");

        bob.request("type", "leave", "room", "t-b");
        assertEquals(totals(1, 3, 2, 1), json(own.get("/api/presence"), 200), "an acknowledged leave shows at once");
        ann.request("type", "leave", "room", "t-a");
        assertEquals(totals(1, 3, 2, 1), json(own.get("/api/presence"), 200), "t-a still has a member");

        bob.close();
        awaitTotals(own, totals(1, 2, 1, 1));
      }
      awaitTotals(own, totals(1, 0, 0, 0));
    }
  }

  // GET /api/rooms

  @Test
  void roomsAreSortedByNameFilteredByPrefixAndCutAtTheLimit() {
    try (WsClient ann = hub.connect(); WsClient bob = hub.connect()) {
      for (String room : List.of("sort-c", "sort-a.x", "sort-b", "sort-a", "sortx", "other-sort-a")) {
        ann.join(room);
      }
      bob.join("sort-b");

      JsonNode page = json(hub.get("/api/rooms?prefix=sort-"), 200);
      assertEquals(Set.of("rooms"), fieldNames(page));
      assertEquals(List.of("sort-a", "sort-a.x", "sort-b", "sort-c"), roomNames(page));
      for (JsonNode room : page.get("rooms")) {
        assertEquals(Set.of("room", "members"), fieldNames(room));
        assertEquals(room.get("room").asText().equals("sort-b") ? 2 : 1, room.get("members").asInt(), room::toString);
      }
      assertEquals(List.of("sort-a", "sort-a.x"), roomNames(json(hub.get("/api/rooms?prefix=sort-&limit=2"), 200)));
      assertEquals(List.of("sort-a", "sort-a.x"), roomNames(json(hub.get("/api/rooms?prefix=sort-a"), 200)));
      assertEquals(List.of("sortx"), roomNames(json(hub.get("/api/rooms?prefix=sortx"), 200)));
      assertEquals(List.of(), roomNames(json(hub.get("/api/rooms?prefix=no-such-prefix"), 200)));

      // A limit of 1000: other tests' rooms (many-000...) may still be there and would fill a page of 100.
      List<String> all = roomNames(json(hub.get("/api/rooms?limit=1000"), 200));
      assertTrue(all.containsAll(List.of("other-sort-a", "sort-a", "sort-a.x", "sort-b", "sort-c", "sortx")),
          all::toString);
      assertEquals(all.stream().sorted().toList(), all, "sorted by name without a prefix too");
    }
  }

  @Test
  void roomsLimitDefaultsTo100AndLargerLimitsAreCappedNotRefused() {
    List<String> rooms = IntStream.range(0, 105).mapToObj(i -> String.format("many-%03d", i)).toList();
    try (WsClient ann = hub.connect(); WsClient bob = hub.connect()) {
      rooms.subList(0, 60).forEach(ann::join);
      rooms.subList(60, 105).forEach(bob::join);

      assertEquals(rooms.subList(0, 100), roomNames(json(hub.get("/api/rooms?prefix=many-"), 200)));
      assertEquals(rooms, roomNames(json(hub.get("/api/rooms?prefix=many-&limit=1000"), 200)));
      for (String limit : List.of("1001", "5000", "2147483647", "99999999999", "100000000000000000000")) {
        assertEquals(rooms, roomNames(json(hub.get("/api/rooms?prefix=many-&limit=" + limit), 200)),
            "limit=" + limit);
      }
    }
  }

  @Test
  void badRoomsLimitIsRefusedWithBadFrame() {
    for (String limit : List.of("abc", "0", "-1", "", "1.5")) {
      assertError(hub.get("/api/rooms?limit=" + limit), 400, "bad_frame");
    }
  }

  // GET /api/rooms/{room}/presence

  @Test
  void roomPresenceListsEveryMemberWithItsFields() {
    try (WsClient ann = hub.connect("user=rp-ann"); WsClient bob = hub.connect("user=rp-bob")) {
      long before = System.currentTimeMillis();
      Map<String, String> sessionsByUser = Map.of(
          "rp-ann", ann.await("welcome").get("session").asText(),
          "rp-bob", bob.await("welcome").get("session").asText());
      ann.join("rp.room:1");
      bob.join("rp.room:1");
      long after = System.currentTimeMillis();

      JsonNode presence = json(hub.get("/api/rooms/rp.room:1/presence"), 200);
      assertEquals(Set.of("room", "count", "members"), fieldNames(presence));
      assertEquals("rp.room:1", presence.get("room").asText());
      assertEquals(2, presence.get("count").asInt());
      assertEquals(2, presence.get("members").size());
      Map<String, String> seen = new HashMap<>();
      for (JsonNode member : presence.get("members")) {
        assertEquals(Set.of("user", "session", "node", "joinedAt", "meta", "state"), fieldNames(member));
        assertEquals(0, member.get("state").size(), "no state set: {}");
        seen.put(member.get("user").asText(), member.get("session").asText());
        assertEquals("h1", member.get("node").asText());
        long joinedAt = member.get("joinedAt").asLong();
        assertTrue(joinedAt >= before && joinedAt <= after, () -> "joinedAt " + joinedAt + " outside the joins");
        assertEquals(Frames.object(), member.get("meta"), "no token, so meta is {}");
      }
      assertEquals(sessionsByUser, seen);

      bob.request("type", "leave", "room", "rp.room:1");
      JsonNode afterLeave = json(hub.get("/api/rooms/rp.room:1/presence"), 200);
      assertEquals(1, afterLeave.get("count").asInt());
      assertEquals("rp-ann", afterLeave.get("members").get(0).get("user").asText());
    }
  }

  @Test
  void roomPresenceOfAnEmptyRoomCountsZero() {
    JsonNode presence = json(hub.get("/api/rooms/nobody-here/presence"), 200);
    assertEquals(Frames.object("room", "nobody-here", "count", 0, "members", Frames.parse("[]")), presence);
    String longest = "r".repeat(128);
    assertEquals(0, json(hub.get("/api/rooms/" + longest + "/presence"), 200).get("count").asInt());
  }

  @Test
  void roomPresenceOfAnInvalidRoomIsRefused() {
    for (String room : List.of("a..b", ".lead", "trail.", "r".repeat(129), "bad%20room", "caf%C3%A9")) {
      assertError(hub.get("/api/rooms/" + room + "/presence"), 400, "invalid_room");
    }
  }

  // GET /api/users/{user}/presence

  @Test
  void userPresenceListsEverySessionOfTheUser() {
    long before = System.currentTimeMillis();
    try (WsClient first = hub.connect("user=up-ann"); WsClient second = hub.connect("user=up-ann")) {
      String firstSession = first.await("welcome").get("session").asText();
      String secondSession = second.await("welcome").get("session").asText();
      first.join("up-1");
      first.join("up-2");
      second.join("up-3");
      long after = System.currentTimeMillis();

      JsonNode user = json(hub.get("/api/users/up-ann/presence"), 200);
      assertEquals(Set.of("user", "online", "sessions"), fieldNames(user));
      assertEquals("up-ann", user.get("user").asText());
      assertTrue(user.get("online").asBoolean());
      Map<String, Set<String>> roomsBySession = new HashMap<>();
      for (JsonNode session : user.get("sessions")) {
        assertEquals(Set.of("session", "node", "rooms", "connectedAt", "lastSeen"), fieldNames(session));
        assertEquals("h1", session.get("node").asText());
        long connectedAt = session.get("connectedAt").asLong();
        assertTrue(connectedAt >= before && connectedAt <= after, () -> "connectedAt " + connectedAt);
        assertTrue(session.get("lastSeen").asLong() >= connectedAt, session::toString);
        Set<String> rooms = new HashSet<>();
        session.get("rooms").forEach(room -> rooms.add(room.asText()));
        roomsBySession.put(session.get("session").asText(), rooms);
      }
      assertEquals(Map.of(firstSession, Set.of("up-1", "up-2"), secondSession, Set.of("up-3")), roomsBySession);

      second.close();
      JsonNode one = Eventually.until("one session of up-ann left",
          () -> json(hub.get("/api/users/up-ann/presence"), 200), body -> body.get("sessions").size() == 1);
      assertEquals(firstSession, one.get("sessions").get(0).get("session").asText());
      assertTrue(one.get("online").asBoolean());
    }
    Eventually.until("up-ann offline", () -> json(hub.get("/api/users/up-ann/presence"), 200),
        body -> !body.get("online").asBoolean() && body.get("sessions").isEmpty());
  }

  @Test
  void userPresenceOfAnUnknownUserIsOffline() {
    assertEquals(Frames.object("user", "nobody-xyz", "online", false, "sessions", Frames.parse("[]")),
        json(hub.get("/api/users/nobody-xyz/presence"), 200));
  }

  // GET /api/nodes

  @Test
  void nodesListThisNodeWithItsAddressConnectionsAndStart(Vertx vertx) {
    long before = System.currentTimeMillis();
    try (TestHub own = TestHub.start(vertx, "node.name", "nodes-1")) {
      long started = System.currentTimeMillis();
      JsonNode nodes = json(own.get("/api/nodes"), 200);
      assertEquals(Set.of("nodes"), fieldNames(nodes));
      assertEquals(1, nodes.get("nodes").size());
      JsonNode node = nodes.get("nodes").get(0);
      assertEquals(Set.of("node", "address", "connections", "since"), fieldNames(node));
      assertEquals("nodes-1", node.get("node").asText());
      assertEquals("127.0.0.1:" + own.port(), node.get("address").asText());
      assertEquals(0, node.get("connections").asInt());
      long since = node.get("since").asLong();
      assertTrue(since >= before && since <= started, () -> "since " + since + " is not the start");

      try (WsClient ann = own.connect(); WsClient bob = own.connect()) {
        Eventually.until("two connections on nodes-1", () -> json(own.get("/api/nodes"), 200),
            body -> body.get("nodes").get(0).get("connections").asInt() == 2);
        assertEquals(since, json(own.get("/api/nodes"), 200).get("nodes").get(0).get("since").asLong());
      }
    }
  }

  // POST /api/rooms/{room}/events

  @Test
  void postedEventReachesEveryMemberWithoutFrom(VertxTestContext test) {
    try (WsClient ann = hub.connect(); WsClient bob = hub.connect()) {
      ann.join("pub-1");
      bob.join("pub-1");
      long before = System.currentTimeMillis();
      JsonNode data = Frames.parse("{\"text\":\"hi\",\"n\":[1,2]}");
      JsonNode accepted = json(hub.post("/api/rooms/pub-1/events",
          Frames.object("event", "note:new", "data", data).toString()), 202);
      assertEquals(Set.of("id"), fieldNames(accepted));
      String id = accepted.get("id").asText();
      assertFalse(id.isEmpty());

      Checkpoint delivered = test.checkpoint(2);
      for (WsClient member : List.of(ann, bob)) {
        member.nextEvents("pub-1", 1).onComplete(test.succeeding(events -> test.verify(() -> {
          JsonNode event = events.get(0);
          assertEquals("event", event.get("type").asText());
          assertEquals("pub-1", event.get("room").asText());
          assertEquals("note:new", event.get("event").asText());
          assertEquals(data, event.get("data"));
          assertEquals(id, event.get("id").asText());
          assertTrue(event.get("ts").asLong() >= before, event::toString);
          assertFalse(event.has("from"), () -> "a server-side event has no from: " + event);
          delivered.flag();
        })));
      }
      AsyncChecks.await(test, "the posted event at each of the two members");

      String second = json(hub.post("/api/rooms/pub-1/events", "{\"event\":\"bare\"}"), 202).get("id").asText();
      assertNotEquals(id, second, "every event gets its own id");
      JsonNode bare = ann.events("pub-1", 1).get(0);
      assertEquals(second, bare.get("id").asText());
      assertTrue(bare.has("data") && bare.get("data").isNull(), () -> "no data is delivered as null: " + bare);
    }
  }

  @Test
  void postedEventToAnEmptyRoomIsStillAccepted() {
    JsonNode accepted = json(hub.post("/api/rooms/empty-room/events", "{\"event\":\"e\",\"id\":\"to-nobody\"}"), 202);
    assertEquals("to-nobody", accepted.get("id").asText());
  }

  @Test
  void repeatedIdIsAcceptedAgainButDeliveredOnce(VertxTestContext test) {
    try (WsClient ann = hub.connect()) {
      ann.join("dedup-http");
      assertEquals("h-1", json(hub.post("/api/rooms/dedup-http/events",
          "{\"event\":\"e\",\"data\":1,\"id\":\"h-1\"}"), 202).get("id").asText());
      assertEquals("h-1", json(hub.post("/api/rooms/dedup-http/events",
          "{\"event\":\"e\",\"data\":2,\"id\":\"h-1\"}"), 202).get("id").asText());
      assertEquals("h-2", json(hub.post("/api/rooms/dedup-http/events",
          "{\"event\":\"e\",\"data\":3,\"id\":\"h-2\"}"), 202).get("id").asText());

      Checkpoint delivered = test.checkpoint();
      ann.nextEvents("dedup-http", 2).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals("h-1", events.get(0).get("id").asText());
        assertEquals(1, events.get(0).get("data").asInt(), "the first publish is the one delivered");
        assertEquals("h-2", events.get(1).get("id").asText());
        assertEquals(3, events.get(1).get("data").asInt());
        delivered.flag();
      })));
      AsyncChecks.await(test, "two events, the repeat left out");
    }
  }

  @Test
  void anIdIsDeduplicatedPerIdentitySoAClientAndTheApiDoNotCollide(VertxTestContext test) {
    try (WsClient ann = hub.connect("user=dd-ann")) {
      ann.join("dedup-who");
      ann.request("type", "publish", "room", "dedup-who", "event", "e", "id", "same-9", "data", 1);
      json(hub.post("/api/rooms/dedup-who/events", "{\"event\":\"e\",\"data\":2,\"id\":\"same-9\"}"), 202);
      Checkpoint delivered = test.checkpoint();
      ann.nextEvents("dedup-who", 2).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals("dd-ann", events.get(0).get("from").asText());
        assertEquals(2, events.get(1).get("data").asInt());
        assertFalse(events.get(1).has("from"));
        delivered.flag();
      })));
      AsyncChecks.await(test, "the client's event and the API's with the same id");
    }
  }

  @Test
  void badEventBodiesAreRefusedWithTheirCodesAndDeliverNothing() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put("not json", "bad_json");
    codes.put("{\"event\":", "bad_json");
    codes.put("", "bad_json");
    codes.put("[1]", "bad_frame");
    codes.put("\"text\"", "bad_frame");
    codes.put("null", "bad_frame");
    codes.put("{}", "missing_field");
    codes.put("{\"data\":1}", "missing_field");
    codes.put("{\"event\":null}", "missing_field");
    codes.put("{\"event\":5}", "bad_frame");
    codes.put("{\"event\":\"bad event\"}", "invalid_event");
    codes.put("{\"event\":\"" + "e".repeat(65) + "\"}", "invalid_event");
    codes.put("{\"event\":\"e\",\"id\":\"bad id\"}", "bad_frame");
    codes.put("{\"event\":\"e\",\"id\":5}", "bad_frame");
    codes.put("{\"event\":\"e\",\"id\":\"" + "i".repeat(65) + "\"}", "bad_frame");
    try (WsClient ann = hub.connect()) {
      ann.join("bad-bodies");
      codes.forEach((body, code) -> assertError(hub.post("/api/rooms/bad-bodies/events", body), 400, code));
      json(hub.post("/api/rooms/bad-bodies/events", "{\"event\":\"good\"}"), 202);
      assertEquals("good", ann.events("bad-bodies", 1).get(0).get("event").asText(),
          "nothing before the good event was delivered");
    }
  }

  @Test
  void eventToAnInvalidRoomIsRefused() {
    for (String room : List.of("a..b", ".lead", "r".repeat(129), "bad%20room")) {
      assertError(hub.post("/api/rooms/" + room + "/events", "{\"event\":\"e\"}"), 400, "invalid_room");
    }
  }

  @Test
  void bodyOverMaxFrameBytesIsRefusedWith413() {
    String prefix = "{\"event\":\"e\",\"data\":\"";
    String suffix = "\"}";
    String fits = prefix + "x".repeat(MAX_FRAME_BYTES - prefix.length() - suffix.length()) + suffix;
    assertEquals(MAX_FRAME_BYTES, fits.getBytes(StandardCharsets.UTF_8).length);
    json(hub.post("/api/rooms/big/events", fits), 202);

    String over = prefix + "x".repeat(MAX_FRAME_BYTES + 1 - prefix.length() - suffix.length()) + suffix;
    assertError(hub.post("/api/rooms/big/events", over), 413, "too_large");

    byte[] chunked = (prefix + "x".repeat(2 * MAX_FRAME_BYTES) + suffix).getBytes(StandardCharsets.UTF_8);
    assertError(hub.send(HttpRequest.newBuilder(hub.uri("/api/rooms/big/events"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(chunked)))
        .header("content-type", "application/json")), 413, "too_large");
  }

  // Unknown paths and methods

  @Test
  void unknownPathIsNotFound() {
    assertError(hub.get("/api/nope"), 404, "not_found");
    assertError(hub.get("/nope"), 404, "not_found");
    assertError(hub.get("/api/rooms/x"), 404, "not_found");
    assertError(hub.get("/api/users/ann"), 404, "not_found");
    assertError(hub.post("/api/nope", "{}"), 404, "not_found");
  }

  @Test
  void wrongMethodIsNotAllowed() {
    assertError(hub.send(HttpRequest.newBuilder(hub.uri("/api/presence")).DELETE()), 405, "method_not_allowed");
    assertError(hub.get("/api/rooms/x/events"), 405, "method_not_allowed");
    assertError(hub.send(HttpRequest.newBuilder(hub.uri("/api/rooms"))
        .PUT(HttpRequest.BodyPublishers.ofString("{}"))), 405, "method_not_allowed");
    assertError(hub.post("/health", "{}"), 405, "method_not_allowed");
  }

  // Health, readiness and metrics

  @Test
  void healthIsUp() {
    assertEquals(Frames.object("status", "UP"), json(hub.get("/health"), 200));
  }

  @Test
  void readyIsUpWithItsChecks() {
    JsonNode ready = json(hub.get("/ready"), 200);
    assertEquals("UP", ready.get("status").asText());
    assertTrue(ready.get("checks").isObject(), ready::toString);
    assertEquals(Set.of("cluster", "nats"), fieldNames(ready.get("checks")));
  }

  @Test
  void readyIsDownWhileDrainingButHealthStaysUp(Vertx vertx) {
    try (TestHub own = TestHub.start(vertx)) {
      own.hub().startDraining();
      JsonNode ready = json(own.get("/ready"), 503);
      assertEquals("DOWN", ready.get("status").asText());
      assertFalse(ready.path("reason").asText().isEmpty(), () -> "503 with the reason: " + ready);
      assertEquals(Set.of("cluster", "nats"), fieldNames(ready.get("checks")));
      assertEquals(Frames.object("status", "UP"), json(own.get("/health"), 200));
    }
  }

  @Test
  void metricsArePrometheusTextAndMoveWithTraffic(Vertx vertx, VertxTestContext test) {
    try (TestHub own = TestHub.start(vertx, "batch.events", "logs:*")) {
      HttpResponse<String> first = own.get("/metrics");
      assertEquals(200, first.statusCode());
      assertTrue(first.headers().firstValue("content-type").orElse("").startsWith("text/plain"),
          () -> "content-type " + first.headers().firstValue("content-type"));
      Map<String, Double> before = parseMetrics(first.body());
      for (String name : List.of("hub_connections", "hub_frames_in_total", "hub_frames_out_total",
          "hub_batches_total", "hub_events_published_total{source=\"http\"}",
          "hub_events_published_total{source=\"websocket\"}")) {
        assertTrue(before.containsKey(name), () -> name + " missing from " + before.keySet());
      }
      for (String code : PROTOCOL_ERROR_CODES) {
        assertTrue(before.containsKey("hub_errors_total{code=\"" + code + "\"}"), () -> "no error counter " + code);
      }
      assertTrue(first.body().contains("# TYPE hub_frames_in_total counter"), "typed as a counter");

      try (WsClient ann = own.connect()) {
        ann.join("m-room");
        ann.request("type", "publish", "room", "m-room", "event", "chat");
        ann.sendText("{not json");
        ann.await("error");
        json(own.post("/api/rooms/m-room/events", "{\"event\":\"logs:line\"}"), 202);
        assertEquals(404, own.get("/api/nowhere").statusCode());
        assertEquals(400, own.get("/api/rooms/bad..room/presence").statusCode());
        Checkpoint delivered = test.checkpoint();
        ann.nextEvents("m-room", 2).onComplete(test.succeeding(events -> test.verify(() -> {
          assertEquals(List.of("chat", "logs:line"),
              events.stream().map(event -> event.get("event").asText()).toList());
          delivered.flag();
        })));
        AsyncChecks.await(test, "the published and the posted event");

        // hub_rooms reads a supplier; a collection first shows whether the gauge still holds it.
        System.gc();
        Map<String, Double> during = parseMetrics(text200(own.get("/metrics")));
        assertEquals(1.0, during.get("hub_connections"));
        assertEquals(1.0, during.get("hub_rooms"), "one room with a member on this node");
        assertTrue(during.get("hub_frames_in_total") >= before.get("hub_frames_in_total") + 3, during::toString);
        assertTrue(during.get("hub_frames_out_total") >= before.get("hub_frames_out_total") + 4, during::toString);
        assertTrue(during.get("hub_batches_total") >= before.get("hub_batches_total") + 1, during::toString);
        assertDelta(before, during, "hub_errors_total{code=\"bad_json\"}", 1);
        assertDelta(before, during, "hub_errors_total{code=\"not_found\"}", 1);
        assertDelta(before, during, "hub_errors_total{code=\"invalid_room\"}", 1);
        assertDelta(before, during, "hub_events_published_total{source=\"websocket\"}", 1);
        assertDelta(before, during, "hub_events_published_total{source=\"http\"}", 1);
      }
      Eventually.until("hub_connections back to 0", () -> parseMetrics(text200(own.get("/metrics"))),
          metrics -> metrics.get("hub_connections") == 0.0);
    }
  }

  // Helpers

  /** Checks the status and the JSON content type, and parses the body. */
  private static JsonNode json(HttpResponse<String> response, int status) {
    assertEquals(status, response.statusCode(),
        () -> response.request().method() + " " + response.uri() + " answered " + response.body());
    String type = response.headers().firstValue("content-type").orElse("");
    assertTrue(type.startsWith("application/json"),
        () -> response.request().method() + " " + response.uri() + " has content-type '" + type + "'");
    return Frames.parse(response.body());
  }

  private static String text200(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response::body);
    return response.body();
  }

  private static void assertError(HttpResponse<String> response, int status, String code) {
    JsonNode body = json(response, status);
    assertEquals(Set.of("error", "message"), fieldNames(body), body::toString);
    assertEquals(code, body.get("error").asText(),
        () -> response.request().method() + " " + response.uri() + " answered " + body);
    assertFalse(body.get("message").asText().isEmpty(), "an error explains itself");
  }

  private static JsonNode totals(int nodes, int connections, int users, int rooms) {
    return Frames.object("nodes", nodes, "connections", connections, "users", users, "rooms", rooms);
  }

  private static void awaitTotals(TestHub target, JsonNode expected) {
    Eventually.until("totals " + expected, () -> json(target.get("/api/presence"), 200), expected::equals);
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> roomNames(JsonNode page) {
    List<String> names = new ArrayList<>();
    page.get("rooms").forEach(room -> names.add(room.get("room").asText()));
    return names;
  }

  /** Samples by name with labels, e.g. {@code hub_errors_total{code="bad_json"}}. */
  private static Map<String, Double> parseMetrics(String text) {
    Map<String, Double> samples = new HashMap<>();
    text.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(line -> {
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    });
    return samples;
  }

  private static void assertDelta(Map<String, Double> before, Map<String, Double> after, String name, double delta) {
    assertEquals(before.get(name) + delta, after.get(name), () -> name + " should have moved by " + delta);
  }
}

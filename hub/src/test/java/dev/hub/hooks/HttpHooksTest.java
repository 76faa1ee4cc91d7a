package dev.hub.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.SseReader;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hooks over HTTP (PROTOCOL.md section 10) against a real backend: a Vert.x HTTP server in the test that
 * decides by cookie, room and event, and checks every request's signature itself. Auth is off, so the connect
 * hook decides every client without a token.
 */
@ExtendWith(VertxExtension.class)
class HttpHooksTest {
  static final String SECRET = "hook-secret-0123456789";

  private static HttpServer backend;
  private static TestHub hub;
  /** A hub that waits 1 s at most and lets one call wait at a time. */
  private static TestHub tight;
  /** Every request the backend got, with its signature checked. */
  private static final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger badSignatures = new AtomicInteger();

  record Received(String path, JsonObject body, String timestamp, String signature) {
  }

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    backend = vertx.createHttpServer().requestHandler(HttpHooksTest::answer).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    String base = "http://127.0.0.1:" + backend.actualPort();
    hub = TestHub.start(vertx, "hooks.secret", SECRET, "hooks.connect.url", base + "/connect",
        "hooks.join.url", base + "/join", "hooks.join.rooms", "vip.*,secret.*",
        "hooks.publish.url", base + "/publish", "hooks.publish.rooms", "open.*",
        "hooks.request.url", base + "/request");
    tight = TestHub.start(vertx, "hooks.secret", SECRET, "hooks.connect.url", base + "/connect",
        "hooks.request.url", base + "/request", "hooks.timeoutMs", "1000", "hooks.maxInFlight", "1");
  }

  @AfterAll
  static void stop() {
    hub.close();
    tight.close();
    backend.close();
  }

  /** The backend: it answers as a real one would, and never answers "slow" clients or "hang" requests. */
  private static void answer(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String timestamp = request.getHeader("X-Hub-Timestamp");
      String signature = request.getHeader("X-Hub-Signature");
      if (signature == null || !signature.equals("sha256=" + hmac(timestamp + "." + body.toString()))) {
        badSignatures.incrementAndGet();
      }
      JsonObject json = body.toJsonObject();
      received.add(new Received(request.path(), json, timestamp, signature));
      switch (request.path()) {
        case "/connect" -> connect(request, json);
        case "/join" -> reply(request, 200, new JsonObject().put("allow", !json.getString("room").startsWith("secret.")));
        case "/publish" -> {
          switch (json.getString("event")) {
            case "bad" -> reply(request, 200, new JsonObject().put("allow", false));
            case "shout" -> reply(request, 200, new JsonObject().put("allow", true)
                .put("data", json.getString("data").toUpperCase()));
            default -> reply(request, 200, new JsonObject().put("allow", true));
          }
        }
        case "/request" -> {
          switch (json.getString("event")) {
            case "hang" -> { }
            case "missing" -> reply(request, 404, new JsonObject());
            default -> reply(request, 200, new JsonObject().put("data", new JsonObject()
                .put("user", json.getString("user")).put("got", json.getValue("data"))));
          }
        }
        default -> reply(request, 404, new JsonObject());
      }
    });
  }

  private static void connect(HttpServerRequest request, JsonObject asked) {
    String cookie = asked.getJsonObject("headers").getString("Cookie", "");
    if (cookie.contains("sid=good")) {
      reply(request, 200, new JsonObject().put("user", "carol").put("meta", new JsonObject().put("name", "Carol"))
          .put("rooms", new JsonObject().put("join", new JsonArray().add("open.>"))
              .put("publish", new JsonArray().add("open.>")))
          .put("requests", new JsonArray().add(">")));
    } else if (cookie.contains("sid=banned")) {
      reply(request, 403, new JsonObject());
    } else if (!cookie.contains("sid=slow")) {
      reply(request, 401, new JsonObject());
    }
  }

  private static void reply(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  static String hmac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static WsClient connect(TestHub on, String cookie) {
    return on.connect("", Map.of("Cookie", cookie));
  }

  /** The HTTP status the hub refused an upgrade with. */
  private static int refusedStatus(TestHub on, String cookie) {
    WebSocketConnectOptions options = WsClient.options(on.port(), "").addHeader("Cookie", cookie);
    try {
      on.webSockets().connect(options).await(WsClient.WAIT_MS, TimeUnit.MILLISECONDS).close();
    } catch (Exception e) {
      return assertInstanceOf(UpgradeRejectedException.class, e).getStatus();
    }
    throw new AssertionError("the upgrade was accepted");
  }

  @Test
  void theConnectHookLetsTheCookieDecideWhoTheClientIs() {
    try (WsClient carol = connect(hub, "theme=dark; sid=good")) {
      assertEquals("carol", carol.await("welcome").get("user").asText());
      carol.join("open.lobby");
      JsonNode member = carol.request("type", "presence", "room", "open.lobby").get("members").get(0);
      assertEquals("Carol", member.get("meta").get("name").asText(), "the hook's meta is shown in presence");
    }
    Received asked = received.stream().filter(r -> r.path().equals("/connect")
        && r.body().getJsonObject("headers").getString("Cookie", "").contains("sid=good")).findFirst().orElseThrow();
    assertEquals("websocket", asked.body().getString("transport"));
    assertEquals("127.0.0.1", asked.body().getString("ip"));
    assertTrue(asked.body().getJsonObject("query").isEmpty());
    assertEquals(0, badSignatures.get(), "every request's X-Hub-Signature is the HMAC of TIMESTAMP.BODY");
    assertTrue(Math.abs(System.currentTimeMillis() - Long.parseLong(asked.timestamp())) < 60_000);
  }

  @Test
  void theConnectHookRefusesWith401Or403() {
    assertEquals(401, refusedStatus(hub, "sid=nobody"));
    assertEquals(403, refusedStatus(hub, "sid=banned"));
  }

  @Test
  void anSseStreamWithoutATokenIsAskedTooAsSse() throws Exception {
    try (SseReader reader = SseReader.open(hub.port(), "rooms=open.sse", Map.of("Cookie", "sid=good"))) {
      assertEquals(200, reader.status());
    }
    assertTrue(received.stream().anyMatch(r -> r.path().equals("/connect")
        && "sse".equals(r.body().getString("transport"))));
    try (SseReader refused = SseReader.open(hub.port(), "rooms=open.sse", Map.of("Cookie", "sid=banned"))) {
      assertEquals(403, refused.status());
    }
  }

  @Test
  void aConnectHookThatDoesNotAnswerIs503WithinTheTimeout() {
    long started = System.nanoTime();
    assertEquals(503, refusedStatus(tight, "sid=slow"));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(tookMs >= 900 && tookMs < 4000, "refused after hooks.timeoutMs (1000), took " + tookMs);
  }

  @Test
  void theJoinHookDecidesRoomsThePermissionsDoNotAllow() {
    try (WsClient carol = connect(hub, "sid=good")) {
      carol.await("welcome");
      JsonNode vip = carol.request("type", "join", "room", "vip.lounge");
      assertEquals("ack", vip.get("type").asText(), "the hook allows vip rooms: " + vip);
      JsonNode secret = carol.request("type", "join", "room", "secret.plans");
      assertEquals("forbidden", secret.get("code").asText(), "the hook refuses: " + secret);
      JsonNode other = carol.request("type", "join", "room", "other.room");
      assertEquals("forbidden", other.get("code").asText(), "not the hook's rooms, not the permissions'");
    }
    JsonNode askedJoin = received.stream().filter(r -> r.path().equals("/join")
        && r.body().getString("room").equals("vip.lounge")).findFirst().map(r -> toNode(r.body())).orElseThrow();
    assertEquals("carol", askedJoin.get("user").asText());
    assertTrue(askedJoin.get("session").isTextual());
    assertEquals("Carol", askedJoin.get("meta").get("name").asText());
    assertFalse(received.stream().anyMatch(r -> r.path().equals("/join")
        && r.body().getString("room").startsWith("open.")), "rooms the permissions allow are not asked");
  }

  @Test
  void thePublishHookRefusesAndReplacesData() {
    try (WsClient carol = connect(hub, "sid=good")) {
      carol.await("welcome");
      carol.join("open.news");
      JsonNode refused = carol.request("type", "publish", "room", "open.news", "event", "bad", "data", "x");
      assertEquals("forbidden", refused.get("code").asText(), refused.toString());
      JsonNode ack = carol.request("type", "publish", "room", "open.news", "event", "shout", "data", "hello",
          "id", "m-1");
      assertEquals("ack", ack.get("type").asText(), ack.toString());
      JsonNode event = carol.events("open.news", 1).get(0);
      assertEquals("HELLO", event.get("data").asText(), "the hook's data replaces the client's");
    }
    JsonObject asked = received.stream().filter(r -> r.path().equals("/publish")
        && r.body().getString("event").equals("shout")).findFirst().orElseThrow().body();
    assertEquals(List.of("user", "session", "room", "event", "data", "id"), List.copyOf(asked.fieldNames()));
    assertEquals("m-1", asked.getString("id"));
  }

  @Test
  void theRequestHookRepliesAndItsErrorsAreUnavailable() {
    try (WsClient carol = connect(hub, "sid=good")) {
      carol.await("welcome");
      JsonNode reply = carol.request("type", "request", "event", "echo", "data",
          dev.hub.protocol.Json.MAPPER.createObjectNode().put("n", 1));
      assertEquals("reply", reply.get("type").asText(), reply.toString());
      assertEquals("carol", reply.get("data").get("user").asText());
      assertEquals(1, reply.get("data").get("got").get("n").asInt());
      JsonNode missing = carol.request("type", "request", "event", "missing");
      assertEquals("unavailable", missing.get("code").asText(), "a 404 is unavailable: " + missing);
    }
  }

  @Test
  void pastMaxInFlightACallIsUnavailableAtOnce() throws Exception {
    try (WsClient carol = connect(tight, "sid=good")) {
      carol.await("welcome");
      Future<JsonNode> hanging = carol.requestAsync("type", "request", "event", "hang");
      // The first call holds the node's one place until its timeout (1 s); the next is refused at once.
      long started = System.nanoTime();
      JsonNode busy = carol.request("type", "request", "event", "echo");
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertEquals("unavailable", busy.get("code").asText(), busy.toString());
      assertTrue(tookMs < 500, "refused at once, took " + tookMs + " ms");
      assertEquals("unavailable", hanging.await(5, TimeUnit.SECONDS).get("code").asText(), "the first timed out");
    }
    String metrics = tight.get("/metrics").body();
    assertTrue(metrics.contains("hub_hook_failures_total{hook=\"request\",kind=\"busy\"} 1.0"), metrics);
    assertTrue(metrics.contains("hub_hook_failures_total{hook=\"request\",kind=\"timeout\"} 1.0"), metrics);
  }

  @Test
  void everyHookIsMetered() {
    try (WsClient carol = connect(hub, "sid=good")) {
      carol.await("welcome");
    }
    String metrics = hub.get("/metrics").body();
    for (String hook : List.of("connect", "join", "publish", "request")) {
      assertTrue(metrics.contains("hub_hook_calls_total{hook=\"" + hook + "\"}"), hook);
      assertTrue(metrics.contains("hub_hook_latency_seconds_count{hook=\"" + hook + "\"}"), hook);
      assertTrue(metrics.contains("hub_hook_in_flight{hook=\"" + hook + "\"}"), hook);
    }
  }

  private static JsonNode toNode(JsonObject object) {
    try {
      return dev.hub.protocol.Json.MAPPER.readTree(object.encode());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

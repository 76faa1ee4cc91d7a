package dev.hub.auth;

import static dev.hub.test.AsyncChecks.expectClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.app.ConfigException;
import dev.hub.app.ConfigLoader;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.RawWebSocket;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Origins, rate limits, connection limits and the secure default: each reached, refused, and recovered from. Each
 * hub and its clients run on the test's Vert.x; a close code and a refused upgrade are checkpoints. Upgrades that
 * need exact headers go through a bare socket.
 */
@ExtendWith(VertxExtension.class)
class AbuseLimitsTest {

  @Test
  void originsOutsideTheListAreRefusedOnTheUpgradeAndByCors(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(vertx, "http.allowedOrigins", "https://app.example.com")) {
      assertEquals(101, RawWebSocket.upgradeStatus(hub.port(), "", Map.of("Origin", "https://app.example.com")));
      assertEquals(101, RawWebSocket.upgradeStatus(hub.port(), "", Map.of()), "non-browser clients are not held");
      assertEquals(403, RawWebSocket.upgradeStatus(hub.port(), "", Map.of("Origin", "https://evil.example.com")));
      Eventually.until("the accepted sessions gone", 5000,
          () -> Frames.parse(hub.get("/api/presence").body()).get("connections").asInt(), n -> n == 0);

      HttpResponse<String> cors = hub.send(HttpRequest.newBuilder(hub.uri("/api/presence"))
          .header("Origin", "https://app.example.com").GET());
      assertEquals(200, cors.statusCode());
      assertEquals("https://app.example.com", cors.headers().firstValue("access-control-allow-origin").orElse(null));
      HttpResponse<String> preflight = hub.send(HttpRequest.newBuilder(hub.uri("/api/rooms/r/events"))
          .header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "POST")
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
      assertTrue(preflight.statusCode() == 200 || preflight.statusCode() == 204, () -> "preflight " + preflight);
      HttpResponse<String> foreign = hub.send(HttpRequest.newBuilder(hub.uri("/api/presence"))
          .header("Origin", "https://evil.example.com").GET());
      assertEquals(403, foreign.statusCode());
      assertEquals("forbidden", Frames.parse(foreign.body()).get("error").asText(), foreign::body);
      assertNull(foreign.headers().firstValue("access-control-allow-origin").orElse(null));
    }
  }

  @Test
  void withAuthOffAndNoListOnlyLoopbackPagesMayDriveTheHub(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(vertx)) {
      for (String foreign : List.of("https://evil.example", "http://localhost.evil.example", "null")) {
        assertEquals(403, RawWebSocket.upgradeStatus(hub.port(), "", Map.of("Origin", foreign)), foreign);
        HttpResponse<String> post = postAsPage(hub, foreign);
        assertEquals(403, post.statusCode(), () -> foreign + ": " + post.body());
        assertEquals("forbidden", Frames.parse(post.body()).get("error").asText());
      }
      for (String local : List.of("http://localhost:3000", "http://127.0.0.1:" + hub.port(), "https://[::1]:5173",
          "http://localhost")) {
        assertEquals(101, RawWebSocket.upgradeStatus(hub.port(), "", Map.of("Origin", local)), local);
        HttpResponse<String> post = postAsPage(hub, local);
        assertEquals(202, post.statusCode(), () -> local + ": " + post.body());
        assertEquals(local, post.headers().firstValue("access-control-allow-origin").orElse(null));
      }
      assertEquals(101, RawWebSocket.upgradeStatus(hub.port(), "", Map.of()), "non-browser clients are not held");
      assertEquals(202, hub.post("/api/rooms/x/events", "{\"event\":\"e\"}").statusCode());
    }
  }

  /** A page's form-like POST: {@code text/plain} needs no preflight, so only the server can refuse it. */
  private static HttpResponse<String> postAsPage(TestHub hub, String origin) {
    return hub.send(HttpRequest.newBuilder(hub.uri("/api/rooms/x/events")).header("Origin", origin)
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"e\"}")));
  }

  @Test
  void behindATrustedProxyEachForwardedClientCountsOnItsOwn(Vertx vertx) throws Exception {
    try (TestHub hub = TestHub.start(vertx, "limits.connectionsPerIp", "1",
        "http.trustedProxies", "127.0.0.0/8,10.0.0.0/8");
        RawWebSocket ann = RawWebSocket.connect(hub.port(), "", Map.of("X-Forwarded-For", "203.0.113.7"));
        RawWebSocket bob = RawWebSocket.connect(hub.port(), "", Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.8"));
        RawWebSocket viaTwoProxies = RawWebSocket.connect(hub.port(), "",
            Map.of("X-Forwarded-For", "203.0.113.9, 10.1.2.3"));
        RawWebSocket proxyItself = RawWebSocket.connect(hub.port(), "", Map.of())) {
      assertEquals(429, RawWebSocket.upgradeStatus(hub.port(), "", Map.of("X-Forwarded-For", "203.0.113.7")));
      assertEquals(429, RawWebSocket.upgradeStatus(hub.port(), "",
          Map.of("X-Forwarded-For", "192.0.2.1, 203.0.113.8")), "what a client writes before its own address is not it");
      assertEquals(429, RawWebSocket.upgradeStatus(hub.port(), "",
          Map.of("X-Forwarded-For", "203.0.113.9, 10.200.0.1")), "trusted proxies on the way are passed over");
      assertEquals(429, RawWebSocket.upgradeStatus(hub.port(), "", Map.of()), "the proxy's own slot is taken");
    }
  }

  @Test
  void fromAnUntrustedPeerXForwardedForIsIgnored(Vertx vertx) throws Exception {
    for (String[] config : List.of(new String[] {"limits.connectionsPerIp", "1"},
        new String[] {"limits.connectionsPerIp", "1", "http.trustedProxies", "10.0.0.0/8"})) {
      try (TestHub hub = TestHub.start(vertx, config);
          RawWebSocket first = RawWebSocket.connect(hub.port(), "", Map.of("X-Forwarded-For", "203.0.113.7"))) {
        assertEquals(429, RawWebSocket.upgradeStatus(hub.port(), "", Map.of("X-Forwarded-For", "203.0.113.99")),
            () -> "both come from 127.0.0.1, whatever they claim; " + List.of(config));
      }
    }
  }

  @Test
  void publishesPastTheRateAreRefusedThenAllowedAgain(Vertx vertx) {
    try (TestHub hub = TestHub.start(vertx, "limits.publishPerSecond", "20", "limits.publishBurst", "5");
        WsClient fast = hub.connect(); WsClient other = hub.connect()) {
      fast.join("rate");
      other.join("rate");
      int accepted = 0;
      int refused = 0;
      for (int i = 0; i < 8; i++) {
        JsonNode reply = fast.request("type", "publish", "room", "rate", "event", "e", "data", i);
        if ("ack".equals(reply.get("type").asText())) {
          accepted++;
        } else {
          assertEquals("rate_limited", reply.get("code").asText(), reply::toString);
          refused++;
        }
      }
      assertTrue(accepted >= 5 && refused >= 1, "accepted " + accepted + ", refused " + refused);
      Eventually.until("a publish accepted again after the bucket refills", 5000,
          () -> fast.request("type", "publish", "room", "rate", "event", "later").get("type").asText(),
          "ack"::equals);
      assertEquals("ack", other.request("type", "publish", "room", "rate", "event", "e").get("type").asText(),
          "limits are per session");
    }
  }

  @Test
  void aClientThatKeepsPublishingThroughRefusalsIsClosedWith4029(Vertx vertx, VertxTestContext test) {
    try (TestHub hub = TestHub.start(vertx, "limits.publishPerSecond", "1", "limits.publishBurst", "1",
        "limits.maxRefusals", "10"); WsClient flood = hub.connect(); WsClient bystander = hub.connect()) {
      flood.join("flood");
      bystander.join("flood");
      expectClose(test, test.checkpoint(), flood, 4029);
      for (int i = 0; i < 50; i++) {
        flood.send("type", "publish", "room", "flood", "event", "spam", "data", i);
      }
      AsyncChecks.await(test, "close 4029 of the client publishing through its refusals");
      assertEquals(1, bystander.events("flood", 1).size(), "the one publish the bucket allowed");
      assertEquals("pong", bystander.request("type", "ping").get("type").asText(), "others are unaffected");
    }
  }

  @Test
  void joinsPastTheRateAreRefused(Vertx vertx) {
    try (TestHub hub = TestHub.start(vertx, "limits.joinsPerSecond", "1", "limits.joinBurst", "3",
        "limits.maxRefusals", "1000"); WsClient client = hub.connect()) {
      List<String> codes = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        JsonNode reply = client.request("type", "join", "room", "j" + i);
        codes.add("ack".equals(reply.get("type").asText()) ? "ack" : reply.get("code").asText());
      }
      assertEquals(List.of("ack", "ack", "ack"), codes.subList(0, 3));
      assertTrue(codes.contains("rate_limited"), codes::toString);
      Eventually.until("a join accepted again", 5000,
          () -> client.request("type", "join", "room", "again").get("type").asText(), "ack"::equals);
    }
  }

  @Test
  void connectionsPerIpAreCappedWith429AndFreedOnClose(Vertx vertx, VertxTestContext test) {
    try (TestHub hub = TestHub.start(vertx, "limits.connectionsPerIp", "2")) {
      WsClient first = hub.connect();
      WsClient second = hub.connect();
      Checkpoint refused = test.checkpoint();
      hub.webSockets().connect(WsClient.options(hub.port(), "")).onComplete(test.failing(third -> test.verify(() -> {
        assertTrue(third instanceof UpgradeRejectedException, third::toString);
        assertEquals(429, ((UpgradeRejectedException) third).getStatus());
        refused.flag();
      })));
      AsyncChecks.await(test, "429 for a third connection from the same address");
      first.close();
      WsClient again = Eventually.until("a slot freed by the close", 5000,
          () -> {
            try {
              return hub.connect();
            } catch (IllegalStateException refusedStill) {
              return null;
            }
          }, client -> client != null);
      again.close();
      second.close();
    }
  }

  @Test
  void authOffOnANonLoopbackAddressRefusesToStartUnlessAllowedOnPurpose() {
    ConfigLoader loader = new ConfigLoader();
    ConfigException refused = assertThrows(ConfigException.class,
        () -> loader.load(null, Map.of(), Map.of("http.host", "0.0.0.0")));
    assertTrue(refused.getMessage().contains("http.host"), refused.getMessage());
    assertTrue(refused.getMessage().contains("auth.allowAnonymous"), refused.getMessage());
    loader.load(null, Map.of(), Map.of("http.host", "0.0.0.0", "auth.allowAnonymous", "true"));
    loader.load(null, Map.of(), Map.of("http.host", "0.0.0.0", "auth.secret", "a-secret-of-32-bytes-or-more-0123"));
    ConfigException shortSecret = assertThrows(ConfigException.class,
        () -> loader.load(null, Map.of(), Map.of("auth.secret", "short")));
    assertTrue(shortSecret.getMessage().contains("auth.secret"), shortSecret.getMessage());
  }
}

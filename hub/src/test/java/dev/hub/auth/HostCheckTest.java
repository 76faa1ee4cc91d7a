package dev.hub.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hub.app.ConfigException;
import dev.hub.app.ConfigLoader;
import dev.hub.test.Frames;
import dev.hub.test.HubQueries;
import dev.hub.test.RawHttp;
import dev.hub.test.RawWebSocket;
import dev.hub.test.TestHub;
import dev.hub.test.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DNS rebinding (PROTOCOL.md section 6): with auth off, a request or upgrade whose {@code Host} is not a loopback
 * name or address, nor in {@code http.allowedHosts}, is refused with 403 {@code forbidden} on every path but the
 * health probes, with or without an {@code Origin}; with auth on any {@code Host} is served. Requests go over bare
 * sockets, since HTTP clients write {@code Host} from the address they connect to.
 */
@ExtendWith(VertxExtension.class)
class HostCheckTest {
  private static final String API_KEY = "host-check-api-key-0123456789";
  /** What a page at http://attacker.example:8080 sends once its name resolves to 127.0.0.1. */
  private static final List<String> FOREIGN = List.of("attacker.example:8080", "attacker.example",
      "localhost.attacker.example", "127.0.0.1.attacker.example", "10.1.2.3:8080", "[::2]:8080");
  /** Every kind of resource: the API, a stream, the dashboard, the client, metrics. */
  private static final List<String> PATHS = List.of("/api/presence", "/api/rooms/r/presence", "/sse?rooms=r",
      "/", "/client/hub-client.js", "/metrics");

  @Test
  void withAuthOffAForeignHostIsRefusedOnEveryPathAndUpgrade(Vertx vertx) throws IOException {
    try (TestHub hub = TestHub.start(vertx)) {
      for (String host : FOREIGN) {
        for (String path : PATHS) {
          assertForbidden(RawHttp.get(hub.port(), path, host, Map.of()), host + " " + path);
        }
        assertEquals(403, RawWebSocket.upgradeStatus(hub.port(), "user=ann", Map.of("Host", host)), host);
      }
      assertForbidden(RawHttp.get(hub.port(), "/api/presence", null, Map.of()), "no Host at all (HTTP/1.0)");
      assertTrue(HubQueries.metric(hub, "hub_errors_total{code=\"forbidden\"}") >= FOREIGN.size() * PATHS.size(),
          "the refusals are counted");
      assertEquals(0, Frames.parse(hub.get("/api/presence").body()).get("connections").asInt(),
          "no refused stream or upgrade opened a session");
    }
  }

  @Test
  void withAuthOffLoopbackHostsAreServedOnAnyPort(Vertx vertx) throws IOException {
    try (TestHub hub = TestHub.start(vertx)) {
      List<String> loopback = new ArrayList<>();
      for (String host : List.of("localhost", "LocalHost", "localhost.", "127.0.0.1", "127.1.2.3", "[::1]")) {
        loopback.add(host);
        loopback.add(host + ":" + hub.port());
        loopback.add(host + ":3000");
      }
      for (String host : loopback) {
        assertEquals(200, RawHttp.get(hub.port(), "/api/presence", host, Map.of()).status(), host);
        assertEquals(200, RawHttp.get(hub.port(), "/client/hub-client.js", host, Map.of()).status(), host);
        assertEquals(200, RawHttp.get(hub.port(), "/sse?rooms=r", host, Map.of()).status(), host);
        assertEquals(101, RawWebSocket.upgradeStatus(hub.port(), "", Map.of("Host", host)), host);
      }
    }
  }

  /**
   * Kubernetes probes a pod by its address, and Docker's health check by whatever its command names: neither
   * can be listed ahead, and {@code /health} and {@code /ready} tell whether the process serves, nothing more.
   */
  @Test
  void theHealthProbesAnswerAnyHost(Vertx vertx) throws IOException {
    try (TestHub hub = TestHub.start(vertx)) {
      for (String host : List.of("10.244.1.17:8080", "attacker.example", "hub-7c9f-2x.hub-members")) {
        assertEquals(200, RawHttp.get(hub.port(), "/health", host, Map.of()).status(), host);
        assertEquals(200, RawHttp.get(hub.port(), "/ready", host, Map.of()).status(), host);
        assertForbidden(RawHttp.get(hub.port(), "/health/../api/presence", host, Map.of()), "a path through");
      }
    }
  }

  @Test
  void hostsInTheAllowListAreServedWhateverTheirPort(Vertx vertx) throws IOException {
    try (TestHub hub = TestHub.start(vertx, "http.allowedHosts", "hub.internal,10.0.0.5,[fd00::5]")) {
      for (String host : List.of("hub.internal", "HUB.internal:8080", "10.0.0.5", "10.0.0.5:443", "[fd00::5]:80",
          "[fd00:0:0:0:0:0:0:5]", "localhost:8080")) {
        assertEquals(200, RawHttp.get(hub.port(), "/api/presence", host, Map.of()).status(), host);
        assertEquals(101, RawWebSocket.upgradeStatus(hub.port(), "", Map.of("Host", host)), host);
      }
      for (String host : List.of("attacker.example", "sub.hub.internal", "10.0.0.6")) {
        assertForbidden(RawHttp.get(hub.port(), "/api/presence", host, Map.of()), host);
      }
    }
  }

  @Test
  void withAuthOnAnyHostIsServedAndTheTokenGuards(Vertx vertx) throws IOException {
    try (TestHub hub = TestHub.start(vertx, "auth.secret", Tokens.SECRET, "auth.apiKey", API_KEY)) {
      String token = Tokens.hs256(new JsonObject().put("sub", "ann")
          .put("rooms", new JsonObject().put("join", List.of("r"))));
      for (String host : List.of("attacker.example:8080", "hub.example.com", "10.244.1.17:8080")) {
        assertEquals(200, RawHttp.get(hub.port(), "/api/presence", host, Map.of("X-Api-Key", API_KEY)).status());
        assertEquals(401, RawHttp.get(hub.port(), "/api/presence", host, Map.of()).status(), "the key guards");
        assertEquals(200, RawHttp.get(hub.port(), "/sse?rooms=r&token=" + token, host, Map.of()).status());
        assertEquals(101, RawWebSocket.upgradeStatus(hub.port(), "token=" + token, Map.of("Host", host)), host);
      }
    }
  }

  @Test
  void badAllowedHostsAndAnIdleTimeoutUnderTwoHeartbeatsStopTheStart() {
    for (String bad : List.of("hub.internal:8080", "http://hub.internal", "*.example.com", "hub internal")) {
      ConfigException refused = assertThrows(ConfigException.class,
          () -> new ConfigLoader().load(null, Map.of("HUB_HTTP_ALLOWED_HOSTS", bad), Map.of()), bad);
      assertTrue(refused.getMessage().contains("http.allowedHosts"), refused::getMessage);
    }
    assertEquals(List.of("hub.internal", "10.0.0.5"), new ConfigLoader()
        .load(null, Map.of("HUB_HTTP_ALLOWED_HOSTS", "hub.internal,10.0.0.5"), Map.of()).http().allowedHosts());
    ConfigException tooShort = assertThrows(ConfigException.class, () -> new ConfigLoader()
        .load(null, Map.of(), Map.of("heartbeat.intervalMs", "30000", "http.idleTimeoutMs", "45000")));
    assertTrue(tooShort.getMessage().contains("http.idleTimeoutMs"), tooShort::getMessage);
    assertEquals(0, new ConfigLoader().load(null, Map.of(), Map.of("http.idleTimeoutMs", "0")).http()
        .idleTimeoutMs(), "0: never");
  }

  private static void assertForbidden(RawHttp.Answer answer, String what) {
    assertEquals(403, answer.status(), () -> what + ": " + answer.head());
    assertEquals("forbidden", Frames.parse(answer.body()).get("error").asText(), () -> what + ": " + answer.body());
  }
}

package dev.hub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.HubQueries;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one adapter that reaches into Vert.x: this Vert.x passes its probe, and a hub that cannot use it (forced
 * here, as a renamed field or a refused reflective write would) still serves every frame through the public API.
 */
class VertxInternalsTest {

  @Test
  void thisVertxPassesTheProbe() {
    VertxInternals internals = VertxInternals.probe(true, 65_536);
    assertTrue(internals.active(), () -> "probe failed: " + internals.fallbackReason());
  }

  @Test
  void aHubOnThePublicApiOnlyStillServesEveryFrame() {
    try (TestHub hub = TestHub.start("http.vertxInternals", "false", "batch.events", "logs:*",
            "batch.maxDelayMs", "20");
        WsClient ann = hub.connect("user=ann"); WsClient bob = hub.connect("user=bob")) {
      assertEquals(0, HubQueries.metric(hub, "hub_vertx_internals"), "the fallback shows in /metrics");
      ann.join("plain");
      bob.join("plain");
      ann.request("type", "publish", "room", "plain", "event", "chat", "data", "hi");
      ann.request("type", "publish", "room", "plain", "event", "logs:line", "data", "held");
      List<JsonNode> events = bob.events("plain", 2);
      assertEquals("hi", events.get(0).get("data").asText());
      assertEquals("held", events.get(1).get("data").asText());
      assertEquals("presence_diff", ann.await("presence_diff").get("type").asText());
    }
  }

  @Test
  void aHubOnTheInternalsSaysSo() {
    try (TestHub hub = TestHub.start()) {
      assertEquals(1, HubQueries.metric(hub, "hub_vertx_internals"));
    }
  }
}

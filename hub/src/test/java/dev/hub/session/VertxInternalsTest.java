package dev.hub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hub.test.AsyncChecks;
import dev.hub.test.HubQueries;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one adapter that reaches into Vert.x: this Vert.x passes its probe, and a hub that cannot use it (forced
 * here, as a renamed field or a refused reflective write would) still serves every frame through the public API.
 * The hubs and their clients run on the test's Vert.x.
 */
@ExtendWith(VertxExtension.class)
class VertxInternalsTest {

  @Test
  void thisVertxPassesTheProbe() {
    VertxInternals internals = VertxInternals.probe(true, 65_536);
    assertTrue(internals.active(), () -> "probe failed: " + internals.fallbackReason());
  }

  @Test
  void aHubOnThePublicApiOnlyStillServesEveryFrame(Vertx vertx, VertxTestContext test) {
    try (TestHub hub = TestHub.start(vertx, "http.vertxInternals", "false", "batch.events", "logs:*",
            "batch.maxDelayMs", "20");
        WsClient ann = hub.connect("user=ann"); WsClient bob = hub.connect("user=bob")) {
      assertEquals(0, HubQueries.metric(hub, "hub_vertx_internals"), "the fallback shows in /metrics");
      // Every checkpoint up front: the context completes as soon as those made so far are flagged.
      Checkpoint diffed = test.checkpoint();
      Checkpoint delivered = test.checkpoint();
      ann.join("plain");
      ann.next("presence_diff").onComplete(test.succeeding(diff -> test.verify(() -> {
        assertEquals("bob", diff.path("joins").path(0).path("user").asText(), diff::toString);
        diffed.flag();
      })));
      bob.join("plain");
      bob.nextEvents("plain", 2).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals("hi", events.get(0).get("data").asText());
        assertEquals("held", events.get(1).get("data").asText(), "the held batch, flushed by its delay");
        delivered.flag();
      })));
      ann.request("type", "publish", "room", "plain", "event", "chat", "data", "hi");
      ann.request("type", "publish", "room", "plain", "event", "logs:line", "data", "held");
      AsyncChecks.await(test, "bob's event and batch, ann's presence_diff");
    }
  }

  @Test
  void aHubOnTheInternalsSaysSo(Vertx vertx) {
    try (TestHub hub = TestHub.start(vertx)) {
      assertEquals(1, HubQueries.metric(hub, "hub_vertx_internals"));
    }
  }
}

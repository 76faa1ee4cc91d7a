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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A hub that starts before its NATS server, and one without a bridge. Each hub and its client run on the test's
 * Vert.x; readiness is read over HTTP, polled with a bound where it changes.
 */
@ExtendWith(VertxExtension.class)
class NatsReadinessTest {

  @Test
  void requiredNatsKeepsReadyDownUntilTheServerComesThenEverythingWorks(Vertx vertx) {
    // A stream that records hub.events.> from the server's first moment, whoever connects first: made on a
    // server that is then killed, so the hub starts with no NATS there.
    NatsServer nats = NatsServer.startJetStream();
    Connection service = nats.connect();
    JetStreams.create(service, "EARLY", "hub.events.>");
    nats.kill();
    try (nats; TestHub hub = TestHub.start(vertx, nats.hubFlags("nats.required", "true", "nats.maxWaitMs", "300",
        "nats.connectTimeoutMs", "500"));
        WsClient ann = hub.connect("user=ann")) {
      HttpResponse<String> down = hub.get("/ready");
      assertEquals(503, down.statusCode(), down.body());
      JsonNode body = Frames.parse(down.body());
      assertEquals("DOWN", body.get("checks").get("nats").asText());
      assertTrue(body.get("reason").asText().contains("nats"), body::toString);
      assertEquals("connecting", body.get("details").get("nats").get("state").asText());
      assertTrue(hub.get("/metrics").body().contains("hub_nats_state{state=\"connecting\"} 1.0"));

      JsonNode error = ann.request("type", "request", "event", "anything");
      assertEquals("unavailable", error.get("code").asText(), "no connection: unavailable");
      ann.join("early");
      ann.request("type", "publish", "room", "early", "event", "before-nats", "id", "early-1");

      nats.restart();
      Eventually.until("/ready up once NATS is there", () -> hub.get("/ready").statusCode(), s -> s == 200);
      List<MessageInfo> stored = Eventually.until("the held event stored", () -> JetStreams.messages(service,
          "EARLY"), messages -> !messages.isEmpty());
      assertEquals("early-1", stored.get(0).getHeaders().getFirst("Nats-Msg-Id"),
          "what was accepted before the first connection was held and sent");
    }
  }

  @Test
  void notRequiredNatsIsDegradedButReady(Vertx vertx) {
    int port = NatsServer.freePort();
    try (TestHub hub = TestHub.start(vertx,
        NatsServer.hubFlagsFor("nats://127.0.0.1:" + port, "nats.connectTimeoutMs", "500"))) {
      HttpResponse<String> ready = hub.get("/ready");
      assertEquals(200, ready.statusCode(), ready.body());
      assertEquals("DEGRADED", Frames.parse(ready.body()).get("checks").get("nats").asText());
    }
  }

  @Test
  void withoutTheBridgeRequestsAndTheDeadLetterApiAreUnavailable(Vertx vertx) {
    try (TestHub hub = TestHub.start(vertx); WsClient client = hub.connect()) {
      assertEquals("unavailable", client.request("type", "request", "event", "e").get("code").asText());
      HttpResponse<String> list = hub.get("/api/dlq");
      assertEquals(503, list.statusCode());
      assertEquals("unavailable", Frames.parse(list.body()).get("error").asText());
      assertEquals(503, hub.post("/api/dlq/replay", "").statusCode());
      JsonNode ready = Frames.parse(hub.get("/ready").body());
      assertEquals("DISABLED", ready.get("checks").get("nats").asText());
      assertFalse(Frames.parse(hub.get("/api/nodes").body()).get("nodes").get(0).has("nats"),
          "no nats field on a node without a bridge");
    }
  }
}

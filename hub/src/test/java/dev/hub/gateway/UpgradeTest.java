package dev.hub.gateway;

import static dev.hub.test.HubQueries.metricOrZero;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hub.test.RawWebSocket;
import dev.hub.test.TestHub;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The upgrade on {@code /ws}, which the hub takes before its HTTP router: a refusal is still an error of
 * PROTOCOL.md section 7, counted in {@code hub_errors_total}, and an offer of compression is declined, since
 * every event would be compressed again for each recipient. The hub runs on the class's Vert.x from the extension.
 */
@ExtendWith(VertxExtension.class)
class UpgradeTest {
  private static TestHub hub;

  @BeforeAll
  static void startHub(Vertx vertx) {
    hub = TestHub.start(vertx);
  }

  @AfterAll
  static void stopHub() {
    hub.close();
  }

  @Test
  void aRefusedUpgradeIsAnErrorAnswerAndCounted() throws Exception {
    String counter = "hub_errors_total{code=\"bad_frame\"}";
    double before = metricOrZero(hub, counter);
    String head = RawWebSocket.upgradeHead(hub.port(), "user=" + "x".repeat(200), Map.of());
    assertTrue(head.startsWith("HTTP/1.1 400 "), head);
    assertTrue(head.toLowerCase().contains("content-type: application/json"), head);
    assertEquals(before + 1, metricOrZero(hub, counter), 0.0);
  }

  @Test
  void compressionOffersAreDeclined() throws Exception {
    String head = RawWebSocket.upgradeHead(hub.port(), "",
        Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"));
    assertTrue(head.startsWith("HTTP/1.1 101 "), head);
    assertFalse(head.toLowerCase().contains("sec-websocket-extensions"), head);
  }

  @Test
  void otherPathsStillGoThroughTheRouter() {
    assertEquals(200, hub.get("/health").statusCode());
    assertEquals(404, hub.get("/ws/other").statusCode());
  }
}

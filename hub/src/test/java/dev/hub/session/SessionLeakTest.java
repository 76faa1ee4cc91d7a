package dev.hub.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.HeapCensus;
import dev.hub.test.TestHub;
import dev.hub.test.Tokens;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A closed session leaves nothing behind, whatever its token's lifetime: no expiry entry, no queue, no timer. The
 * hub and its clients run on the test's Vert.x.
 */
@ExtendWith(VertxExtension.class)
class SessionLeakTest {
  private static final int CYCLES = 1000;
  private static final String API_KEY = "api-key-0123456789";

  @Test
  void connectAndCloseChurnWithADayLongTokenKeepsNoSession(Vertx vertx) {
    try (TestHub hub = TestHub.start(vertx, "auth.secret", Tokens.SECRET, "auth.apiKey", API_KEY)) {
      String token = Tokens.hs256(Tokens.user("churner", "room", "room").put("exp", Tokens.expIn(86_400)));
      for (int i = 0; i < CYCLES; i++) {
        WsClient client = hub.connect("token=" + token);
        assertEquals("welcome", client.await("welcome").path("type").asText());
        if (i % 10 == 0) {
          client.join("room");
        }
        client.close();
      }
      Eventually.until("every churned session gone from presence", 10_000,
          () -> Frames.parse(hub.send(HttpRequest.newBuilder(hub.uri("/api/presence")).header("X-Api-Key", API_KEY))
              .body()).get("connections").asInt(), n -> n == 0);
      long left = HeapCensus.liveInstances(Session.class);
      assertTrue(left <= 5, () -> left + " Session objects still alive after " + CYCLES + " closed sessions");
      try (WsClient alive = hub.connect("token=" + token)) {
        alive.await("welcome");
        assertEquals(1, HeapCensus.liveInstances(Session.class), "the census sees a live session");
      }
    }
  }
}

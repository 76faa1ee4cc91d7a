package dev.hub.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.UpgradeRejectedException;
import java.util.Map;

/**
 * What a banned user meets at a node (PROTOCOL.md section 6): a WebSocket upgrade and an SSE stream each refused
 * with HTTP 403 and {@code {"error":"forbidden","message":"banned until ..."}}, before anything is registered.
 */
public final class BanChecks {

  private BanChecks() {
  }

  /**
   * Both transports refused at {@code node} for the user named by {@code credentials} (a {@code token=} or a
   * {@code user=} query parameter).
   */
  public static void assertBanned(TestHub node, String credentials) {
    Throwable ws = node.refusal(credentials);
    assertTrue(ws instanceof UpgradeRejectedException, () -> node.hub().name() + ": " + ws);
    UpgradeRejectedException rejected = (UpgradeRejectedException) ws;
    assertEquals(403, rejected.getStatus(), () -> node.hub().name() + ": " + rejected.getBody());
    assertBannedBody(node, "/ws", rejected.getBody().toString());
    try (SseReader sse = SseReader.open(node.port(), "rooms=ban.room&" + credentials, Map.of())) {
      assertEquals(403, sse.status(), () -> node.hub().name() + " /sse: " + sse.line());
      assertBannedBody(node, "/sse", sse.line());
    }
  }

  /** Both transports let the user in at {@code node}: a welcome on {@code /ws}, a stream on {@code /sse}. */
  public static void assertAdmitted(TestHub node, String credentials) {
    try (WsClient ws = node.connect(credentials)) {
      assertEquals("welcome", ws.await("welcome").path("type").asText());
    }
    try (SseReader sse = SseReader.open(node.port(), "rooms=ban.room&" + credentials, Map.of())) {
      assertEquals(200, sse.status(), () -> node.hub().name() + " /sse: " + sse.line());
    }
  }

  /** Whether a new WebSocket of the user is refused at {@code node} right now, for waits on a ban's end. */
  public static boolean refusesNow(TestHub node, String credentials) {
    try (WsClient ws = node.connect(credentials)) {
      ws.await("welcome");
      return false;
    } catch (IllegalStateException e) {
      return e.getCause() instanceof UpgradeRejectedException rejected && rejected.getStatus() == 403;
    }
  }

  private static void assertBannedBody(TestHub node, String path, String body) {
    JsonNode error = Frames.parse(body);
    assertEquals("forbidden", error.path("error").asText(), () -> node.hub().name() + " " + path + ": " + body);
    assertTrue(error.path("message").asText().startsWith("banned until "),
        () -> node.hub().name() + " " + path + ": " + body);
  }
}

package dev.hub.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hub.test.TestHub;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The request limits of PROTOCOL.md section 6: {@code presence}, {@code request}, {@code state} and
 * {@code refresh} share one bucket per session; a flood of them is refused, closes the flooder with 4029, and
 * does not hold up anyone else.
 */
@ExtendWith(VertxExtension.class)
class RequestLimitsTest {
  private static final int FLOOD = 5_000;
  private static TestHub hub;

  @BeforeAll
  static void start(Vertx vertx) {
    hub = TestHub.start(vertx);
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  @Test
  void aPresenceFloodIsRefusedAndClosedWhileAnotherSessionIsServed(Vertx vertx, VertxTestContext test)
      throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    Checkpoint flooderClosed = test.checkpoint();
    Checkpoint bystanderJoined = test.checkpoint();

    ClientWebSocket flooder = client.webSocket();
    flooder.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      switch (frame.getString("type")) {
        case "presence" -> answered.incrementAndGet();
        case "error" -> {
          if ("rate_limited".equals(frame.getString("code"))) {
            refused.incrementAndGet();
          }
        }
        default -> { }
      }
    });
    flooder.closeHandler(v -> test.verify(() -> {
      assertEquals((short) 4029, flooder.closeStatusCode(), "closed for going on through the refusals");
      assertTrue(refused.get() > 0, "refusals came first");
      // The burst (200), and whatever the rate (100/s) refilled while the flood arrived.
      assertTrue(answered.get() <= 400, () -> answered.get() + " presence queries served");
      flooderClosed.flag();
    }));

    flooder.connect(options("user=flooder"))
        .compose(v -> {
          for (int i = 0; i < FLOOD; i++) {
            flooder.writeTextMessage(new JsonObject().put("type", "presence").put("room", "lobby").put("ref", i)
                .encode());
          }
          ClientWebSocket bystander = client.webSocket();
          bystander.textMessageHandler(text -> {
            JsonObject frame = new JsonObject(text);
            if ("ack".equals(frame.getString("type")) && "lobby".equals(frame.getString("room"))) {
              bystanderJoined.flag();
              bystander.close();
            }
          });
          return bystander.connect(options("user=bystander"))
              .compose(w -> bystander.writeTextMessage("{\"type\":\"join\",\"room\":\"lobby\",\"ref\":1}"));
        })
        .onFailure(test::failNow);
    assertTrue(test.awaitCompletion(20, TimeUnit.SECONDS), "flood refused and bystander served within 20 s");
    if (test.failed()) {
      throw new AssertionError(test.causeOfFailure());
    }
  }

  private static WebSocketConnectOptions options(String query) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(hub.port()).setURI("/ws?" + query);
  }
}

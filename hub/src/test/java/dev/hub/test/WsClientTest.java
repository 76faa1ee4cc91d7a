package dev.hub.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The harness's own promise: a room's events are found whatever {@code batch} the hub put them in. The hub may
 * coalesce the events of several rooms for one session into one batch (PROTOCOL.md section 4); taking one room's
 * events must leave the other rooms' items waiting, not drop them with the frame (FuzzTest once waited 30 s for
 * an event the harness had thrown away).
 */
@ExtendWith(VertxExtension.class)
class WsClientTest {

  @Test
  void aRoomsEventsAreTakenOutOfABatchThatMixesRoomsAndTheOthersStayWaiting(Vertx vertx, VertxTestContext test) {
    // Every event batched, two to a batch, never flushed by time: the two publishes below share one batch.
    try (TestHub hub = TestHub.start(vertx, "batch.events", "*", "batch.maxEvents", "2", "batch.maxDelayMs", "60000");
        WsClient publisher = hub.connect("user=publisher");
        WsClient listener = hub.connect("user=listener")) {
      for (WsClient client : List.of(publisher, listener)) {
        client.join("mixed-a");
        client.join("mixed-b");
      }
      assertEquals("ack", publisher.request("type", "publish", "room", "mixed-a", "event", "e", "data", 1)
          .get("type").asText());
      assertEquals("ack", publisher.request("type", "publish", "room", "mixed-b", "event", "e", "data", 2)
          .get("type").asText());

      List<JsonNode> arrived = Eventually.until("the batch arrived", listener::waiting,
          frames -> frames.stream().anyMatch(f -> "batch".equals(f.path("type").asText())));
      JsonNode batch = arrived.stream().filter(f -> "batch".equals(f.path("type").asText())).findFirst().orElseThrow();
      assertEquals(List.of("mixed-a", "mixed-b"), batch.get("events").findValuesAsText("room"),
          () -> "one batch of both rooms, in publish order: " + batch);

      assertEquals(2, listener.events("mixed-b", 1).get(0).get("data").asInt(), "the second room's item");
      assertEquals(1, listener.events("mixed-a", 1).get(0).get("data").asInt(), "the first room's item, still waiting");
      assertEquals(List.of(), listener.takeAll(f -> f.has("events") || f.has("event")), "no event left over");
      test.completeNow();
    }
  }
}

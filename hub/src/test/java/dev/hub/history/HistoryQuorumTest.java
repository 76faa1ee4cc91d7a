package dev.hub.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.Eventually;
import dev.hub.test.TestCluster;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code cluster.quorum} (PROTOCOL.md section 5): a side of the cluster with fewer members refuses publishes to
 * history rooms with {@code unavailable}, not acknowledged and its id not remembered, while rooms without history
 * go on; once the cluster has its quorum, the same publish sent again is delivered, once. It is also the test of
 * dedup after the fact: an id is remembered only once its event is kept.
 */
@ExtendWith(VertxExtension.class)
class HistoryQuorumTest {

  @Test
  void belowTheQuorumHistoryPublishesAreRefusedAndTheirRetryIsDeliveredOnceWhenItIsReached(Vertx clients) {
    try (TestCluster cluster = TestCluster.start(clients, 2, "history.rooms", "h:*", "cluster.quorum", "3");
        WsClient publisher = cluster.node(0).connect("user=publisher");
        WsClient watcher = cluster.node(1).connect("user=watcher")) {
      publisher.join("h:q");
      watcher.join("h:q");
      publisher.join("plain");
      watcher.join("plain");
      JsonNode refused = publisher.request("type", "publish", "room", "h:q", "event", "e", "data", 1, "id", "q-1");
      assertEquals("error", refused.get("type").asText(), refused::toString);
      assertEquals("unavailable", refused.get("code").asText());
      JsonNode plain = publisher.request("type", "publish", "room", "plain", "event", "e", "data", 1, "id", "p-1");
      assertEquals("ack", plain.get("type").asText(), "rooms without history go on: " + plain);
      assertEquals("p-1", watcher.events("plain", 1).get(0).get("id").asText());

      cluster.addNode();
      JsonNode kept = Eventually.until("the retry kept once the cluster has three members", 30_000,
          () -> publisher.request("type", "publish", "room", "h:q", "event", "e", "data", 1, "id", "q-1"),
          ack -> "ack".equals(ack.get("type").asText()));
      assertEquals("q-1", kept.get("id").asText());
      JsonNode again = publisher.request("type", "publish", "room", "h:q", "event", "e", "data", 1, "id", "q-1");
      assertEquals("ack", again.get("type").asText(), "a repeat is acknowledged: " + again);
      publisher.request("type", "publish", "room", "h:q", "event", "e", "data", 2, "id", "q-2");
      List<JsonNode> events = watcher.events("h:q", 2);
      assertEquals(List.of("q-1", "q-2"), events.stream().map(e -> e.get("id").asText()).toList(),
          "the refused publish delivered once, when it was kept");
      assertEquals(List.of(1L, 2L), events.stream().map(e -> e.get("seq").asLong()).toList());
    }
  }
}

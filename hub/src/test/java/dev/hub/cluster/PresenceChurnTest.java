package dev.hub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Frames;
import dev.hub.test.HubQueries;
import dev.hub.test.TestCluster;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Join and leave churn on one node of two, with presence vouched for as often as the config allows: every
 * acknowledged leave stays a leave on both nodes, and each is announced exactly once. The nodes run on their own
 * clustered Vert.x, stopped at the end of the test; the clients on the test's Vert.x, each client's rounds a chain
 * of requests and its last acknowledged leave a checkpoint.
 */
@ExtendWith(VertxExtension.class)
class PresenceChurnTest {
  private static final int CLIENTS = 30;
  private static final int ROUNDS = 60;
  private static final long ROUNDS_WAIT_MS = 120_000;

  @Test
  void churnLeavesNoGhostAndAnnouncesEveryLeaveOnce(Vertx vertx, VertxTestContext test) {
    try (TestCluster cluster = TestCluster.start(vertx, 2, "presence.refreshMs", "10", "presence.sweepMs", "50");
        WsClient observer = cluster.node(1).connect("user=observer")) {
      observer.join("churn");
      List<WsClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < CLIENTS; i++) {
          clients.add(cluster.node(0).connect("user=churner-" + i));
        }
        Checkpoint churned = test.checkpoint(CLIENTS);
        for (WsClient client : clients) {
          rounds(client, ROUNDS).onComplete(test.succeeding(v -> churned.flag()));
        }
        AsyncChecks.await(test, ROUNDS + " acknowledged join and leave rounds at each of " + CLIENTS + " clients",
            ROUNDS_WAIT_MS);
        assertOnlyObserver(cluster, "right after the last leave was acknowledged");

        // Presence is vouched for every 10 ms: give the refresh many turns to bring a ghost back, then look again.
        double before = HubQueries.metric(cluster.node(0), "hub_presence_vouches_total");
        dev.hub.test.Eventually.until("twenty more presence refreshes on node 1", 10_000,
            () -> HubQueries.metric(cluster.node(0), "hub_presence_vouches_total"), n -> n >= before + 20);
        assertOnlyObserver(cluster, "after twenty refreshes");

        Map<String, Integer> joins = new HashMap<>();
        Map<String, Integer> leaves = new HashMap<>();
        int expected = CLIENTS * ROUNDS;
        int seen = 0;
        while (seen < 2 * expected) {
          JsonNode diff = observer.await("presence_diff");
          for (JsonNode m : diff.path("joins")) {
            joins.merge(m.get("session").asText(), 1, Integer::sum);
            seen++;
          }
          for (JsonNode m : diff.path("leaves")) {
            leaves.merge(m.get("session").asText(), 1, Integer::sum);
            seen++;
          }
        }
        assertEquals(CLIENTS, joins.size());
        joins.forEach((session, n) -> assertEquals(ROUNDS, n, "joins of " + session));
        assertEquals(joins, leaves, "each leave announced once");
        // A leave announced twice would be a frame more; a ping's pong proves none is still on its way.
        JsonNode pong = observer.request("type", "ping");
        assertEquals("pong", pong.path("type").asText());
        assertEquals(List.of(), observer.takeAll(f -> "presence_diff".equals(f.path("type").asText())));
      } finally {
        clients.forEach(WsClient::close);
      }
    }
  }

  /** {@code remaining} rounds of a join then a leave of the room, each sent once the one before is acknowledged. */
  private static Future<Void> rounds(WsClient client, int remaining) {
    if (remaining == 0) {
      return Future.succeededFuture();
    }
    return client.requestAsync("type", "join", "room", "churn").compose(PresenceChurnTest::acked)
        .compose(joined -> client.requestAsync("type", "leave", "room", "churn")).compose(PresenceChurnTest::acked)
        .compose(leftRoom -> rounds(client, remaining - 1));
  }

  private static Future<Void> acked(JsonNode reply) {
    return "ack".equals(reply.path("type").asText()) ? Future.succeededFuture()
        : Future.failedFuture(new AssertionError("not acknowledged: " + reply));
  }

  private static void assertOnlyObserver(TestCluster cluster, String when) {
    for (TestHub node : cluster.nodes()) {
      JsonNode room = Frames.parse(node.get("/api/rooms/churn/presence").body());
      assertEquals(1, room.get("count").asInt(), () -> "members on " + node.hub().name() + " " + when + ": "
          + room);
      assertEquals("observer", room.get("members").get(0).get("user").asText());
    }
  }
}

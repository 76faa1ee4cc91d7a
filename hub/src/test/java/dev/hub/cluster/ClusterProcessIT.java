package dev.hub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.HubProcess;
import dev.hub.test.ProcessCluster;
import dev.hub.test.WsClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Three processes of the built jar form a cluster; one is killed with SIGKILL. The survivors must drop its
 * sessions within {@code cluster.failureDetectionMs} plus one sweep, tell the rooms, keep publishing without
 * stalling or sending to the dead node, and take its clients back when they reconnect.
 */
class ClusterProcessIT {
  private static final long FAILURE_DETECTION_MS = 5000;
  private static final long SWEEP_MS = 5000;

  @Test
  void aKilledNodesUsersLeavePresenceWithinTheBoundAndItsClientsComeBackElsewhere() throws Exception {
    List<WsClient> clients = new ArrayList<>();
    try (ProcessCluster cluster = ProcessCluster.start(3, "proc", Map.of(
        "HUB_CLUSTER_FAILURE_DETECTION_MS", Long.toString(FAILURE_DETECTION_MS),
        "HUB_PRESENCE_SWEEP_MS", Long.toString(SWEEP_MS)))) {
      List<HubProcess> nodes = cluster.nodes();
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 2; j++) {
          WsClient client = nodes.get(i).connect("user=u" + i + j);
          client.join("doomed");
          clients.add(client);
        }
      }
      HubProcess survivor = nodes.get(0);
      Eventually.until("six members", 10_000,
          () -> Frames.parse(survivor.get("/api/rooms/doomed/presence").body()).get("count").asInt(), n -> n == 6);
      WsClient watcher = clients.get(0);
      watcher.request("type", "ping");
      watcher.waiting().stream().filter(f -> "presence_diff".equals(f.path("type").asText()))
          .forEach(f -> watcher.await(g -> g == f));

      long killedAt = System.currentTimeMillis();
      nodes.get(2).kill();
      assertEquals(137, nodes.get(2).awaitExit(10_000), "SIGKILL");

      // Publishing right away, before the cluster knows, must neither stall nor lose events for survivors.
      for (int i = 0; i < 50; i++) {
        assertEquals("ack", watcher.request("type", "publish", "room", "doomed", "event", "during", "data", i,
            "echo", false).get("type").asText());
      }
      for (WsClient alive : clients.subList(1, 4)) {
        List<JsonNode> events = alive.events("doomed", 50);
        for (int i = 0; i < 50; i++) {
          assertEquals(i, events.get(i).get("data").asInt());
        }
      }

      Set<String> gone = new HashSet<>();
      while (gone.size() < 2) {
        JsonNode diff = watcher.await(f -> "presence_diff".equals(f.path("type").asText())
            && f.path("leaves").size() > 0);
        diff.get("leaves").forEach(m -> gone.add(m.get("user").asText()));
      }
      long cleanupMs = System.currentTimeMillis() - killedAt;
      assertEquals(Set.of("u20", "u21"), gone);
      System.out.println("[figure] presence cleanup after SIGKILL: " + cleanupMs + " ms (failureDetectionMs "
          + FAILURE_DETECTION_MS + ", sweepMs " + SWEEP_MS + ")");
      assertTrue(cleanupMs <= FAILURE_DETECTION_MS + SWEEP_MS + 5000, "cleanup took " + cleanupMs + " ms");

      for (HubProcess node : nodes.subList(0, 2)) {
        assertEquals(4, Frames.parse(node.get("/api/rooms/doomed/presence").body()).get("count").asInt());
        assertEquals(2, Frames.parse(node.get("/api/nodes").body()).get("nodes").size());
        assertEquals(4, Frames.parse(node.get("/api/presence").body()).get("connections").asInt());
      }

      // The killed node's clients reconnect to a survivor and get their room back.
      WsClient back = nodes.get(1).connect("user=u20");
      clients.add(back);
      assertEquals(5, back.join("doomed").get("members").asInt());
      watcher.request("type", "publish", "room", "doomed", "event", "welcome-back");
      assertEquals("welcome-back", back.events("doomed", 1).get(0).get("event").asText());
    } finally {
      clients.forEach(WsClient::close);
    }
  }
}

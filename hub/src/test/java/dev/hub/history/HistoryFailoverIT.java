package dev.hub.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.HubProcess;
import dev.hub.test.ProcessCluster;
import dev.hub.test.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Three processes of the built jar; the one holding a history room's primary copy is killed with SIGKILL
 * while a publisher on another node keeps going. Its clients reconnect to the survivors with {@code since}
 * and get everything: every event once, in seq order, nothing missing.
 */
class HistoryFailoverIT {
  private static final String ROOM = "kept:failover";
  private static final int READERS = 4;

  @Test
  void clientsOfTheNodeHoldingTheHistoryRecoverEverythingOnTheSurvivors() throws Exception {
    HazelcastInstance probe = null;
    List<WsClient> clients = new ArrayList<>();
    try (ProcessCluster cluster = ProcessCluster.start(3, "hist", Map.of(
        "HUB_CLUSTER_FAILURE_DETECTION_MS", "3000",
        "HUB_HISTORY_ROOMS", "kept:*"))) {
      List<HubProcess> nodes = cluster.nodes();
      // A Hazelcast lite member holds no data; it only asks the cluster which node owns the room's log.
      probe = liteMember(cluster.name(), cluster.members());
      String owner = probe.getPartitionService().getPartition(ROOM).getOwner()
          .getAttribute("hub.node");
      int doomed = Integer.parseInt(owner.substring("hist-".length())) - 1;
      HubProcess publisherNode = nodes.get((doomed + 1) % 3);

      WsClient publisher = publisherNode.connect("user=publisher");
      publisher.join(ROOM);
      List<WsClient> readers = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        WsClient reader = nodes.get(doomed).connect("user=reader-" + i);
        reader.join(ROOM);
        readers.add(reader);
      }
      clients.add(publisher);
      clients.addAll(readers);
      AtomicBoolean publishing = new AtomicBoolean(true);
      AtomicInteger acked = new AtomicInteger();
      Thread steady = new Thread(() -> {
        for (int i = 1; publishing.get() && i <= 2000; i++) {
          JsonNode ack = publisher.request("type", "publish", "room", ROOM, "event", "tick", "data", i);
          if ("ack".equals(ack.path("type").asText())) {
            acked.set(i);
          }
          pause(10);
        }
      });
      steady.start();
      List<List<JsonNode>> seen = new ArrayList<>();
      for (WsClient reader : readers) {
        seen.add(new ArrayList<>(reader.events(ROOM, 20)));
      }

      nodes.get(doomed).kill();
      assertEquals(137, nodes.get(doomed).awaitExit(10_000), "SIGKILL");
      for (WsClient reader : readers) {
        reader.awaitClose();
      }

      List<WsClient> back = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        List<JsonNode> mine = seen.get(i);
        for (JsonNode frame : readers.get(i).takeAll(f -> f.path("type").asText().matches("event|batch"))) {
          if ("batch".equals(frame.path("type").asText())) {
            frame.path("events").forEach(mine::add);
          } else {
            mine.add(frame);
          }
        }
        JsonNode last = mine.get(mine.size() - 1);
        HubProcess survivor = nodes.get((doomed + 1 + i % 2) % 3);
        WsClient again = survivor.connect("user=reader-" + i);
        JsonNode ack = again.request("type", "join", "room", ROOM, "since", last.get("id").asText());
        assertTrue(ack.get("recovered").asBoolean(), () -> "recovered after the owner died: " + ack);
        back.add(again);
        clients.add(again);
      }
      Eventually.until("the publisher past the failure", 30_000, acked::get, n -> n >= 300);
      publishing.set(false);
      steady.join(30_000);
      int total = acked.get();
      for (int i = 0; i < READERS; i++) {
        List<JsonNode> mine = seen.get(i);
        long lastSeq = mine.get(mine.size() - 1).get("seq").asLong();
        int lastData = mine.get(mine.size() - 1).get("data").asInt();
        mine.addAll(back.get(i).events(ROOM, total - lastData));
        for (int k = 0; k < mine.size(); k++) {
          assertEquals(k + 1, mine.get(k).get("data").asInt(), "reader " + i + ": every event once, in order");
          assertEquals(mine.get(0).get("seq").asLong() + k, mine.get(k).get("seq").asLong(), "seq without gaps");
        }
        assertTrue(lastSeq > 0);
      }
    } finally {
      clients.forEach(WsClient::close);
      if (probe != null) {
        probe.getLifecycleService().terminate();
      }
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static HazelcastInstance liteMember(String clusterName, String members) {
    Config config = new Config().setClusterName(clusterName).setLiteMember(true);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getNetworkConfig().setPort(HubProcess.freePort()).setPortAutoIncrement(false);
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember(members);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    return Hazelcast.newHazelcastInstance(config);
  }
}

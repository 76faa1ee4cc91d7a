package dev.hub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.HubProcess;
import dev.hub.test.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster.discovery: dns}: processes of the built jar find each other through one name, as pods behind a
 * Kubernetes headless Service do. Each binds its own loopback address, all on the same member port, and the
 * name resolves, through a hosts file ({@code -Djdk.net.hosts.file}), to the three addresses. Two start
 * together; the third, started once they are a cluster, finds them behind the same name.
 */
class DnsDiscoveryIT {
  private static final String SERVICE = "hub-members.test";

  @Test
  void threeNodesBehindOneNameFormOneCluster(@TempDir Path dir) throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n"
        + "127.0.0.1 " + SERVICE + "\n127.0.0.2 " + SERVICE + "\n127.0.0.3 " + SERVICE + "\n");
    String clusterName = "dns-" + UUID.randomUUID();
    int memberPort = HubProcess.freePort();
    List<HubProcess> nodes = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        nodes.add(HubProcess.start(HubProcess.freePort(), Map.of(
            "HUB_CLUSTER_NAME", clusterName,
            "HUB_CLUSTER_HOST", "127.0.0." + i,
            "HUB_CLUSTER_PORT", Integer.toString(memberPort),
            "HUB_CLUSTER_DISCOVERY", "dns",
            "HUB_CLUSTER_SERVICE_DNS", SERVICE),
            List.of("-Djdk.net.hosts.file=" + hosts), "--cluster", "--node", "dns-" + i));
        if (i == 2) {
          awaitNodes(nodes, 2);
        }
      }
      awaitNodes(nodes, 3);

      try (WsClient late = nodes.get(2).connect("user=late"); WsClient first = nodes.get(0).connect("user=first")) {
        late.join("found");
        first.join("found");
        first.request("type", "publish", "room", "found", "event", "hello", "echo", false);
        assertEquals("hello", late.events("found", 1).get(0).get("event").asText(), "one cluster, not three nodes");
      }
    } finally {
      nodes.forEach(HubProcess::close);
    }
  }

  private static void awaitNodes(List<HubProcess> nodes, int count) {
    for (HubProcess node : nodes) {
      node.awaitHealthy(120_000);
      Eventually.until(count + " nodes seen from :" + node.port(), 60_000,
          () -> Frames.parse(node.get("/api/nodes").body()).get("nodes").size(), n -> n == count);
    }
  }
}

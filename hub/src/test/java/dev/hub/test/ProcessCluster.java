package dev.hub.test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Processes of the built jar clustered on loopback, each with its own HTTP and Hazelcast port and a random
 * cluster name, started once every node is healthy and sees all the others.
 *
 * @param name the Hazelcast cluster name
 * @param members the members' {@code host:port} list, as {@code cluster.members} takes it
 */
public record ProcessCluster(String name, String members, List<HubProcess> nodes) implements AutoCloseable {

  /**
   * @param prefix the nodes are named {@code prefix-1} to {@code prefix-N}
   * @param env more {@code HUB_*} variables for every node
   */
  public static ProcessCluster start(int size, String prefix, Map<String, String> env) {
    String name = "it-" + UUID.randomUUID();
    List<Integer> memberPorts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      memberPorts.add(HubProcess.freePort());
    }
    String members = memberPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    ProcessCluster cluster = new ProcessCluster(name, members, new ArrayList<>());
    try {
      for (int i = 0; i < size; i++) {
        Map<String, String> vars = new HashMap<>(env);
        vars.put("HUB_CLUSTER_NAME", name);
        vars.put("HUB_CLUSTER_PORT", Integer.toString(memberPorts.get(i)));
        vars.put("HUB_CLUSTER_MEMBERS", members);
        cluster.nodes.add(HubProcess.start(HubProcess.freePort(), vars, "--cluster", "--node", prefix + "-" + (i + 1)));
      }
      for (HubProcess node : cluster.nodes) {
        node.awaitHealthy(120_000);
        Eventually.until(size + " nodes seen from :" + node.port(), 60_000,
            () -> Frames.parse(node.get("/api/nodes").body()).get("nodes").size(), n -> n == size);
      }
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  public HubProcess node(int index) {
    return nodes.get(index);
  }

  @Override
  public void close() {
    nodes.forEach(HubProcess::close);
  }
}

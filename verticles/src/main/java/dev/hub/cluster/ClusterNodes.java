package dev.hub.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import java.util.List;

/** Hub node names on Hazelcast members: each member carries its node's name as an attribute. */
public final class ClusterNodes {
  /** The member attribute holding the hub node's name. */
  public static final String NODE_ATTRIBUTE = "hub.node";

  private ClusterNodes() {
  }

  /** Makes this member carry the node's name. */
  public static void name(Config config, String node) {
    config.getMemberAttributeConfig().setAttribute(NODE_ATTRIBUTE, node);
  }

  public static String nameOf(Member member) {
    return member.getAttribute(NODE_ATTRIBUTE);
  }

  /** The names of the other members' nodes. */
  public static List<String> peers(HazelcastInstance hazelcast) {
    return hazelcast.getCluster().getMembers().stream()
        .filter(m -> !m.localMember())
        .map(ClusterNodes::nameOf)
        .filter(name -> name != null)
        .toList();
  }
}

package dev.hub.config;

import java.util.List;

/**
 * Clustering of several nodes through Hazelcast (TCP/IP join, multicast off).
 *
 * @param enabled whether this node joins a cluster ({@code --cluster} sets it)
 * @param name the cluster's name; members with another name never join it
 * @param host the address Hazelcast and the clustered event bus bind to and announce
 * @param port the Hazelcast member port
 * @param members where to look for other members, as {@code host:port}; empty means this host's ports
 *     5701 to 5703
 * @param failureDetectionMs a member unheard this long is declared dead and its sessions removed
 */
public record ClusterConfig(boolean enabled, String name, String host, int port, List<String> members,
    long failureDetectionMs) {

  /** Off: a single node needs no cluster. */
  public static final boolean DEFAULT_ENABLED = false;
  /** The cluster's name. */
  public static final String DEFAULT_NAME = "hub";
  /** Loopback, for several nodes on one machine. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Hazelcast's usual member port. */
  public static final int DEFAULT_PORT = 5701;
  /** 5 s: a crashed node's users leave presence well within 10 s. */
  public static final long DEFAULT_FAILURE_DETECTION_MS = 5_000;

  public static ClusterConfig defaults() {
    return new ClusterConfig(DEFAULT_ENABLED, DEFAULT_NAME, DEFAULT_HOST, DEFAULT_PORT, List.of(),
        DEFAULT_FAILURE_DETECTION_MS);
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, name != null && !name.isBlank(), "cluster.name", "must not be empty");
    HubConfig.require(problems, host != null && !host.isBlank(), "cluster.host", "must not be empty");
    HubConfig.require(problems, port >= 1 && port <= 65535, "cluster.port", "must be 1 to 65535");
    HubConfig.require(problems, members != null && members.stream().allMatch(ClusterConfig::isHostPort),
        "cluster.members", "must be a list of host:port");
    HubConfig.require(problems, failureDetectionMs >= 1000 && failureDetectionMs <= 600_000,
        "cluster.failureDetectionMs", "must be 1000 to 600000");
  }

  private static boolean isHostPort(String member) {
    if (member == null) {
      return false;
    }
    int colon = member.lastIndexOf(':');
    if (colon <= 0 || colon == member.length() - 1) {
      return false;
    }
    try {
      int port = Integer.parseInt(member.substring(colon + 1));
      return port >= 1 && port <= 65535;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}

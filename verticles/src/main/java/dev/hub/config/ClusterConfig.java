package dev.hub.config;

import java.util.List;

/**
 * Clustering of several nodes through Hazelcast (multicast off), finding the other members in a static list
 * or behind one DNS name.
 *
 * @param enabled whether this node joins a cluster ({@code --cluster} sets it)
 * @param name the cluster's name; members with another name never join it
 * @param host the address Hazelcast and the clustered event bus bind to and announce
 * @param port the Hazelcast member port; with {@code dns} discovery every member's
 * @param discovery how the other members are found: {@value #DISCOVERY_STATIC} ({@code members}) or
 *     {@value #DISCOVERY_DNS} (every address behind {@code serviceDns}, looked up again as members come and go)
 * @param members with static discovery, where to look for other members, as {@code host:port}; empty means
 *     this host's ports 5701 to 5703
 * @param serviceDns with dns discovery, the name whose addresses are the members, e.g. a Kubernetes headless
 *     Service or a Compose service with several replicas
 * @param failureDetectionMs a member unheard this long is declared dead and its sessions removed
 * @param quorum the fewest members a side of the cluster needs to write history (PROTOCOL.md section 5): a
 *     side with fewer refuses publishes to history rooms with {@code unavailable}; 0 lets every side go on
 */
public record ClusterConfig(boolean enabled, String name, String host, int port, String discovery,
    List<String> members, String serviceDns, long failureDetectionMs, int quorum) {

  /** Off: a single node needs no cluster. */
  public static final boolean DEFAULT_ENABLED = false;
  /** The cluster's name. */
  public static final String DEFAULT_NAME = "hub";
  /** Loopback, for several nodes on one machine. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Hazelcast's usual member port. */
  public static final int DEFAULT_PORT = 5701;
  /** Discovery from the {@code members} list. */
  public static final String DISCOVERY_STATIC = "static";
  /** Discovery from the addresses behind {@code serviceDns}. */
  public static final String DISCOVERY_DNS = "dns";
  /** A static list: it needs nothing but the configuration. */
  public static final String DEFAULT_DISCOVERY = DISCOVERY_STATIC;
  /** 5 s: a crashed node's users leave presence well within 10 s. */
  public static final long DEFAULT_FAILURE_DETECTION_MS = 5_000;

  /**
   * Off: both sides of a network split go on (available), and the events one side loses at the merge are
   * announced to its clients ({@code reset}, {@code recovered:false}).
   */
  public static final int DEFAULT_QUORUM = 0;
  /** More members than any cluster of the hub is meant to have. */
  public static final int MAX_QUORUM = 1000;

  private static final String DNS_NAME = "[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?";

  public static ClusterConfig defaults() {
    return new ClusterConfig(DEFAULT_ENABLED, DEFAULT_NAME, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_DISCOVERY,
        List.of(), null, DEFAULT_FAILURE_DETECTION_MS, DEFAULT_QUORUM);
  }

  /** Whether the members are the addresses behind {@code serviceDns}. */
  public boolean usesDns() {
    return DISCOVERY_DNS.equals(discovery);
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, name != null && !name.isBlank(), "cluster.name", "must not be empty");
    HubConfig.require(problems, host != null && !host.isBlank(), "cluster.host", "must not be empty");
    HubConfig.require(problems, port >= 1 && port <= 65535, "cluster.port", "must be 1 to 65535");
    HubConfig.require(problems, DISCOVERY_STATIC.equals(discovery) || DISCOVERY_DNS.equals(discovery),
        "cluster.discovery", "must be " + DISCOVERY_STATIC + " or " + DISCOVERY_DNS);
    HubConfig.require(problems, members != null && members.stream().allMatch(ClusterConfig::isHostPort),
        "cluster.members", "must be a list of host:port");
    boolean named = serviceDns != null && !serviceDns.isBlank();
    HubConfig.require(problems, named ? serviceDns.matches(DNS_NAME) : !usesDns(), "cluster.serviceDns",
        "must be a DNS name such as hub-members (required with cluster.discovery: dns)");
    HubConfig.require(problems, failureDetectionMs >= 1000 && failureDetectionMs <= 600_000,
        "cluster.failureDetectionMs", "must be 1000 to 600000");
    HubConfig.require(problems, quorum >= 0 && quorum <= MAX_QUORUM, "cluster.quorum",
        "must be 0 (off) to " + MAX_QUORUM);
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

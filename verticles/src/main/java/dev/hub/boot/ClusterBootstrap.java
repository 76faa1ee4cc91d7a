package dev.hub.boot;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.hub.cluster.ClusterNodes;
import dev.hub.cluster.HazelcastBans;
import dev.hub.cluster.HazelcastDedup;
import dev.hub.cluster.HazelcastHistory;
import dev.hub.cluster.HazelcastPresenceStore;
import dev.hub.config.ClusterConfig;
import dev.hub.config.HubConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * Joins a node to the cluster: one Hazelcast member, configured here rather than in XML, shared by the
 * clustered event bus and the presence store.
 */
final class ClusterBootstrap {

  /** A clustered Vert.x and the cluster manager holding its Hazelcast member. */
  record Clustered(Vertx vertx, HazelcastClusterManager manager) {
  }

  private ClusterBootstrap() {
  }

  static Future<Clustered> start(HubConfig config, String node, VertxOptions options) {
    ClusterConfig cluster = config.cluster();
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(config, node));
    options.setEventBusOptions(new EventBusOptions()
        .setHost(cluster.host())
        .setPort(0)
        .setClusterPublicHost(cluster.host()));
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered()
        .map(vertx -> new Clustered(vertx, manager));
  }

  /** The Hazelcast configuration of a member: Vert.x's own structures, ours, and its discovery. */
  static Config hazelcastConfig(HubConfig hub, String node) {
    ClusterConfig cluster = hub.cluster();
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // The hub stops Hazelcast itself, after its sessions have said goodbye.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    // Heartbeats every second; a member unheard for failureDetectionMs is dead.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds",
        Long.toString(Math.max(2, (cluster.failureDetectionMs() + 999) / 1000)));
    // An operation waits for its backup until the backup's member is declared dead, not less: so the history
    // can tell an append that may have missed its backup (its caller lost a member meanwhile) from one that did not.
    config.setProperty("hazelcast.operation.backup.timeout.millis",
        Long.toString(Math.max(5_000, cluster.failureDetectionMs() + 2_000)));
    // Expired entries (a room's history unused for history.ttlMs, dedup ids past their window) are removed from
    // every partition on each run of the expiry task, not a sample of a few partitions: what nobody uses goes
    // within seconds of its age limit.
    config.setProperty("hazelcast.internal.map.expiration.cleanup.percentage", "100");
    config.setProperty("hazelcast.internal.map.expiration.cleanup.operation.count",
        config.getProperty("hazelcast.partition.count") != null ? config.getProperty("hazelcast.partition.count")
            : "271");
    // After a split heals, look for the other side soon.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    // Bound to cluster.host alone, not to every interface, so that members on one host's distinct addresses
    // may share a port, as pods do.
    config.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    network.setPublicAddress(cluster.host() + ":" + cluster.port());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.usesDns()) {
      // Hazelcast's Kubernetes discovery in its DNS lookup mode: every address behind the name, on the
      // member port, looked up again at each join and each merge check (every 5 s), so members that come
      // later are found too. It reads no Kubernetes API, so any DNS (Compose, a hosts file) serves.
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cluster.serviceDns())
          .setProperty("service-port", Integer.toString(cluster.port()));
    } else {
      List<String> members = cluster.members().isEmpty()
          ? List.of(cluster.host() + ":5701", cluster.host() + ":5702", cluster.host() + ":5703")
          : cluster.members();
      join.getTcpIpConfig().setEnabled(true).setMembers(members);
    }
    ClusterNodes.name(config, node);
    HazelcastPresenceStore.configure(config);
    HazelcastHistory.configure(config, hub.history());
    HazelcastDedup.configure(config, hub.dedup());
    HazelcastBans.configure(config);
    return config;
  }
}

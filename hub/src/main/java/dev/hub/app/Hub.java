package dev.hub.app;

import dev.hub.auth.TokenVerifier;
import dev.hub.cluster.ClusterRoomBroker;
import dev.hub.cluster.HazelcastDedup;
import dev.hub.cluster.HazelcastPresenceStore;
import dev.hub.cluster.NodeFailureCleanup;
import dev.hub.config.HubConfig;
import dev.hub.gateway.GatewayVerticle;
import dev.hub.nats.NatsBridge;
import dev.hub.node.HubNode;
import dev.hub.node.Readiness;
import dev.hub.node.SharedState;
import dev.hub.presence.LocalPresenceStore;
import dev.hub.presence.NodeInfo;
import dev.hub.presence.PresenceVerticle;
import dev.hub.room.LocalDedup;
import dev.hub.room.LocalRoomBroker;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: its Vert.x instance, its services and its verticles, started and stopped as a whole.
 * Single-node parts (in-memory presence, local fan-out) or clustered ones (Hazelcast presence, fan-out over
 * the clustered event bus), behind the same interfaces.
 */
public final class Hub {
  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

  private final Vertx vertx;
  private final HubNode node;
  private final int port;
  private final List<GatewayVerticle> gateways;
  private final List<Supplier<Future<Void>>> beforeClose;
  private final NatsBridge bridge;

  private Hub(Vertx vertx, HubNode node, int port, List<GatewayVerticle> gateways,
      List<Supplier<Future<Void>>> beforeClose, NatsBridge bridge) {
    this.vertx = vertx;
    this.node = node;
    this.port = port;
    this.gateways = gateways;
    this.beforeClose = beforeClose;
    this.bridge = bridge;
  }

  /** Starts a node. Blocks briefly to resolve the host name and, for port 0, a free port. */
  public static Future<Hub> start(HubConfig config) {
    int eventLoops = Runtime.getRuntime().availableProcessors();
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(eventLoops);
    int port = config.http().port() != 0 ? config.http().port() : freePort(config.http().host());
    String name = config.node().name() != null ? config.node().name() : hostName() + ":" + port;
    String publicKey = TokenVerifier.readPublicKey(config.auth());
    Function<Vertx, TokenVerifier> verifier = vertx -> config.auth().enabled()
        ? new TokenVerifier(vertx, config.auth(), publicKey) : null;
    if (!config.cluster().enabled()) {
      Vertx vertx = Vertx.vertx(options);
      SharedState inMemory = new SharedState(new LocalPresenceStore(), new LocalRoomBroker(),
          new LocalDedup(config.dedup()));
      HubNode node = new HubNode(config, name, inMemory, verifier.apply(vertx));
      node.readinessCheck("cluster", () -> Readiness.DISABLED);
      return deploy(vertx, node, port, eventLoops, new ArrayList<>());
    }
    return ClusterBootstrap.start(config, name, options).compose(clustered -> {
      Vertx vertx = clustered.vertx();
      var hazelcast = clustered.manager().getHazelcastInstance();
      HazelcastPresenceStore presence = new HazelcastPresenceStore(vertx, hazelcast);
      ClusterRoomBroker broker = new ClusterRoomBroker(vertx, hazelcast, name, config.cluster().failureDetectionMs());
      SharedState shared = new SharedState(presence, broker, new HazelcastDedup(vertx, hazelcast, config.dedup()));
      HubNode node = new HubNode(config, name, shared, verifier.apply(vertx));
      node.readinessCheck("cluster", () -> hazelcast.getLifecycleService().isRunning()
          ? Readiness.UP : Readiness.down("not a member of the cluster"));
      NodeFailureCleanup cleanup = new NodeFailureCleanup(hazelcast, presence, node.announcer());
      List<Supplier<Future<Void>>> beforeClose = new ArrayList<>();
      beforeClose.add(() -> {
        cleanup.stop();
        return broker.stop();
      });
      return broker.start()
          .onSuccess(v -> cleanup.start())
          .compose(v -> deploy(vertx, node, port, eventLoops, beforeClose))
          .recover(failure -> vertx.close().transform(v -> Future.failedFuture(failure)));
    });
  }

  private static Future<Hub> deploy(Vertx vertx, HubNode node, int port, int eventLoops,
      List<Supplier<Future<Void>>> beforeClose) {
    HubConfig config = node.config();
    node.readinessCheck("nats", () -> Readiness.DISABLED);
    List<GatewayVerticle> gateways = new CopyOnWriteArrayList<>();
    NodeInfo self = new NodeInfo(node.name(), config.http().host() + ":" + port, 0, node.startedAt());
    NatsBridge bridge = config.nats().enabled() ? new NatsBridge(node, self) : null;
    return vertx.deployVerticle(new PresenceVerticle(node.presence(), node.announcer(), config.presence()))
        .compose(id -> deployBridge(vertx, bridge, beforeClose))
        .compose(v -> vertx.deployVerticle(() -> {
          GatewayVerticle gateway = new GatewayVerticle(node, port);
          gateways.add(gateway);
          return gateway;
        }, new DeploymentOptions().setInstances(eventLoops)))
        .compose(id -> node.presence().registerNode(bridge == null ? self : self.withNats(bridge.status())))
        .map(v -> new Hub(vertx, node, port, gateways, beforeClose, bridge))
        .recover(failure -> vertx.close().transform(v -> Future.failedFuture(failure)));
  }

  /**
   * The NATS bridge when {@code nats.url} is set, before the gateways, so that it hears every publish and join
   * from the first client on. It stops before Vert.x closes, once the drained sessions' presence leaves are in
   * its buffer; {@link #stop} gives it its share of the grace first.
   */
  private static Future<Void> deployBridge(Vertx vertx, NatsBridge bridge, List<Supplier<Future<Void>>> beforeClose) {
    if (bridge == null) {
      return Future.succeededFuture();
    }
    return vertx.deployVerticle(bridge)
        .map(id -> {
          beforeClose.add(() -> vertx.undeploy(id));
          return null;
        });
  }

  public int port() {
    return port;
  }

  public HubNode node() {
    return node;
  }

  /**
   * Graceful stop: refuse new connections, flush and {@code bye} every session, close 1001, remove presence,
   * hand NATS what the bridge holds or write it to the dead-letter file, leave the cluster, close Vert.x. Each step
   * has its share of {@code shutdown.graceMs}, counted from the start: the drain up to a half, so that the bridge,
   * which hears the drained sessions' leaves, always has until seven eighths; closing Vert.x has the rest.
   */
  public Future<Void> stop() {
    long graceMs = node.config().shutdown().graceMs();
    long started = System.currentTimeMillis();
    long bridgeDeadline = started + graceMs * 7 / 8;
    node.startDraining();
    List<Future<Void>> drains = gateways.stream().map(GatewayVerticle::drain).toList();
    return Future.join(drains)
        .compose(v -> node.presence().unregisterNode(node.name()))
        .timeout(graceMs / 2, TimeUnit.MILLISECONDS)
        .onFailure(e -> LOG.warn("drain did not finish in time: {}", e.getMessage()))
        .transform(v -> {
          List<Future<Void>> stops = new ArrayList<>();
          if (bridge != null) {
            stops.add(bridge.stopBy(bridgeDeadline));
          }
          beforeClose.forEach(step -> stops.add(step.get()));
          return Future.join(stops).timeout(Math.max(1, bridgeDeadline - System.currentTimeMillis()),
              TimeUnit.MILLISECONDS);
        })
        .onFailure(e -> LOG.warn("stop did not finish in time: {}", e.getMessage()))
        .transform(v -> vertx.close().timeout(Math.max(1, started + graceMs - System.currentTimeMillis()),
            TimeUnit.MILLISECONDS))
        .mapEmpty();
  }

  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(host, 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + host, e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}

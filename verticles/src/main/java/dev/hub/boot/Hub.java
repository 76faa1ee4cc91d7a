package dev.hub.boot;

import dev.hub.auth.BanStore;
import dev.hub.auth.ConnectionCounter;
import dev.hub.auth.LocalBans;
import dev.hub.auth.OriginPolicy;
import dev.hub.auth.TokenVerifier;
import dev.hub.cluster.ClusterRoomBroker;
import dev.hub.cluster.HazelcastBans;
import dev.hub.cluster.HazelcastDedup;
import com.hazelcast.core.HazelcastInstance;
import dev.hub.cluster.HazelcastHistory;
import dev.hub.cluster.HazelcastPresenceStore;
import dev.hub.cluster.NodeFailureCleanup;
import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.api.Hooks;
import dev.hub.api.HubServer;
import dev.hub.api.RoomMember;
import dev.hub.api.UserPresence;
import dev.hub.config.HubConfig;
import dev.hub.hooks.BackendHooks;
import dev.hub.metrics.HookMetrics;
import dev.hub.room.Publication;
import dev.hub.control.ControlService;
import dev.hub.control.ControlVerticle;
import dev.hub.gateway.GatewayPorts;
import dev.hub.gateway.GatewayVerticle;
import dev.hub.gateway.NodeSessions;
import dev.hub.history.LocalHistory;
import dev.hub.history.RoomHistory;
import io.micrometer.core.instrument.Gauge;
import dev.hub.http.ApiPorts;
import dev.hub.http.ApiRoutes;
import dev.hub.metrics.HubMetrics;
import dev.hub.nats.NatsBridge;
import dev.hub.node.DeadLetters;
import dev.hub.node.NodeIdentity;
import dev.hub.node.NodeState;
import dev.hub.node.Readiness;
import dev.hub.node.RequestRelay;
import dev.hub.presence.LocalPresenceStore;
import dev.hub.presence.NodeInfo;
import dev.hub.presence.PresenceAnnouncer;
import dev.hub.presence.PresenceQueries;
import dev.hub.presence.PresenceService;
import dev.hub.presence.PresenceStore;
import dev.hub.presence.PresenceVerticle;
import dev.hub.room.DedupStore;
import dev.hub.room.EventIds;
import dev.hub.room.LocalDedup;
import dev.hub.room.LocalPublisher;
import dev.hub.room.LocalRoomBroker;
import dev.hub.room.RoomBroker;
import dev.hub.room.RoomPublisher;
import dev.hub.session.BatchPolicy;
import dev.hub.session.VertxInternals;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: its Vert.x instance, its parts and its verticles, started and stopped as a whole. This is
 * the one place where parts are built and wired: each is handed the narrow ports it uses, and nothing is added
 * to any of them after start. Single-node parts (in-memory presence, local fan-out) or clustered ones
 * (Hazelcast presence, fan-out over the clustered event bus) sit behind the same interfaces.
 */
public final class Hub implements HubServer {
  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

  /** What differs between one node and a cluster member: the shared state and the cluster's own parts. */
  /** @param keeper whether this node keeps history rooms' NATS events, which one node of a cluster does */
  private record Shared(PresenceStore store, RoomBroker broker, DedupStore dedup, RoomHistory history,
      Supplier<Readiness> cluster, BooleanSupplier keeper, BanStore bans) {
  }

  private final Vertx vertx;
  /** What this hub owns of its Vert.x: all of it when it created it, its own deployments otherwise. */
  private final VertxShare share;
  private final HubConfig config;
  private final NodeIdentity identity;
  private final NodeState state;
  private final PresenceService presence;
  private final NodeSessions sessions;
  private final int port;
  private final String presenceDeployment;
  private final List<Supplier<Future<Void>>> beforeClose;
  /** The NATS bridge, or {@code null}: it gets its own share of the grace at a stop. */
  private final NatsBridge bridge;
  private final RoomPublisher publisher;
  private final ControlService control;

  private Hub(VertxShare share, HubConfig config, NodeIdentity identity, NodeState state, PresenceService presence,
      NodeSessions sessions, int port, String presenceDeployment, List<Supplier<Future<Void>>> beforeClose,
      NatsBridge bridge, RoomPublisher publisher, ControlService control) {
    this.vertx = share.vertx();
    this.share = share;
    this.config = config;
    this.identity = identity;
    this.state = state;
    this.presence = presence;
    this.sessions = sessions;
    this.port = port;
    this.presenceDeployment = presenceDeployment;
    this.beforeClose = beforeClose;
    this.bridge = bridge;
    this.publisher = publisher;
    this.control = control;
  }

  /**
   * Starts a node on a Vert.x of its own, which {@link #stop} closes. Blocks briefly to resolve the host name and,
   * for port 0, a free port.
   */
  public static Future<Hub> start(HubConfig config) {
    int eventLoops = Runtime.getRuntime().availableProcessors();
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(eventLoops);
    if (!config.cluster().enabled()) {
      return startSingle(config, VertxShare.owned(Vertx.vertx(options)), eventLoops);
    }
    // For port 0 the free port is picked as late as it can be: while the cluster forms, Hazelcast's and the event
    // bus's connections take ephemeral ports, any of which could be one picked before. Only a node named after
    // its port (no node.name) needs it first.
    int portBeforeCluster = config.node().name() == null ? port(config) : -1;
    NodeIdentity identity = identity(config, portBeforeCluster);
    String publicKey = TokenVerifier.readPublicKey(config.auth());
    return ClusterBootstrap.start(config, identity.name(), options).compose(clustered -> {
      int port = portBeforeCluster >= 0 ? portBeforeCluster : port(config);
      Vertx vertx = clustered.vertx();
      VertxShare share = VertxShare.owned(vertx);
      var hazelcast = clustered.manager().getHazelcastInstance();
      // Each part asks Hazelcast for its structures, which waits for the cluster to create their proxies: off
      // the event loop.
      return vertx.executeBlocking(() -> clusterParts(vertx, hazelcast, config, identity), false)
          .compose(parts -> startClustered(share, config, identity, publicKey, port, eventLoops, hazelcast, parts))
          .recover(failure -> share.release().transform(v -> Future.failedFuture(failure)));
    });
  }

  /** A cluster member's parts that share state through Hazelcast. */
  private record ClusterParts(HazelcastPresenceStore store, ClusterRoomBroker broker, HazelcastBans bans,
      Shared shared) {
  }

  private static ClusterParts clusterParts(Vertx vertx, HazelcastInstance hazelcast, HubConfig config,
      NodeIdentity identity) {
    HazelcastPresenceStore store = new HazelcastPresenceStore(vertx, hazelcast);
    ClusterRoomBroker broker = new ClusterRoomBroker(vertx, hazelcast, identity.name(),
        config.cluster().failureDetectionMs());
    Supplier<Readiness> cluster = () -> !hazelcast.getLifecycleService().isRunning()
        ? Readiness.down("not a member of the cluster")
        : !broker.synced().isComplete() ? Readiness.down("learning the other nodes' rooms") : Readiness.UP;
    HazelcastBans bans = new HazelcastBans(vertx, hazelcast, identity.name());
    Shared shared = new Shared(store, broker, new HazelcastDedup(vertx, hazelcast, config.dedup()),
        new HazelcastHistory(vertx, hazelcast, config.history(), config.cluster().quorum(),
            config.cluster().failureDetectionMs()), cluster, store::isOldestMember, bans);
    return new ClusterParts(store, broker, bans, shared);
  }

  private static Future<Hub> startClustered(VertxShare share, HubConfig config, NodeIdentity identity,
      String publicKey, int port, int eventLoops, HazelcastInstance hazelcast, ClusterParts parts) {
    HazelcastPresenceStore store = parts.store();
    ClusterRoomBroker broker = parts.broker();
    HazelcastBans bans = parts.bans();
    Shared shared = parts.shared();
    List<Supplier<Future<Void>>> beforeClose = new ArrayList<>();
    beforeClose.add(bans::stop);
    return broker.start()
        // The bans are read whole before the first upgrade is checked against them.
        .compose(v -> bans.start())
        .compose(v -> wire(share, config, identity, publicKey, port, eventLoops, shared, beforeClose,
            new Hooks()))
        .onSuccess(hub -> {
          NodeFailureCleanup cleanup = new NodeFailureCleanup(hazelcast, store, hub.presence);
          cleanup.start();
          beforeClose.add(() -> {
            cleanup.stop();
            return broker.stop();
          });
        });
  }

  /**
   * Starts a single node on a Vert.x that the caller owns and closes, such as an embedding application's or a
   * test's: {@link #stop} undeploys what this hub deployed and leaves that Vert.x running. A cluster member needs
   * a Vert.x built with the cluster manager, so it always has its own ({@link #start(HubConfig)}).
   *
   * @throws IllegalArgumentException when {@code cluster.enabled} is set
   */
  public static Future<Hub> start(HubConfig config, Vertx vertx) {
    return start(config, vertx, new Hooks());
  }

  /**
   * As {@link #start(HubConfig, Vertx)}, with the embedding application's own hooks ({@link HubServer#start}).
   *
   * @throws IllegalArgumentException when {@code cluster.enabled} is set, or a hook is given both in-process and
   *     by {@code hooks.*.url}
   */
  public static Future<Hub> start(HubConfig config, Vertx vertx, Hooks hooks) {
    if (config.cluster().enabled()) {
      throw new IllegalArgumentException("a cluster member starts on its own clustered Vert.x: use start(config)");
    }
    return startSingle(config, VertxShare.borrowed(vertx), Runtime.getRuntime().availableProcessors(), hooks);
  }

  private static Future<Hub> startSingle(HubConfig config, VertxShare share, int eventLoops) {
    return startSingle(config, share, eventLoops, new Hooks());
  }

  private static Future<Hub> startSingle(HubConfig config, VertxShare share, int eventLoops, Hooks hooks) {
    int port = port(config);
    LocalHistory history = new LocalHistory(share.vertx(), config.history());
    Shared single = new Shared(new LocalPresenceStore(), new LocalRoomBroker(), new LocalDedup(config.dedup()),
        history, () -> Readiness.DISABLED, () -> true, new LocalBans());
    List<Supplier<Future<Void>>> beforeClose = new ArrayList<>();
    beforeClose.add(() -> {
      history.close();
      return Future.succeededFuture();
    });
    return wire(share, config, identity(config, port), TokenVerifier.readPublicKey(config.auth()), port, eventLoops,
        single, beforeClose, hooks);
  }

  private static int port(HubConfig config) {
    return config.http().port() != 0 ? config.http().port() : freePort(config.http().host());
  }

  /** The configured name, else the host's name and {@code port}. */
  private static NodeIdentity identity(HubConfig config, int port) {
    return new NodeIdentity(config.node().name() != null ? config.node().name() : hostName() + ":" + port);
  }

  /**
   * Builds every part in dependency order and deploys the verticles: presence, then the NATS bridge (so it hears
   * every publish and join from the first client on), then one gateway per event loop.
   */
  private static Future<Hub> wire(VertxShare share, HubConfig config, NodeIdentity identity, String publicKey,
      int port, int eventLoops, Shared shared, List<Supplier<Future<Void>>> beforeClose, Hooks applicationHooks) {
    Vertx vertx = share.vertx();
    HubMetrics metrics = new HubMetrics(shared.broker()::localRooms);
    BackendHooks hooks;
    try {
      hooks = BackendHooks.of(vertx, config.hooks(), applicationHooks, new HookMetrics(metrics.registry()));
    } catch (IllegalArgumentException e) {
      return share.release().transform(v -> Future.failedFuture(e));
    }
    beforeClose.add(hooks::close);
    Gauge.builder("hub.history.rooms", shared.history(), RoomHistory::roomsHeld)
        .description("rooms whose history this node holds (on a cluster, the primary copies)")
        .register(metrics.registry());
    metrics.bansInForce(shared.bans()::inForce);
    EventIds ids = new EventIds(identity.tag());
    NodeInfo self = new NodeInfo(identity.name(), config.http().host() + ":" + port, 0, identity.startedAt());
    NatsBridge bridge = config.nats().enabled()
        ? new NatsBridge(vertx, config.nats(), identity.name(), config.shutdown().graceMs(), metrics.registry(),
            shared.broker(), new LocalPublisher(shared.broker(), shared.history(), vertx.getOrCreateContext(), shared.keeper(), ids,
                new LocalDedup(config.dedup()), metrics))
        : null;
    RoomPublisher publisher = new RoomPublisher(shared.broker(), shared.history(), ids, shared.dedup(), metrics,
        bridge != null ? bridge.outbound() : event -> { });
    PresenceAnnouncer announcer = new PresenceAnnouncer(shared.broker(), config.presence().diffMaxMembers(),
        bridge != null ? bridge::presenceChanged : change -> { });
    PresenceService presence = new PresenceService(shared.store(), announcer,
        bridge != null ? () -> self.withNats(bridge.status()) : () -> self, metrics::presenceVouched);

    Map<String, Supplier<Readiness>> checks = new LinkedHashMap<>();
    checks.put("cluster", shared.cluster());
    checks.put("nats", bridge != null ? bridge::readiness : () -> Readiness.DISABLED);
    NodeState state = new NodeState(checks);
    Optional<TokenVerifier> verifier = config.auth().enabled()
        ? Optional.of(new TokenVerifier(vertx, config.auth(), publicKey)) : Optional.empty();
    OriginPolicy origins = new OriginPolicy(config.http().allowedOrigins(), config.auth().enabled());
    ControlService control = new ControlService(vertx.eventBus(), presence.queries(), shared.bans());
    ApiRoutes api = new ApiRoutes(new ApiPorts(config, state, presence.queries(), shared.history(), publisher,
        metrics, origins, verifier, bridge != null ? bridge.deadLetters() : DeadLetters.NONE, control));
    VertxInternals internals = VertxInternals.probe(config.http().vertxInternals(),
        GatewayVerticle.decoderFrameLimit(config.limits().maxFrameBytes()));
    metrics.vertxInternals(internals.active());
    NodeSessions sessions = new NodeSessions();
    GatewayPorts gateway = new GatewayPorts(config, identity, state, presence, shared.broker(), shared.history(),
        publisher, metrics,
        new BatchPolicy(config.batch().events()), verifier, new ConnectionCounter(config.limits().connectionsPerIp()),
        origins, hooks.requests(bridge != null ? bridge.requests() : RequestRelay.UNAVAILABLE), internals, api, sessions,
        shared.bans(), hooks);

    return deployBridge(share, bridge, beforeClose)
        .compose(v -> share.deploy(new PresenceVerticle(presence, config.presence(), sessions::reassertPresence)))
        // Listed before the first session, so that no sweep takes its sessions for a node's that is unknown.
        .compose(presenceId -> presence.registerNode()
            .compose(v -> share.deploy(() -> new GatewayVerticle(gateway, port),
                new DeploymentOptions().setInstances(eventLoops)))
            // The control API's commands reach this node's sessions once its gateways hold them.
            .compose(gateways -> share.deploy(new ControlVerticle(identity.name(), sessions)))
            .map(id -> new Hub(share, config, identity, state, presence, sessions, port, presenceId, beforeClose,
                bridge, publisher, control)))
        .recover(failure -> share.release().transform(v -> Future.failedFuture(failure)));
  }

  /**
   * The NATS bridge when {@code nats.url} is set, before the gateways, so that it hears every publish and join
   * from the first client on. It stops before Vert.x closes, once the drained sessions' presence leaves are in
   * its buffer; {@link #stop} gives it its share of the grace first.
   */
  private static Future<Void> deployBridge(VertxShare share, NatsBridge bridge,
      List<Supplier<Future<Void>>> beforeClose) {
    if (bridge == null) {
      return Future.succeededFuture();
    }
    return share.deploy(bridge).map(id -> {
      beforeClose.add(() -> share.undeploy(id));
      return null;
    });
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String nodeName() {
    return identity.name();
  }

  /** The identity an embedding application's publishes are deduplicated under, as an API key's are. */
  private static final String APPLICATION = "application";

  @Override
  public Future<String> publish(String room, String event, JsonNode data) {
    return publisher.publish(new Publication.FromApi(room, event, data, null, APPLICATION)).result()
        .map(RoomPublisher.Result::id);
  }

  @Override
  public Future<List<RoomMember>> members(String room) {
    return presence.queries().members(room).map(members -> members.stream()
        .map(m -> new RoomMember(m.user(), m.session(), m.node(), m.joinedAt(), m.meta(), m.state())).toList());
  }

  @Override
  public Future<Integer> count(String room) {
    return presence.queries().count(room);
  }

  @Override
  public Future<UserPresence> user(String user) {
    return presence.queries().user(user).map(found -> new UserPresence(found.user(), found.online(),
        found.sessions().stream().map(s -> new UserPresence.Session(s.session(), s.node(), s.rooms(),
            s.connectedAt(), s.lastSeen())).toList()));
  }

  @Override
  public Future<Integer> disconnectUser(String user) {
    return control.disconnectUser(user);
  }

  @Override
  public Future<Void> disconnectSession(String session) {
    return control.disconnectSession(session).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return stop();
  }

  /** The node's Vert.x instance, for what embeds the hub (its event-bus interceptors, its metrics). */
  public Vertx vertx() {
    return vertx;
  }

  /** The node's name, as clients and the API see it. */
  public String name() {
    return identity.name();
  }

  /** Who is where, as this node's API answers it. */
  public PresenceQueries presence() {
    return presence.queries();
  }

  /** Starts refusing upgrades and answering {@code /ready} 503, as the first step of {@link #stop()} does. */
  public void startDraining() {
    state.startDraining();
  }

  /**
   * Graceful stop: refuse new connections, flush and {@code bye} every session, close 1001, remove presence,
   * hand NATS what the bridge holds or write it to the dead-letter file, leave the cluster, close Vert.x (or, on a
   * Vert.x the caller owns, undeploy this hub's verticles). Each step has its share of {@code shutdown.graceMs},
   * counted from the start: the drain up to a half, so that the bridge, which hears the drained sessions' leaves,
   * always has until seven eighths; closing Vert.x has the rest.
   */
  public Future<Void> stop() {
    long graceMs = config.shutdown().graceMs();
    long started = System.currentTimeMillis();
    long bridgeDeadline = started + graceMs * 7 / 8;
    state.startDraining();
    return sessions.drain()
        // Presence's timers stop first, so that nothing lists this node again once it is unregistered.
        .compose(v -> share.undeploy(presenceDeployment))
        .compose(v -> presence.unregisterNode())
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
        .transform(v -> share.release().timeout(Math.max(1, started + graceMs - System.currentTimeMillis()),
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

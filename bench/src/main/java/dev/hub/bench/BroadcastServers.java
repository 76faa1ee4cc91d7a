package dev.hub.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The servers the broadcast scenarios compare, each a {@link ServerUnderTest}, and the dialect the generator
 * speaks to each: {@code bare} (every frame written and flushed once per room member), {@code bare-coalesce}
 * (the same with flushes consolidated per socket), the hub with every limit that would refuse the load out of
 * the way ({@code hub}, {@code hub-hs256} with auth on and a token per connection, {@code hub-history} with
 * history on for every room), two hub nodes clustered on loopback ({@code hub-cluster}, and
 * {@code hub-cluster-history} with history on), and the peers a team would pick instead: {@code nats}
 * (nats-server's WebSocket listener) and {@code socketio} (a Socket.IO 4 server on Node,
 * {@code bench/peers/socketio}).
 */
final class BroadcastServers {
  static final String BARE = "bare";
  static final String BARE_COALESCE = "bare-coalesce";
  static final String HUB = "hub";
  static final String HUB_HS256 = "hub-hs256";
  static final String HUB_HISTORY = "hub-history";
  static final String HUB_CLUSTER = "hub-cluster";
  static final String HUB_CLUSTER_HISTORY = "hub-cluster-history";
  /** What a server with history on is named: the same server's name with this after it. */
  static final String HISTORY_SUFFIX = "-history";
  static final String NATS = "nats";
  static final String SOCKET_IO = "socketio";

  /**
   * The hub's environment for these scenarios: no publish rate limit, a queue bound that a burst does not reach
   * (close 4008 otherwise), no per-address connection cap (all clients come from a few loopback addresses),
   * and no presence diffs (thousands of joins would be setup noise). Each session joins once: join limits stay.
   */
  static final Map<String, String> HUB_ENV = Map.of(
      "HUB_LIMITS_PUBLISH_PER_SECOND", "100000000", "HUB_LIMITS_PUBLISH_BURST", "100000000",
      "HUB_LIMITS_MAX_QUEUED_BYTES", "16777216",
      "HUB_LIMITS_CONNECTIONS_PER_IP", "1000000",
      "HUB_PRESENCE_DIFF_MAX_MEMBERS", "0");

  private BroadcastServers() {
  }

  /**
   * History on for every room of the broadcast scenarios ({@code fan}, {@code room-N}): each event is written to
   * the room's history (on a cluster, an entry of a Hazelcast map with a synchronous backup) and carries its seq.
   */
  static final Map<String, String> HISTORY_ENV = Map.of("HUB_HISTORY_ROOMS", "*");

  /** Nodes of {@code hub-cluster} and {@code hub-cluster-history}. */
  private static final int CLUSTER_NODES = 2;

  /**
   * Starts {@code bare}, {@code bare-coalesce}, {@code hub}, {@code hub-hs256}, {@code hub-history},
   * {@code hub-cluster}, {@code hub-cluster-history}, {@code nats} or {@code socketio}.
   */
  static ServerUnderTest start(String name, ThroughputOptions options) {
    return switch (name) {
      case BARE -> bare(name, options, List.of());
      case BARE_COALESCE -> bare(name, options, List.of("--coalesce"));
      case HUB -> hub(name, options, Map.of());
      case HUB_HS256 -> hub(name, options, Map.of("HUB_AUTH_SECRET", BenchTokens.SECRET));
      case HUB_HISTORY -> hub(name, options, HISTORY_ENV);
      case HUB_CLUSTER -> cluster(name, options, Map.of());
      case HUB_CLUSTER_HISTORY -> cluster(name, options, HISTORY_ENV);
      case NATS -> nats(name, options);
      case SOCKET_IO -> socketIo(name, options);
      default -> otherBuild(name, options);
    };
  }

  /** {@code hub-LABEL} for a build named in {@code --hub-jars}. */
  private static PinnedServer otherBuild(String name, ThroughputOptions options) {
    String jar = name.startsWith(HUB + "-") ? options.hubJars.get(name.substring(HUB.length() + 1)) : null;
    if (jar == null) {
      throw new IllegalArgumentException("unknown server " + name
          + "; known: bare, bare-coalesce, hub, hub-hs256, hub-history, hub-cluster, hub-cluster-history, nats, "
          + "socketio, and hub-LABEL for --hub-jars LABEL=PATH");
    }
    return hub(name, jar, options, Map.of());
  }

  /** How the generator talks to the server named {@code name}: the hub's protocol for any {@code hub...}. */
  static Dialect dialect(String name) {
    if (name.equals(HUB_HS256)) {
      BenchTokens tokens = new BenchTokens();
      return Dialect.hub(() -> "token=" + tokens.next());
    }
    if (name.startsWith(HUB)) {
      return Dialect.HUB;
    }
    return switch (name) {
      case NATS -> Dialect.NATS;
      case SOCKET_IO -> Dialect.SOCKET_IO;
      default -> Dialect.BARE;
    };
  }

  /** Starts a hub named {@code name}, with {@code env} on top of {@link #HUB_ENV}. */
  static PinnedServer hub(String name, ThroughputOptions options, Map<String, String> env) {
    return hub(name, options.hubJar, options, env);
  }

  private static PinnedServer hub(String name, String jar, ThroughputOptions options, Map<String, String> env) {
    Map<String, String> all = new LinkedHashMap<>(HUB_ENV);
    all.putAll(env);
    List<String> command = new ArrayList<>(List.of(Processes.java(), "-Xmx1g"));
    command.addAll(options.hubFlags);
    command.addAll(List.of("-jar", jar, "--port", "PORT"));
    return PinnedServer.start(name, options.serverCpu, command, all);
  }

  /**
   * {@link #CLUSTER_NODES} hub nodes clustered on loopback, all pinned to the server's CPU: together they get
   * the core one hub gets, so the cluster's figures show what the cluster's own work costs on it.
   */
  private static ServerUnderTest cluster(String name, ThroughputOptions options, Map<String, String> env) {
    Map<String, String> all = new LinkedHashMap<>(HUB_ENV);
    all.putAll(env);
    return new ClusteredHub(name, HubNodes.startCluster(options.hubJar, CLUSTER_NODES, options.hubFlags, all,
        options.serverCpu));
  }

  private static PinnedServer bare(String name, ThroughputOptions options, List<String> flags) {
    List<String> command = new ArrayList<>(List.of(Processes.java(), "-Xmx1g", "-cp", options.benchJar,
        "dev.hub.bench.BareBroadcastServer", "PORT"));
    command.addAll(flags);
    return PinnedServer.start(name, options.serverCpu, command, Map.of());
  }

  /**
   * nats-server with its WebSocket listener on loopback, no TLS, configured by file as it must be; its own
   * client port is a free one the generator does not use. Defaults otherwise (64 MiB pending per client).
   */
  private static PinnedServer nats(String name, ThroughputOptions options) {
    int port = Processes.freePort();
    try {
      File config = File.createTempFile("bench-nats-", ".conf");
      config.deleteOnExit();
      Files.writeString(config.toPath(), "listen: \"127.0.0.1:" + Processes.freePort() + "\"\n"
          + "websocket {\n  host: \"127.0.0.1\"\n  port: " + port + "\n  no_tls: true\n}\n");
      String binary = options.natsServer != null ? options.natsServer : NatsServerProcess.find();
      return PinnedServer.start(name, options.serverCpu, List.of(binary, "-c", config.getPath()), Map.of(), port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Socket.IO peer; {@code npm ci} first installs it where it has not been installed yet. */
  private static PinnedServer socketIo(String name, ThroughputOptions options) {
    Path folder = Path.of(options.socketIoDir);
    if (!Files.isDirectory(folder.resolve("node_modules").resolve("socket.io"))) {
      npmCi(folder);
    }
    return PinnedServer.start(name, options.serverCpu,
        List.of(options.node, folder.resolve("server.js").toString(), "PORT"), Map.of());
  }

  /** Installs exactly what {@code package-lock.json} names, from the npm registry. */
  private static void npmCi(Path folder) {
    try {
      System.out.println("installing the Socket.IO peer: npm ci in " + folder);
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(folder.toFile())
          .inheritIO().start();
      if (!npm.waitFor(300, TimeUnit.SECONDS) || npm.exitValue() != 0) {
        npm.destroyForcibly();
        throw new IllegalStateException("npm ci in " + folder + " failed; Node 20 and npm are needed for socketio");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("npm not found; Node 20 and npm are needed for the socketio server", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

package dev.hub.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The servers the broadcast scenarios compare, each a {@link PinnedServer}: {@code bare} (every frame written
 * and flushed once per room member), {@code bare-coalesce} (the same with flushes consolidated per socket) and
 * the hub with every limit that would refuse the load out of the way.
 */
final class BroadcastServers {
  static final String BARE = "bare";
  static final String BARE_COALESCE = "bare-coalesce";
  static final String HUB = "hub";

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

  /** Starts {@code bare}, {@code bare-coalesce} or {@code hub}. */
  static PinnedServer start(String name, ThroughputOptions options) {
    return switch (name) {
      case BARE -> bare(name, options, List.of());
      case BARE_COALESCE -> bare(name, options, List.of("--coalesce"));
      case HUB -> hub(name, options, Map.of());
      default -> throw new IllegalArgumentException("unknown server " + name + "; known: bare, bare-coalesce, hub");
    };
  }

  /** Starts a hub named {@code name}, with {@code env} on top of {@link #HUB_ENV}. */
  static PinnedServer hub(String name, ThroughputOptions options, Map<String, String> env) {
    Map<String, String> all = new LinkedHashMap<>(HUB_ENV);
    all.putAll(env);
    return PinnedServer.start(name, options.serverCpu,
        List.of(Processes.java(), "-Xmx1g", "-jar", options.hubJar, "--port", "PORT"), all);
  }

  private static PinnedServer bare(String name, ThroughputOptions options, List<String> flags) {
    List<String> command = new java.util.ArrayList<>(List.of(Processes.java(), "-Xmx1g", "-cp", options.benchJar,
        "dev.hub.bench.BareBroadcastServer", "PORT"));
    command.addAll(flags);
    return PinnedServer.start(name, options.serverCpu, command, Map.of());
  }
}

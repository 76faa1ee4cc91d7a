package dev.hub.bench;

import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every broadcast-throughput scenario takes (a picocli mixin): the servers' jars, where each
 * process runs, the phases' length and the events' size.
 */
final class ThroughputOptions {

  @Option(names = "--hub-jar", description = "the hub's fat jar (default: ${DEFAULT-VALUE})")
  String hubJar = "hub/target/hub.jar";

  @Option(names = "--bench-jar", description = "this jar, for the bare server (default: ${DEFAULT-VALUE})")
  String benchJar = "bench/target/bench.jar";

  @Option(names = "--seconds", description = "seconds per phase (default: ${DEFAULT-VALUE})")
  int seconds = 5;

  @Option(names = "--payload", description = "bytes of padding per event (default: ${DEFAULT-VALUE})")
  int payload = 100;

  @Option(names = "--sources", description = "loopback source addresses to spread connections over (default: ${DEFAULT-VALUE})")
  int sources = 4;

  @Option(names = "--server-cpu", description = "CPU the server is pinned to (default: ${DEFAULT-VALUE})")
  int serverCpu = 1;

  @Option(names = "--client-cpu", description = "CPU the generator is pinned to (default: ${DEFAULT-VALUE})")
  int clientCpu = 0;

  /** Adds the settings every broadcast scenario's JSON states: phase length, payload and source addresses. */
  void addTo(Map<String, Object> settings) {
    settings.put("secondsPerPhase", seconds);
    settings.put("payloadBytes", payload);
    settings.put("sources", sources);
  }
}

package dev.hub.bench;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every broadcast-throughput scenario takes (a picocli mixin): the servers' jars, where each
 * process runs, the phases' length and the events' size.
 */
final class ThroughputOptions {

  @Option(names = "--hub-jar", description = "the hub's fat jar (default: ${DEFAULT-VALUE})")
  String hubJar = "hub/target/hub.jar";

  @Option(names = "--hub-jars", split = ",",
      description = "LABEL=PATH: other hub builds, measured as server hub-LABEL beside the rest, "
          + "e.g. before=/tmp/a.jar")
  Map<String, String> hubJars = new java.util.LinkedHashMap<>();

  @Option(names = "--hub-flags", split = " ",
      description = "extra JVM flags for every hub server, "
          + "e.g. \"-XX:StartFlightRecording=filename=hub.jfr\" to profile")
  List<String> hubFlags = new java.util.ArrayList<>();

  @Option(names = "--bench-jar", description = "this jar, for the bare server (default: ${DEFAULT-VALUE})")
  String benchJar = "bench/target/bench.jar";

  @Option(names = "--nats-server", description = "nats-server binary (default: tools/ensure-nats-server.sh finds it)")
  String natsServer;

  @Option(names = "--socketio-dir",
      description = "the Socket.IO peer's folder, installed with npm ci when needed (default: ${DEFAULT-VALUE})")
  String socketIoDir = "bench/peers/socketio";

  @Option(names = "--node", description = "Node.js binary for the Socket.IO peer (default: ${DEFAULT-VALUE})")
  String node = "node";

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

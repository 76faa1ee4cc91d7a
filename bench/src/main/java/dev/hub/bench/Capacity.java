package dev.hub.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scenario: as many idle sessions as one node holds, each joined to one of {@code --rooms} rooms, against the
 * bare Vert.x server (connections only: it has no rooms) and then the hub, each pinned to one CPU with the
 * generator on the other. Reports the sessions held, what they cost in live heap and in resident memory (each
 * less the idle server's own, after a warm-up, divided by the sessions held), the connect rate and the server's
 * CPU, and extrapolates the memory to {@code --extrapolate-to} connections.
 *
 * <p>A process holds at most its open-files limit in sockets, the server as much as the generator, so the
 * generator stays in this one process: whatever count a server can hold, this JVM can hold the other ends of.
 * Pinned to one CPU, a server's JVM sees one processor and picks the Serial collector; both servers alike.
 */
@Command(name = "capacity", mixinStandardHelpOptions = true,
    description = "Idle joined sessions on one node: memory per connection, connect rate, CPU; hub against bare.")
final class Capacity implements Callable<Integer> {
  /** Lets a server finish closing the warm-up sessions before its baseline is taken. */
  private static final long SETTLE_MS = 2000;

  @Option(names = "--hub-jar", description = "the hub's fat jar (default: ${DEFAULT-VALUE})")
  private String hubJar = "hub/target/hub.jar";

  @Option(names = "--bench-jar", description = "this jar, for the bare server (default: ${DEFAULT-VALUE})")
  private String benchJar = "bench/target/bench.jar";

  @Option(names = "--connections",
      description = "sessions to open (default: as many as one process may hold, the open-files limit less "
          + SocketLimits.RESERVED_FILES + "; more are capped to that)")
  private Integer connections;

  @Option(names = "--rooms", description = "rooms the sessions are spread over (default: ${DEFAULT-VALUE})")
  private int rooms = 100;

  @Option(names = "--sources",
      description = "loopback source addresses, more if the ephemeral ports need (default: ${DEFAULT-VALUE})")
  private int sources = 4;

  @Option(names = "--window", description = "handshakes in flight at once (default: ${DEFAULT-VALUE})")
  private int window = 256;

  @Option(names = "--connect-seconds", description = "deadline for connecting (default: ${DEFAULT-VALUE})")
  private int connectSeconds = 300;

  @Option(names = "--warmup",
      description = "sessions opened and closed before the baseline (default: ${DEFAULT-VALUE})")
  private int warmup = 1000;

  @Option(names = "--hold-seconds",
      description = "idle time measured with every session open; the hub pings each every 30 s "
          + "(default: ${DEFAULT-VALUE})")
  private int holdSeconds = 30;

  @Option(names = "--heap", description = "the servers' -Xmx (default: ${DEFAULT-VALUE})")
  private String heap = "1g";

  @Option(names = "--extrapolate-to", description = "connections to extrapolate memory to (default: ${DEFAULT-VALUE})")
  private int extrapolateTo = 50_000;

  @Option(names = "--server-cpu", description = "CPU the server is pinned to (default: ${DEFAULT-VALUE})")
  private int serverCpu = 1;

  @Option(names = "--client-cpu", description = "CPU the generator is pinned to (default: ${DEFAULT-VALUE})")
  private int clientCpu = 0;

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/capacity.json");

  /**
   * One server's figures. Memory is live heap after full collections and resident set size; per connection is
   * (loaded - base) / held.
   *
   * @param serverCountedSessions the sessions the hub's {@code /api/presence} counts; -1 for the bare server
   */
  record Measurement(String server, int requested, int connected, int failed, int unfinished, int held,
      int serverCountedSessions, double connectsPerSecond, double connectCpuPercent, double cpuMsPerConnect,
      double idleCpuPercent, double baseHeapMib, double heapMib, double heapKibPerConnection, double baseRssMib,
      double rssMib, double rssKibPerConnection, Map<String, Integer> failures) {

    double extrapolatedHeapMib(int count) {
      return baseHeapMib + heapKibPerConnection * count / 1024;
    }

    double extrapolatedRssMib(int count) {
      return baseRssMib + rssKibPerConnection * count / 1024;
    }
  }

  /** Memory of a server at one moment. */
  private record Footprint(double heapMib, double rssMib) {

    static Footprint of(PinnedServer server) {
      double heapMib = HeapProbe.usedAfterFullGc(server.javaPid()) / (1024.0 * 1024);
      return new Footprint(heapMib, server.rssMib());
    }
  }

  @Override
  public Integer call() throws Exception {
    Processes.pinThisProcess(clientCpu);
    int count = SocketLimits.capConnections(connections == null ? SocketLimits.socketsPerProcess() : connections);
    List<Measurement> measured = new ArrayList<>();
    try (PinnedServer bare = PinnedServer.start("bare", serverCpu,
        List.of(Processes.java(), "-Xmx" + heap, "-cp", benchJar, "dev.hub.bench.BareBroadcastServer", "PORT"),
        Map.of())) {
      measured.add(measure(bare, false, count));
    }
    Map<String, String> env = new LinkedHashMap<>(HubApi.ENV);
    // Every session could come from one source address; the per-IP cap is not what is measured here.
    env.put("HUB_LIMITS_CONNECTIONS_PER_IP", Integer.toString(count + warmup));
    // Diffs for thousands of joins are setup noise. Join limits are per session and each joins once: no change.
    env.put("HUB_PRESENCE_DIFF_MAX_MEMBERS", "0");
    try (PinnedServer hub = PinnedServer.start("hub", serverCpu,
        List.of(Processes.java(), "-Xmx" + heap, "-jar", hubJar, "--port", "PORT"), env)) {
      measured.add(measure(hub, true, count));
    }
    print(count, measured);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("connectionsRequested", connections == null ? "open-files limit" : connections);
    settings.put("connections", count);
    settings.put("openFilesLimit", SocketLimits.openFilesLimit());
    settings.put("rooms", rooms);
    settings.put("window", window);
    settings.put("warmup", warmup);
    settings.put("holdSeconds", holdSeconds);
    settings.put("heap", heap);
    settings.put("extrapolateTo", extrapolateTo);
    new LatencyReport("capacity", settings).writeRows(out, measured);
    return 0;
  }

  /**
   * Warms the server up, takes its baseline, opens {@code count} sessions (on the hub each joins a room, the
   * bare server has none), holds them idle, and takes the server's memory again.
   */
  private Measurement measure(PinnedServer server, boolean hub, int count) throws Exception {
    IntFunction<String> roomOf = hub ? i -> "room-" + (i % rooms) : i -> null;
    if (warmup > 0) {
      try (IdleSessions warming = new IdleSessions(warmup, sources)) {
        warming.open(server.port(), roomOf, window, connectSeconds * 1000L);
      }
      Thread.sleep(SETTLE_MS);
    }
    Footprint base = Footprint.of(server);
    try (IdleSessions sessions = new IdleSessions(count, sources)) {
      long cpuBeforeConnect = server.cpuMillis();
      IdleSessions.Outcome outcome = sessions.open(server.port(), roomOf, window, connectSeconds * 1000L);
      long connectCpu = server.cpuMillis() - cpuBeforeConnect;
      long cpuBeforeHold = server.cpuMillis();
      Thread.sleep(holdSeconds * 1000L);
      long idleCpu = server.cpuMillis() - cpuBeforeHold;
      int held = sessions.held();
      Footprint loaded = Footprint.of(server);
      int serverCounted = hub ? hubSessions(server.port()) : -1;
      System.out.printf("%s: %d of %d sessions connected over %d source addresses in %.1f s; %d failed, "
          + "%d unfinished, %d closed by the server while idle%s%n", server.name(), outcome.connected(), count,
          sessions.sourceAddresses(), outcome.seconds(), outcome.failed(), outcome.unfinished(), sessions.dropped(),
          outcome.failures().isEmpty() ? "" : "; failures: " + outcome.failures());
      double perConnection = 1024.0 / Math.max(held, 1);
      return new Measurement(server.name(), count, outcome.connected(), outcome.failed(), outcome.unfinished(), held,
          serverCounted, outcome.connectsPerSecond(), 100.0 * connectCpu / (outcome.seconds() * 1000),
          (double) connectCpu / Math.max(outcome.connected(), 1), 100.0 * idleCpu / (holdSeconds * 1000.0),
          base.heapMib(), loaded.heapMib(), (loaded.heapMib() - base.heapMib()) * perConnection, base.rssMib(),
          loaded.rssMib(), (loaded.rssMib() - base.rssMib()) * perConnection, outcome.failures());
    }
  }

  /** The sessions the hub itself counts, from {@code GET /api/presence}. */
  private static int hubSessions(int port) throws Exception {
    try (HubApi api = new HubApi(port)) {
      return new ObjectMapper().readTree(api.get("/api/presence")).path("connections").asInt(-1);
    }
  }

  private void print(int count, List<Measurement> measured) {
    System.out.println();
    System.out.printf("scenario capacity {connections=%d, rooms=%d, hold %d s, -Xmx%s, open-files limit %d, "
        + "server on CPU %d, generator on CPU %d}%n", count, rooms, holdSeconds, heap,
        SocketLimits.openFilesLimit(), serverCpu, clientCpu);
    System.out.printf("%-5s %7s %9s %8s %9s %8s %9s %9s %8s %11s %9s %8s %10s%n", "server", "held", "counted",
        "conn/s", "conn CPU%", "CPU ms/c", "idle CPU%", "heap base", "heap", "heap KiB/c", "RSS base", "RSS",
        "RSS KiB/c");
    for (Measurement m : measured) {
      System.out.printf("%-5s %7d %9s %8.0f %9.0f %8.3f %9.1f %9.1f %8.1f %11.2f %9.1f %8.1f %10.2f%n", m.server(),
          m.held(), m.serverCountedSessions() < 0 ? "-" : Integer.toString(m.serverCountedSessions()),
          m.connectsPerSecond(), m.connectCpuPercent(), m.cpuMsPerConnect(), m.idleCpuPercent(), m.baseHeapMib(),
          m.heapMib(), m.heapKibPerConnection(), m.baseRssMib(), m.rssMib(), m.rssKibPerConnection());
    }
    System.out.println("(memory in MiB; heap is live heap after full collections; hub sessions connect and join, "
        + "bare ones only connect)");
    Measurement bare = measured.get(0);
    Measurement hub = measured.get(1);
    System.out.printf("hub / bare: heap per connection %.2f, RSS per connection %.2f, connects/s %.2f%n",
        hub.heapKibPerConnection() / bare.heapKibPerConnection(),
        hub.rssKibPerConnection() / bare.rssKibPerConnection(),
        hub.connectsPerSecond() / bare.connectsPerSecond());
    for (Measurement m : measured) {
      System.out.printf("EXTRAPOLATION, not measured: %s at %,d connections, linear from the %,d held: "
          + "live heap about %.0f MiB (-Xmx%s), RSS about %.0f MiB%n", m.server(), extrapolateTo, m.held(),
          m.extrapolatedHeapMib(extrapolateTo), heap, m.extrapolatedRssMib(extrapolateTo));
    }
  }
}

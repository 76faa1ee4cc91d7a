package dev.hub.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scenario: one room with {@code --members} idle members on one hub node, then the latency of
 * {@code GET /api/rooms/{room}/presence}: sequential requests after a warm-up, then {@code --clients} callers at
 * once. Every answer's count and member list must equal the sessions joined, or the run fails. The hub is
 * pinned to one CPU and the generator to the other.
 */
@Command(name = "presence", mixinStandardHelpOptions = true,
    description = "Latency of the room presence API for one room with many members on one hub node.")
final class PresenceLatency implements Callable<Integer> {
  private static final String ROOM = "presence-bench";
  private static final String PATH = "/api/rooms/" + ROOM + "/presence";

  @Option(names = "--hub-jar", description = "the hub's fat jar (default: ${DEFAULT-VALUE})")
  private String hubJar = "hub/target/hub.jar";

  @Option(names = "--members", description = "sessions in the room (default: ${DEFAULT-VALUE})")
  private int members = 10_000;

  @Option(names = "--sources",
      description = "loopback source addresses, more if the ephemeral ports need (default: ${DEFAULT-VALUE})")
  private int sources = 4;

  @Option(names = "--window", description = "handshakes in flight at once (default: ${DEFAULT-VALUE})")
  private int window = 256;

  @Option(names = "--connect-seconds", description = "deadline for connecting (default: ${DEFAULT-VALUE})")
  private int connectSeconds = 300;

  @Option(names = "--warmup", description = "requests before measuring (default: ${DEFAULT-VALUE})")
  private int warmup = 50;

  @Option(names = "--requests", description = "requests per measured phase (default: ${DEFAULT-VALUE})")
  private int requests = 200;

  @Option(names = "--clients", description = "callers at once in the concurrent phase (default: ${DEFAULT-VALUE})")
  private int clients = 4;

  @Option(names = "--phase-seconds", description = "deadline for each phase (default: ${DEFAULT-VALUE})")
  private int phaseSeconds = 120;

  @Option(names = "--heap", description = "the hub's -Xmx (default: ${DEFAULT-VALUE})")
  private String heap = "1g";

  @Option(names = "--server-cpu", description = "CPU the server is pinned to (default: ${DEFAULT-VALUE})")
  private int serverCpu = 1;

  @Option(names = "--client-cpu", description = "CPU the generator is pinned to (default: ${DEFAULT-VALUE})")
  private int clientCpu = 0;

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/presence.json");

  /** One measured phase: {@code clients} callers sending requests back to back. */
  record Phase(String phase, int clients, LatencyReport.Row latency, int responseBytes, int members,
      double serverCpuPercent, double serverRssMib) {
  }

  @Override
  public Integer call() throws Exception {
    Processes.pinThisProcess(clientCpu);
    int count = SocketLimits.capConnections(members);
    Map<String, String> env = new LinkedHashMap<>(HubApi.ENV);
    // Every session could come from one source address; the per-IP cap is not what is measured here.
    env.put("HUB_LIMITS_CONNECTIONS_PER_IP", Integer.toString(count));
    // Diffs to every member for every join would be quadratic setup noise. Each session joins once, under
    // the per-session join limits.
    env.put("HUB_PRESENCE_DIFF_MAX_MEMBERS", "0");
    List<Phase> phases = new ArrayList<>();
    try (PinnedServer hub = PinnedServer.start("hub", serverCpu,
        List.of(Processes.java(), "-Xmx" + heap, "-jar", hubJar, "--port", "PORT"), env);
        IdleSessions sessions = new IdleSessions(count, sources)) {
      IdleSessions.Outcome outcome = sessions.open(hub.port(), i -> ROOM, window, connectSeconds * 1000L);
      int joined = sessions.held();
      System.out.printf("%d of %d sessions joined %s over %d source addresses in %.1f s (%.0f/s); %d failed, "
          + "%d unfinished%s%n", outcome.connected(), count, ROOM, sessions.sourceAddresses(), outcome.seconds(),
          outcome.connectsPerSecond(), outcome.failed(), outcome.unfinished(),
          outcome.failures().isEmpty() ? "" : "; failures: " + outcome.failures());
      try (HubApi api = new HubApi(hub.port())) {
        PresenceAnswer.checkFully(api.get(PATH), joined);
        for (int i = 1; i < warmup; i++) {
          PresenceAnswer.check(api.get(PATH), joined);
        }
      }
      HeapProbe.settleBoth(hub.javaPid());
      phases.add(measure(hub, "sequential", 1, joined));
      phases.add(measure(hub, "concurrent", clients, joined));
      if (sessions.held() != joined) {
        throw new IllegalStateException((joined - sessions.held()) + " members left the room while measuring");
      }
    }
    print(phases);
    new LatencyReport("presence", Map.of("members", count, "warmup", warmup, "requestsPerPhase", requests,
        "clients", clients, "heap", heap)).writeRows(out, phases);
    return 0;
  }

  /** {@code callers} clients, each with its own connection, share {@link #requests} requests. */
  private Phase measure(PinnedServer hub, String name, int callers, int joined) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(phaseSeconds);
    long cpuBefore = hub.cpuMillis();
    long start = System.nanoTime();
    List<Future<Histogram>> calls = new ArrayList<>();
    int[] responseBytes = new int[callers];
    for (int c = 0; c < callers; c++) {
      int caller = c;
      calls.add(pool.submit(() -> {
        Histogram latencies = new Histogram(3);
        try (HubApi api = new HubApi(hub.port())) {
          for (int r = 0; r < requests / callers && System.nanoTime() < deadline; r++) {
            long sent = System.nanoTime();
            byte[] body = api.get(PATH);
            latencies.recordValue(System.nanoTime() - sent);
            PresenceAnswer.check(body, joined);
            responseBytes[caller] = body.length;
          }
        }
        return latencies;
      }));
    }
    Histogram all = new Histogram(3);
    try {
      for (Future<Histogram> call : calls) {
        all.add(call.get(phaseSeconds + 60L, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuPercent = 100.0 * (hub.cpuMillis() - cpuBefore) / (seconds * 1000);
    return new Phase(name, callers, LatencyReport.Row.of(name, all, seconds), responseBytes[0], joined, cpuPercent,
        hub.rssMib());
  }

  private void print(List<Phase> phases) {
    System.out.println();
    System.out.printf("scenario presence {members=%d, warm-up %d requests, -Xmx%s, server on CPU %d, "
        + "generator on CPU %d}%n", phases.get(0).members(), warmup, heap, serverCpu, clientCpu);
    System.out.printf("%-10s %7s %8s %7s %8s %8s %8s %8s %8s %8s %9s %6s %8s%n", "phase", "callers", "requests",
        "req/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "members", "bytes", "CPU %", "RSS MiB");
    for (Phase p : phases) {
      LatencyReport.Row l = p.latency();
      System.out.printf("%-10s %7d %8d %7.1f %8.2f %8.2f %8.2f %8.2f %8.2f %8d %9d %6.0f %8.1f%n", p.phase(),
          p.clients(), l.events(), l.deliveredPerSecond(), l.p50Ms(), l.p90Ms(), l.p99Ms(), l.p999Ms(), l.maxMs(),
          p.members(), p.responseBytes(), p.serverCpuPercent(), p.serverRssMib());
    }
  }
}

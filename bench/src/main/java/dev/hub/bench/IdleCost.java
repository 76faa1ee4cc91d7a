package dev.hub.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scenario: what idle sessions cost a cluster in Hazelcast operations. A two-node cluster of one hub jar; idle
 * sessions, half on each node, each joined to one of {@code --rooms} rooms; then, with nothing else happening,
 * Hazelcast's own per-map operation counts ({@link HazelcastOps}) summed over both members over
 * {@code --idle-seconds}, and the nodes' CPU. Each {@code --jar} is measured in turn in the same run, e.g. a
 * build before a change and one after it.
 */
@Command(name = "idle-cost", mixinStandardHelpOptions = true,
    description = "Hazelcast operations and CPU per idle session on a two-node cluster, for one or more hub jars.")
final class IdleCost implements Callable<Integer> {
  private static final String PRESENCE_MAPS = "hub.presence.";

  @Option(names = "--jar", description = "LABEL=PATH of a hub jar to measure; repeat to compare builds "
      + "(default: hub=hub/target/hub.jar)")
  private Map<String, String> jars = new LinkedHashMap<>(Map.of("hub", "hub/target/hub.jar"));

  @Option(names = "--sessions", description = "idle sessions, half on each node (default: ${DEFAULT-VALUE})")
  private int sessions = 10_000;

  @Option(names = "--rooms", description = "rooms the sessions are spread over (default: ${DEFAULT-VALUE})")
  private int rooms = 100;

  @Option(names = "--settle-seconds",
      description = "pause after the last join before counting (default: ${DEFAULT-VALUE})")
  private int settleSeconds = 10;

  @Option(names = "--idle-seconds",
      description = "idle time counted; presence.refreshMs is 25 s (default: ${DEFAULT-VALUE})")
  private int idleSeconds = 150;

  @Option(names = "--window", description = "handshakes in flight at once (default: ${DEFAULT-VALUE})")
  private int window = 256;

  @Option(names = "--sources", description = "loopback source addresses (default: ${DEFAULT-VALUE})")
  private int sources = 4;

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/idle-cost.json");

  /**
   * One jar's figures over the idle window.
   *
   * @param presenceOperations Hazelcast operations on the {@code hub.presence.*} maps, both members
   * @param allOperations on every IMap, Vert.x's own included
   * @param nodesCpuPercent both nodes' CPU time over the window, in per cent of one core
   * @param perMap operations (puts, sets, gets, removes, others) and listener events of each map
   */
  record Measurement(String jar, String path, int held, int dropped, double seconds, long presenceOperations,
      double presenceOperationsPerSessionPerMinute, long allOperations, double allOperationsPerSessionPerMinute,
      double nodesCpuPercent, Map<String, HazelcastOps.MapCounts> perMap) {
  }

  @Override
  public Integer call() throws Exception {
    List<Measurement> measured = new ArrayList<>();
    for (Map.Entry<String, String> jar : jars.entrySet()) {
      measured.add(measure(jar.getKey(), jar.getValue()));
    }
    print(measured);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("nodes", 2);
    settings.put("sessions", sessions);
    settings.put("rooms", rooms);
    settings.put("settleSeconds", settleSeconds);
    settings.put("idleSeconds", idleSeconds);
    settings.put("jars", jars);
    new LatencyReport("idle-cost", settings).writeRows(out, measured);
    return 0;
  }

  private Measurement measure(String label, String jar) throws Exception {
    Map<String, String> env = Map.of("HUB_LIMITS_CONNECTIONS_PER_IP", Integer.toString(sessions),
        "HUB_PRESENCE_DIFF_MAX_MEMBERS", "0");
    try (HubNodes nodes = HubNodes.startCluster(jar, 2, HazelcastOps.JVM_FLAGS, env);
         IdleSessions first = new IdleSessions(sessions / 2, sources);
         IdleSessions second = new IdleSessions(sessions - sessions / 2, sources)) {
      open(label, first, nodes.port(0), 0);
      open(label, second, nodes.port(1), sessions / 2);
      Thread.sleep(settleSeconds * 1000L);
      List<HazelcastOps> members = List.of(HazelcastOps.attach(nodes.pid(0)), HazelcastOps.attach(nodes.pid(1)));
      try {
        Map<String, HazelcastOps.MapCounts> before = read(members);
        long cpuBefore = nodes.cpuMillis(0) + nodes.cpuMillis(1);
        long start = System.nanoTime();
        Thread.sleep(idleSeconds * 1000L);
        Map<String, HazelcastOps.MapCounts> after = read(members);
        long cpu = nodes.cpuMillis(0) + nodes.cpuMillis(1) - cpuBefore;
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, HazelcastOps.MapCounts> delta = HazelcastOps.delta(before, after);
        long presence = delta.entrySet().stream().filter(e -> e.getKey().startsWith(PRESENCE_MAPS))
            .mapToLong(e -> e.getValue().operations()).sum();
        long all = delta.values().stream().mapToLong(HazelcastOps.MapCounts::operations).sum();
        int held = first.held() + second.held();
        double sessionMinutes = Math.max(held, 1) * seconds / 60;
        return new Measurement(label, jar, held, first.dropped() + second.dropped(), seconds, presence,
            presence / sessionMinutes, all, all / sessionMinutes, 100.0 * cpu / (seconds * 1000), delta);
      } finally {
        members.forEach(HazelcastOps::close);
      }
    }
  }

  private void open(String label, IdleSessions generator, int port, int firstSession) throws InterruptedException {
    IdleSessions.Outcome outcome = generator.open(port,
        i -> "room-" + ((firstSession + i) % rooms), window, 300_000);
    System.out.printf("%s: %d of %d sessions joined on port %d in %.1f s; %d failed%s%n", label, outcome.connected(),
        outcome.requested(), port, outcome.seconds(), outcome.failed(),
        outcome.failures().isEmpty() ? "" : ": " + outcome.failures());
  }

  private static Map<String, HazelcastOps.MapCounts> read(List<HazelcastOps> members) {
    return HazelcastOps.sum(members.stream().map(HazelcastOps::maps).toList());
  }

  private void print(List<Measurement> measured) {
    System.out.println();
    System.out.printf("scenario idle-cost {nodes=2, sessions=%d, rooms=%d, idle %d s after %d s settling}%n",
        sessions, rooms, idleSeconds, settleSeconds);
    System.out.printf("%-10s %7s %8s %9s %12s %9s %12s %9s%n", "jar", "held", "seconds", "presence",
        "pres/ses/min", "all ops", "all/ses/min", "nodes CPU");
    for (Measurement m : measured) {
      System.out.printf("%-10s %7d %8.1f %9d %12.4f %9d %12.4f %8.1f%%%n", m.jar(), m.held(), m.seconds(),
          m.presenceOperations(), m.presenceOperationsPerSessionPerMinute(), m.allOperations(),
          m.allOperationsPerSessionPerMinute(), m.nodesCpuPercent());
    }
    for (Measurement m : measured) {
      System.out.printf("%s per map (puts, sets, gets, removes, others; listener events):%n", m.jar());
      m.perMap().forEach((map, c) -> {
        if (c.operations() + c.events() > 0) {
          System.out.printf("  %-28s %8d %8d %8d %8d %8d; %8d%n", map, c.puts(), c.sets(), c.gets(), c.removes(),
              c.others(), c.events());
        }
      });
      if (m.dropped() > 0) {
        System.out.printf("  %d sessions were closed by the server while idle%n", m.dropped());
      }
    }
    if (measured.size() > 1) {
      Measurement first = measured.get(0);
      for (Measurement m : measured.subList(1, measured.size())) {
        System.out.printf("%s / %s: presence operations per session per minute %.4f, nodes' CPU %.2f%n", m.jar(),
            first.jar(), m.presenceOperationsPerSessionPerMinute() / first.presenceOperationsPerSessionPerMinute(),
            m.nodesCpuPercent() / first.nodesCpuPercent());
      }
    }
  }
}

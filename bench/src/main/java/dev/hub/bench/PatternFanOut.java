package dev.hub.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a pattern subscription costs in fan-out: {@code fan-out}'s load (one room, many subscribers, one
 * publisher in {@code bench.fan}) against two hubs in one run, the subscribers of one joined by the room itself
 * ({@code hub-exact}), those of the other by the pattern {@code bench.*} ({@code hub-pattern}), measured phase by
 * phase in turn ({@link PairedLoad}), the hubs pinned to one CPU and the generator to the other. Prints the
 * pattern's figures as ratios of the exact room's.
 */
@Command(name = "pattern-fan-out", mixinStandardHelpOptions = true,
    description = "fan-out with subscribers joined by the room against the same number joined by bench.*.")
final class PatternFanOut implements Callable<Integer> {
  static final String EXACT = "hub-exact";
  static final String PATTERN = "hub-pattern";
  private static final String ROOM = "bench.fan";

  @Mixin
  private ThroughputOptions options;

  @Option(names = "--subscribers", description = "subscribers in the room (default: ${DEFAULT-VALUE})")
  private int subscribers = 1000;

  @Option(names = "--rates", split = ",", description = "fixed publish rates, events/s (default: ${DEFAULT-VALUE})")
  private List<Integer> rates = List.of(20, 50, 100);

  @Option(names = "--window", description = "events in flight in the max phase (default: ${DEFAULT-VALUE})")
  private int window = 16;

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/pattern-fan-out.json");

  @Override
  public Integer call() throws Exception {
    Processes.pinThisProcess(options.clientCpu);
    List<ThroughputPhase> phases;
    try (PinnedServer exact = BroadcastServers.hub(EXACT, options, Map.of());
        PinnedServer pattern = BroadcastServers.hub(PATTERN, options, Map.of())) {
      phases = PairedLoad.measure(List.of(new PairedLoad.Side(exact, ROOM, ROOM),
          new PairedLoad.Side(pattern, ROOM, "bench.*")), subscribers, options, rates, window);
    }
    ThroughputTable.print(String.format("scenario pattern-fan-out {subscribers=%d, payload=%d B, %d s per phase, "
        + "servers on CPU %d in turn, generator on CPU %d}", subscribers, options.payload, options.seconds,
        options.serverCpu, options.clientCpu), phases);
    printRatios(phases, PATTERN, EXACT);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("subscribers", subscribers);
    settings.put("rates", rates);
    settings.put("window", window);
    options.addTo(settings);
    new LatencyReport("pattern-fan-out", settings).writeRows(out, phases);
    return 0;
  }

  /**
   * Each phase of {@code server} against the same phase of {@code base}: delivered/s, p50, p99, and the server's
   * CPU time per delivery, which other processes on the machine disturb far less than latency.
   */
  static void printRatios(List<ThroughputPhase> phases, String server, String base) {
    for (ThroughputPhase other : phases) {
      if (!other.server().equals(server)) {
        continue;
      }
      phases.stream().filter(b -> b.server().equals(base) && b.phase().equals(other.phase())).findFirst()
          .ifPresent(b -> System.out.printf("%s / %s, %-9s delivered/s %.2f, p50 %.2f, p99 %.2f, "
                  + "CPU per delivery %.2f (%.2f against %.2f us)%n", server, base, other.phase(),
              other.deliveredPerSecond() / b.deliveredPerSecond(), other.p50Ms() / Math.max(0.01, b.p50Ms()),
              other.p99Ms() / Math.max(0.01, b.p99Ms()), cpuMicrosPerDelivery(other) / cpuMicrosPerDelivery(b),
              cpuMicrosPerDelivery(other), cpuMicrosPerDelivery(b)));
    }
  }

  /** The server's CPU time per delivery in the phase, in microseconds. */
  private static double cpuMicrosPerDelivery(ThroughputPhase phase) {
    return phase.serverCpuPercent() / 100 * 1e6 / Math.max(1, phase.deliveredPerSecond());
  }
}

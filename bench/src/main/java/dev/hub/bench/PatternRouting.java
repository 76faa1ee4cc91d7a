package dev.hub.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Routing with many patterns: one room ({@code fan}) with subscribers and a publisher, against a hub that holds
 * no pattern ({@code hub-none}) and one whose sessions hold many distinct patterns that match none of its events
 * ({@code hub-patterns}, {@link PatternHolders}), in one run, measured phase by phase in turn
 * ({@link PairedLoad}), the hubs pinned to one CPU and the generator to the other. What differs is only the lookups in the node's subject tries on every publish; the figures of
 * {@code hub-patterns} print as ratios of {@code hub-none}'s.
 */
@Command(name = "pattern-routing", mixinStandardHelpOptions = true,
    description = "Publish latency on a node holding 10,000 distinct patterns against a node holding none.")
final class PatternRouting implements Callable<Integer> {
  static final String NONE = "hub-none";
  static final String PATTERNS = "hub-patterns";
  /** Patterns per holding connection; the hubs allow that many rooms per session. */
  private static final int PER_CONNECTION = 1000;
  /** The measured room; the held patterns match none of its events ({@link PatternHolders#pattern}). */
  private static final String ROOM = "fan";

  @Mixin
  private ThroughputOptions options;

  @Option(names = "--patterns", description = "distinct patterns the second hub holds (default: ${DEFAULT-VALUE})")
  private int patterns = 10_000;

  @Option(names = "--subscribers", description = "subscribers in the measured room (default: ${DEFAULT-VALUE})")
  private int subscribers = 20;

  @Option(names = "--rates", split = ",", description = "fixed publish rates, events/s (default: ${DEFAULT-VALUE})")
  private List<Integer> rates = List.of(500, 2000);

  @Option(names = "--window", description = "events in flight in the max phase (default: ${DEFAULT-VALUE})")
  private int window = 16;

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/pattern-routing.json");

  @Override
  public Integer call() throws Exception {
    Processes.pinThisProcess(options.clientCpu);
    Map<String, String> env = Map.of("HUB_LIMITS_MAX_ROOMS_PER_SESSION", Integer.toString(PER_CONNECTION),
        "HUB_LIMITS_JOINS_PER_SECOND", "1000000", "HUB_LIMITS_JOIN_BURST", "1000000");
    List<ThroughputPhase> phases;
    Vertx vertx = Vertx.vertx();
    WebSocketClient client = LatencyClient.webSocketClient(vertx);
    try (PinnedServer none = BroadcastServers.hub(NONE, options, env);
        PinnedServer loaded = BroadcastServers.hub(PATTERNS, options, env);
        PatternHolders held = PatternHolders.open(client, loaded.port(), patterns, PER_CONNECTION)) {
      System.out.printf("%s holds %d distinct patterns on %d connections%n", PATTERNS, patterns,
          (patterns + PER_CONNECTION - 1) / PER_CONNECTION);
      phases = PairedLoad.measure(List.of(new PairedLoad.Side(none, ROOM, ROOM),
          new PairedLoad.Side(loaded, ROOM, ROOM)), subscribers, options, rates, window);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    ThroughputTable.print(String.format("scenario pattern-routing {patterns=%d, subscribers=%d, payload=%d B, "
        + "%d s per phase, servers on CPU %d in turn, generator on CPU %d}", patterns, subscribers, options.payload,
        options.seconds, options.serverCpu, options.clientCpu), phases);
    PatternFanOut.printRatios(phases, PATTERNS, NONE);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("patterns", patterns);
    settings.put("subscribers", subscribers);
    settings.put("rates", rates);
    settings.put("window", window);
    options.addTo(settings);
    new LatencyReport("pattern-routing", settings).writeRows(out, phases);
    return 0;
  }
}

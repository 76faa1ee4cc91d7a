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
 * Scenario 6: one high-rate event in one room, with the hub's batching off ({@code hub}) and on for that event
 * ({@code hub-batch}: {@code batch.events}, PROTOCOL.md section 4), against the bare server in the same run.
 * Reports events and frames received per second: a batch frame carries several events, and the frames saved
 * are the writes saved.
 */
@Command(name = "batching", mixinStandardHelpOptions = true,
    description = "One high-rate event: the hub with batching off and on, against a bare Vert.x server.")
final class Batching implements Callable<Integer> {
  static final String HUB_BATCH = "hub-batch";
  private static final String EVENT = "tick";

  @Mixin
  private ThroughputOptions options;

  @Option(names = "--subscribers", description = "subscribers in the room (default: ${DEFAULT-VALUE})")
  private int subscribers = 500;

  @Option(names = "--rates", split = ",", description = "fixed publish rates, events/s (default: ${DEFAULT-VALUE})")
  private List<Integer> rates = List.of(100, 300);

  @Option(names = "--window",
      description = "events in flight in the max phase; keep it above --batch-max-events, or each batch waits "
          + "out its delay (default: ${DEFAULT-VALUE})")
  private int window = 64;

  @Option(names = "--batch-max-events", description = "hub-batch's batch.maxEvents (default: ${DEFAULT-VALUE})")
  private int batchMaxEvents = 10;

  @Option(names = "--batch-max-delay-ms", description = "hub-batch's batch.maxDelayMs (default: ${DEFAULT-VALUE})")
  private int batchMaxDelayMs = 100;

  @Option(names = "--servers", split = ",",
      description = "servers to measure, in order: bare, bare-coalesce, hub, hub-batch (default: ${DEFAULT-VALUE})")
  private List<String> servers = List.of(BroadcastServers.BARE, BroadcastServers.HUB, HUB_BATCH);

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/batching.json");

  @Override
  public Integer call() throws Exception {
    Processes.pinThisProcess(options.clientCpu);
    RoomLoad load = new RoomLoad(1, subscribers, 1, EVENT);
    List<ThroughputPhase> phases = load.measureEach(servers, this::start, options, rates, window).phases();
    ThroughputTable.print(String.format("scenario batching {subscribers=%d, event %s, hub-batch: batch.events=%s "
        + "maxEvents=%d maxDelayMs=%d, window=%d, payload=%d B, %d s per phase, server on CPU %d, generator on "
        + "CPU %d}", subscribers, EVENT, EVENT, batchMaxEvents, batchMaxDelayMs, window, options.payload,
        options.seconds, options.serverCpu, options.clientCpu), phases);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("subscribers", subscribers);
    settings.put("event", EVENT);
    settings.put("rates", rates);
    settings.put("window", window);
    settings.put("batchMaxEvents", batchMaxEvents);
    settings.put("batchMaxDelayMs", batchMaxDelayMs);
    options.addTo(settings);
    settings.put("servers", servers);
    new LatencyReport("batching", settings).writeRows(out, phases);
    return 0;
  }

  /** {@code hub-batch} is the hub with the event batched; the others as every broadcast scenario starts them. */
  private ServerUnderTest start(String name) {
    if (!name.equals(HUB_BATCH)) {
      return BroadcastServers.start(name, options);
    }
    // batch.events globs match the event name (BatchPolicy.matches(event)), not room:event.
    return BroadcastServers.hub(name, options, Map.of("HUB_BATCH_EVENTS", EVENT,
        "HUB_BATCH_MAX_EVENTS", Integer.toString(batchMaxEvents),
        "HUB_BATCH_MAX_DELAY_MS", Integer.toString(batchMaxDelayMs)));
  }
}

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
 * Scenario 1: many subscribers in one room, one publisher; fixed rates, then as fast as the server keeps up
 * (a window of events in flight, paced by the publisher's own copy). Runs against the bare Vert.x broadcast
 * server, the same with flushes consolidated ({@code bare-coalesce}: the ceiling of write coalescing alone)
 * and the hub in the same run, each pinned to one CPU with the generator on the other, and prints each
 * server's figures as a ratio of the bare server's.
 */
@Command(name = "fan-out", mixinStandardHelpOptions = true,
    description = "One room, many subscribers: the hub against a bare Vert.x broadcast server.")
final class FanOut implements Callable<Integer> {

  @Mixin
  private ThroughputOptions options;

  @Option(names = "--subscribers", description = "subscribers in the room (default: ${DEFAULT-VALUE})")
  private int subscribers = 1000;

  @Option(names = "--rates", split = ",", description = "fixed publish rates, events/s (default: ${DEFAULT-VALUE})")
  private List<Integer> rates = List.of(20, 50, 100);

  @Option(names = "--window", description = "events in flight in the max phase (default: ${DEFAULT-VALUE})")
  private int window = 16;

  @Option(names = "--servers", split = ",",
      description = "servers to measure, in order: bare, bare-coalesce, hub, hub-hs256, hub-history, hub-cluster, "
          + "hub-cluster-history, nats, socketio (default: ${DEFAULT-VALUE})")
  private List<String> servers = List.of(BroadcastServers.BARE, BroadcastServers.BARE_COALESCE,
      BroadcastServers.HUB);

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/fan-out.json");

  @Override
  public Integer call() throws Exception {
    Processes.pinThisProcess(options.clientCpu);
    RoomLoad load = new RoomLoad(1, subscribers, 1, "tick");
    RoomLoad.Measured measured = load.measureEach(servers, name -> BroadcastServers.start(name, options), options,
        rates, window);
    List<ThroughputPhase> phases = measured.phases();
    ThroughputTable.print(String.format("scenario fan-out {subscribers=%d, payload=%d B, %d s per phase, "
        + "server on CPU %d, generator on CPU %d}", subscribers, options.payload, options.seconds,
        options.serverCpu, options.clientCpu), phases);
    ThroughputTable.printConnects(measured.connects());
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("subscribers", subscribers);
    settings.put("rates", rates);
    settings.put("window", window);
    options.addTo(settings);
    settings.put("servers", servers);
    new LatencyReport("fan-out", settings).writeRows(out, List.of(Map.of("phases", phases,
        "connects", measured.connects())));
    return 0;
  }
}

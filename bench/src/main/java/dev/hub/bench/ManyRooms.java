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
 * Scenario 2: many small rooms, a publisher in each; fixed total rates spread over the publishers, then as fast
 * as the server keeps up (a window of events in flight per publisher, paced by its own copies). Each event goes
 * to a few sockets, so a server can coalesce little per socket: this measures per-event cost where fan-out
 * measures per-delivery cost. Against the bare server (rooms by query string) and the hub in the same run.
 */
@Command(name = "many-rooms", mixinStandardHelpOptions = true,
    description = "Many rooms of a few subscribers, a publisher in each: the hub against a bare Vert.x server.")
final class ManyRooms implements Callable<Integer> {

  @Mixin
  private ThroughputOptions options;

  @Option(names = "--rooms", description = "rooms (default: ${DEFAULT-VALUE})")
  private int rooms = 1000;

  @Option(names = "--subscribers-per-room", description = "measured subscribers in each room (default: ${DEFAULT-VALUE})")
  private int subscribersPerRoom = 10;

  @Option(names = "--publishers",
      description = "publishing connections, one each in the first rooms, at most one a room (default: one per room)")
  private Integer publishers;

  @Option(names = "--rates", split = ",",
      description = "fixed publish rates, events/s over all publishers (default: ${DEFAULT-VALUE})")
  private List<Integer> rates = List.of(1000, 5000, 10000);

  @Option(names = "--window", description = "events in flight per publisher in the max phase (default: ${DEFAULT-VALUE})")
  private int window = 1;

  @Option(names = "--servers", split = ",",
      description = "servers to measure, in order: bare, bare-coalesce, hub, hub-hs256, hub-history, hub-cluster, "
          + "hub-cluster-history, nats, socketio (default: ${DEFAULT-VALUE})")
  private List<String> servers = List.of(BroadcastServers.BARE, BroadcastServers.HUB);

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/many-rooms.json");

  @Override
  public Integer call() throws Exception {
    Processes.pinThisProcess(options.clientCpu);
    RoomLoad load = new RoomLoad(rooms, subscribersPerRoom, publishers == null ? rooms : publishers, "tick");
    if (load.connections() > SocketLimits.socketsPerProcess()) {
      throw new IllegalArgumentException(load.connections() + " connections do not fit one process's "
          + SocketLimits.socketsPerProcess() + " sockets");
    }
    List<ThroughputPhase> phases = load.measureEach(servers, name -> BroadcastServers.start(name, options), options,
        rates, window).phases();
    ThroughputTable.print(String.format("scenario many-rooms {rooms=%d, subscribers per room=%d, publishers=%d, "
        + "window=%d per publisher, payload=%d B, %d s per phase, server on CPU %d, generator on CPU %d}", rooms,
        subscribersPerRoom, load.publishers(), window, options.payload, options.seconds, options.serverCpu,
        options.clientCpu), phases);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("rooms", rooms);
    settings.put("subscribersPerRoom", subscribersPerRoom);
    settings.put("publishers", load.publishers());
    settings.put("rates", rates);
    settings.put("windowPerPublisher", window);
    options.addTo(settings);
    settings.put("servers", servers);
    new LatencyReport("many-rooms", settings).writeRows(out, phases);
    return 0;
  }
}

package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.HdrHistogram.Recorder;

/**
 * The generator of the broadcast scenarios: rooms of subscribers, at most one publisher in each, all in this
 * JVM on one event loop, connections spread over the loopback source addresses 127.0.0.2, 127.0.0.3, ...
 * Against one server it runs a warm-up, the fixed total rates, then {@code max} (a window of events in flight
 * per publisher, paced by its echoes).
 *
 * @param rooms rooms, each with {@code subscribersPerRoom} measured subscribers
 * @param publishers publishing connections, one each in rooms 0, 1, ..., at most one a room
 * @param event the event name published (it decides batching on the hub)
 */
record RoomLoad(int rooms, int subscribersPerRoom, int publishers, String event) {
  /** Handshakes (and joins) in flight at once while connecting, so that the accept backlog never overflows. */
  private static final int CONNECT_WINDOW = 256;
  /** Connections opened into the rooms and closed again before the measured connect, to warm a server up. */
  private static final int WARM_UP_CONNECTIONS = 1000;

  /** What {@link #measureEach} measured: the phases of every server, and how fast each took its subscribers. */
  record Measured(List<ThroughputPhase> phases, List<ConnectRow> connects) {
  }

  /**
   * How long the subscribers took to connect to one server and be in their rooms (for the hub, joined), after
   * {@link #WARM_UP_CONNECTIONS} had connected and gone, with {@link #CONNECT_WINDOW} in flight at once.
   *
   * @param serverCpuMsPerConnect the server's CPU time over the connect, per connection
   * @param generatorCpuPercent this generator's own CPU over the connect: near 100, it was the limit
   */
  record ConnectRow(String server, int connections, double seconds, double connectsPerSecond,
      double serverCpuMsPerConnect, double generatorCpuPercent) {
  }

  RoomLoad {
    if (publishers < 1 || publishers > rooms) {
      throw new IllegalArgumentException("publishers must be from 1 to the number of rooms (" + rooms
          + "): a publisher paces itself by its own echoes, which another publisher's events would muddle");
    }
  }

  /** Connections this load opens. */
  int connections() {
    return rooms * subscribersPerRoom + publishers;
  }

  /** Room {@code i}'s name: {@code fan} when there is one room. */
  String room(int i) {
    return rooms == 1 ? "fan" : "room-" + i;
  }

  /** Measures the phases against each named server in turn, each started by {@code start} and stopped after. */
  Measured measureEach(List<String> servers, Function<String, ? extends ServerUnderTest> start,
      ThroughputOptions options, List<Integer> rates, int window) throws Exception {
    List<ThroughputPhase> phases = new ArrayList<>();
    List<ConnectRow> connects = new ArrayList<>();
    for (String name : servers) {
      try (ServerUnderTest server = start.apply(name)) {
        phases.addAll(measure(server, options, rates, window, connects));
      }
    }
    return new Measured(phases, connects);
  }

  /**
   * Node of a server with {@code nodes} that subscriber {@code i} connects to: the members of each room take the
   * nodes in turn, so every room is split evenly (subscriber {@code i} is member {@code i / rooms} of its room).
   */
  int node(int i, int nodes) {
    return (i / rooms) % nodes;
  }

  /**
   * Measures the connect and the phases against {@code server}, the connections joining by room, subscribers
   * spread evenly over its nodes and every publisher on the first; the generator's connections are closed
   * again afterwards.
   */
  List<ThroughputPhase> measure(ServerUnderTest server, ThroughputOptions options, List<Integer> rates, int window,
      List<ConnectRow> connects) throws Exception {
    Dialect dialect = BroadcastServers.dialect(server.name());
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Recorder latencies = new Recorder(3);
    List<WebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < options.sources; i++) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 24)
          .setMaxMessageSize(1 << 24).setMaxConnections(connections() + 10).setLocalAddress("127.0.0." + (2 + i))));
    }
    List<LatencyClient> subscribers = new ArrayList<>();
    Publishers load = null;
    try {
      IntFunction<Future<LatencyClient>> subscribe = i -> LatencyClient.subscribe(clients.get(i % clients.size()),
          server.port(node(i, server.nodes())), dialect, room(i % rooms), latencies);
      List<LatencyClient> warming = connectAll(Math.min(WARM_UP_CONNECTIONS, rooms * subscribersPerRoom), subscribe);
      warming.forEach(LatencyClient::close);
      long serverCpuBefore = server.cpuMillis();
      long generatorCpuBefore = ProcessStats.ownCpuMillis();
      long connectStart = System.nanoTime();
      subscribers.addAll(connectAll(rooms * subscribersPerRoom, subscribe));
      double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
      connects.add(new ConnectRow(server.name(), subscribers.size(), connectSeconds,
          subscribers.size() / connectSeconds, (double) (server.cpuMillis() - serverCpuBefore) / subscribers.size(),
          100.0 * (ProcessStats.ownCpuMillis() - generatorCpuBefore) / (connectSeconds * 1000)));
      load = new Publishers(vertx, connectAll(publishers, i -> Publisher.connect(clients.get(i % clients.size()),
          server.port(0), dialect, room(i), event, subscribersPerRoom, options.payload)));
      PhaseMeter meter = new PhaseMeter(server, subscribers, load, latencies);
      Publishers publishing = load;
      long ms = options.seconds * 1000L;
      publishing.atRate(rates.get(0), ms);
      meter.drain();
      server.settleHeaps();
      List<ThroughputPhase> phases = new ArrayList<>();
      for (int rate : rates) {
        phases.add(meter.phase("rate " + rate, () -> publishing.atRate(rate, ms)));
      }
      phases.add(meter.phase("max", () -> publishing.windowed(window, ms)));
      return phases;
    } finally {
      if (load != null) {
        load.close();
      }
      subscribers.forEach(LatencyClient::close);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Opens {@code count} connections with {@link #CONNECT_WINDOW} in flight at once, the next as soon as one is
   * in; fails if one does not open within a minute.
   */
  static <T> List<T> connectAll(int count, IntFunction<Future<T>> open) throws Exception {
    Semaphore window = new Semaphore(CONNECT_WINDOW);
    List<Future<T>> opening = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
        throw new TimeoutException("no connection opened within 60 s");
      }
      opening.add(open.apply(i).onComplete(result -> window.release()));
    }
    List<T> opened = new ArrayList<>(count);
    for (Future<T> each : opening) {
      opened.add(each.await(60, TimeUnit.SECONDS));
    }
    return opened;
  }
}

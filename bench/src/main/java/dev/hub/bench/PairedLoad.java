package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.HdrHistogram.Recorder;

/**
 * Two hubs under the same load (one publisher, many subscribers) at once, measured phase by phase in turn: the
 * first hub's phase, then the second's, for each rate and then {@code max}. Each pair of phases is a few seconds
 * apart, so whatever else runs on the machine weighs on both alike, and their ratio holds better than that of
 * two runs one after the other. Both hubs are pinned to the same CPU; the idle one only answers pings.
 */
final class PairedLoad {
  /** Handshakes (and joins) in flight at once while connecting. */
  private static final int CONNECT_WINDOW = 256;

  /**
   * One hub and how the load joins it.
   *
   * @param publisherRoom the room the publisher joins and publishes to
   * @param subscriberJoin what each subscriber joins: that room, or a pattern that matches it
   */
  record Side(PinnedServer server, String publisherRoom, String subscriberJoin) {
  }

  private record Connected(Side side, PhaseMeter meter, Publishers publishers, List<LatencyClient> subscribers) {
  }

  private PairedLoad() {
  }

  static List<ThroughputPhase> measure(List<Side> sides, int subscribers, ThroughputOptions options,
      List<Integer> rates, int window) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    List<WebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < options.sources; i++) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 24)
          .setMaxMessageSize(1 << 24).setMaxConnections(sides.size() * (subscribers + 1) + 10)
          .setLocalAddress("127.0.0." + (2 + i))));
    }
    List<Connected> loads = new ArrayList<>();
    try {
      for (Side side : sides) {
        Recorder latencies = new Recorder(3);
        int port = side.server().port();
        List<LatencyClient> subscribed = connectAll(subscribers, i -> LatencyClient.subscribe(
            clients.get(i % clients.size()), port, Dialect.HUB, side.subscriberJoin(), latencies));
        Publishers publishers = new Publishers(vertx, connectAll(1, i -> Publisher.connect(clients.get(0), port,
            Dialect.HUB, side.publisherRoom(), "tick", subscribers, options.payload)));
        loads.add(new Connected(side, new PhaseMeter(side.server(), subscribed, publishers, latencies), publishers,
            subscribed));
      }
      long ms = options.seconds * 1000L;
      for (Connected load : loads) {
        load.publishers().atRate(rates.get(0), ms);
        load.meter().drain();
        HeapProbe.settleBoth(load.side().server().javaPid());
      }
      List<ThroughputPhase> phases = new ArrayList<>();
      for (int rate : rates) {
        for (Connected load : loads) {
          phases.add(load.meter().phase("rate " + rate, () -> load.publishers().atRate(rate, ms)));
        }
      }
      for (Connected load : loads) {
        phases.add(load.meter().phase("max", () -> load.publishers().windowed(window, ms)));
      }
      return phases;
    } finally {
      for (Connected load : loads) {
        load.publishers().close();
        load.subscribers().forEach(LatencyClient::close);
      }
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static <T> List<T> connectAll(int count, IntFunction<Future<T>> open) throws Exception {
    List<T> opened = new ArrayList<>(count);
    for (int from = 0; from < count; from += CONNECT_WINDOW) {
      List<Future<T>> opening = new ArrayList<>();
      for (int i = from; i < Math.min(count, from + CONNECT_WINDOW); i++) {
        opening.add(open.apply(i));
      }
      for (Future<T> each : opening) {
        opened.add(each.await(60, TimeUnit.SECONDS));
      }
    }
    return opened;
  }
}

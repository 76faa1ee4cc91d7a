package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A subscriber that records, for every event it receives, the time from publish to receipt. The publisher
 * runs in the same JVM and stamps {@code System.nanoTime()} into the payload as {@code "t"}, so one clock
 * measures both ends. Counts the events and, apart, the frames that carried them (a {@code batch} frame
 * carries several).
 */
final class LatencyClient implements Dialect.Listener {
  private final ClientWebSocket socket;
  private final Recorder latencies;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong frames = new AtomicLong();

  private LatencyClient(ClientWebSocket socket, Recorder latencies) {
    this.socket = socket;
    this.latencies = latencies;
  }

  /** A WebSocket client for many subscribers, with room for large batches. */
  static WebSocketClient webSocketClient(io.vertx.core.Vertx vertx) {
    return vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions().setMaxFrameSize(1 << 24)
        .setMaxMessageSize(1 << 24));
  }

  /** Connects to a node and joins {@code room}; completes once the join is acknowledged. */
  static Future<LatencyClient> join(WebSocketClient client, int port, String room, Recorder latencies) {
    return join(client, port, "", room, latencies);
  }

  /** As {@link #join(WebSocketClient, int, String, Recorder)}, with a query such as {@code token=...}. */
  static Future<LatencyClient> join(WebSocketClient client, int port, String query, String room,
      Recorder latencies) {
    return subscribe(client, port, Dialect.hub(() -> query), room, latencies);
  }

  /** A subscriber of {@code room} on a server spoken to in {@code dialect}; completes once it is in the room. */
  static Future<LatencyClient> subscribe(WebSocketClient client, int port, Dialect dialect, String room,
      Recorder latencies) {
    LatencyClient subscriber = new LatencyClient(client.webSocket(), latencies);
    return dialect.enter(subscriber.socket, port, room, subscriber).map(subscriber);
  }

  @Override
  public void stamp(long nanos) {
    latencies.recordValue(Math.max(0, System.nanoTime() - nanos));
  }

  @Override
  public void frame(int events) {
    received.addAndGet(events);
    frames.incrementAndGet();
  }

  /** Events received so far. */
  long received() {
    return received.get();
  }

  /** Frames received so far that carried at least one event. */
  long frames() {
    return frames.get();
  }

  void close() {
    socket.close();
  }
}

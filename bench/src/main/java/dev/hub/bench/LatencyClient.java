package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A subscriber that records, for every event it receives, the time from publish to receipt. The publisher
 * runs in the same JVM and stamps {@code System.nanoTime()} into the payload as {@code "t"}, so one clock
 * measures both ends.
 */
final class LatencyClient {
  private static final String STAMP = "\"t\":";

  private final ClientWebSocket socket;
  private final Recorder latencies;
  private final AtomicLong received = new AtomicLong();

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
    ClientWebSocket socket = client.webSocket();
    LatencyClient subscriber = new LatencyClient(socket, latencies);
    io.vertx.core.Promise<LatencyClient> joined = io.vertx.core.Promise.promise();
    socket.textMessageHandler(text -> {
      if (text.startsWith("{\"type\":\"ack\"")) {
        joined.tryComplete(subscriber);
      } else {
        subscriber.record(text);
      }
    });
    return socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws" + (query.isEmpty() ? "" : "?" + query)))
        .compose(v -> socket.writeTextMessage("{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":1}"))
        .compose(v -> joined.future());
  }

  /**
   * Connects without joining anything, for a server that sends every frame to everyone (the bare baseline);
   * completes once connected.
   */
  static Future<LatencyClient> connect(WebSocketClient client, int port, Recorder latencies) {
    ClientWebSocket socket = client.webSocket();
    LatencyClient subscriber = new LatencyClient(socket, latencies);
    socket.textMessageHandler(subscriber::record);
    return socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
        .map(v -> subscriber);
  }

  private void record(String text) {
    long now = System.nanoTime();
    for (int at = text.indexOf(STAMP); at >= 0; at = text.indexOf(STAMP, at + 1)) {
      int start = at + STAMP.length();
      int end = start;
      while (end < text.length() && (Character.isDigit(text.charAt(end)) || text.charAt(end) == '-')) {
        end++;
      }
      latencies.recordValue(Math.max(0, now - Long.parseLong(text.substring(start, end))));
      received.incrementAndGet();
    }
  }

  long received() {
    return received.get();
  }

  void close() {
    socket.close();
  }
}

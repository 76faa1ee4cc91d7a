package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection that joins many rooms and publishes into them in turn at a fixed total rate, without its own
 * copies ({@code echo:false}), whatever the hub answers: a steady source that a node's death does not pace.
 * Events carry the publish time as {@code "t"} and {@code payload} bytes of padding.
 */
final class RoomsPublisher {
  private final Vertx vertx;
  private final ClientWebSocket socket;
  private final List<String> rooms;
  private final String padding;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final List<String> errors = new ArrayList<>();
  private Promise<Void> joined;
  private int joinsAcknowledged;
  private long timer = -1;

  private RoomsPublisher(Vertx vertx, ClientWebSocket socket, List<String> rooms, int payload) {
    this.vertx = vertx;
    this.socket = socket;
    this.rooms = List.copyOf(rooms);
    this.padding = "x".repeat(payload);
  }

  /** Connects to the node at {@code port} and joins every room; completes once all joins are acknowledged. */
  static Future<RoomsPublisher> connect(Vertx vertx, WebSocketClient client, int port, List<String> rooms,
      int payload) {
    RoomsPublisher publisher = new RoomsPublisher(vertx, client.webSocket(), rooms, payload);
    publisher.joined = Promise.promise();
    publisher.socket.textMessageHandler(publisher::frame);
    return publisher.socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
        .compose(v -> {
          for (String room : publisher.rooms) {
            publisher.socket.writeTextMessage(Dialect.joinFrame(room));
          }
          return publisher.joined.future();
        })
        .map(publisher);
  }

  private void frame(String text) {
    JsonObject frame = new JsonObject(text);
    switch (frame.getString("type", "")) {
      case "ack" -> {
        if (frame.containsKey("id")) {
          acknowledged.incrementAndGet();
        } else if (++joinsAcknowledged == rooms.size()) {
          joined.tryComplete();
        }
      }
      case "error" -> {
        synchronized (errors) {
          errors.add(frame.getString("code") + ": " + frame.getString("message"));
        }
        joined.tryFail("a join of the publisher failed: " + text);
      }
      default -> {
        // welcome, and nothing else: it takes no copies of its own events.
      }
    }
  }

  /** Starts publishing {@code rate} events a second in all, room after room, until {@link #stop}. */
  void start(int rate) {
    long period = 1_000_000_000L / rate;
    vertx.runOnContext(v -> {
      long[] next = {System.nanoTime()};
      int[] turn = {0};
      timer = vertx.setPeriodic(1, id -> {
        long now = System.nanoTime();
        while (next[0] <= now) {
          publish(rooms.get(turn[0]));
          turn[0] = (turn[0] + 1) % rooms.size();
          next[0] += period;
        }
      });
    });
  }

  private void publish(String room) {
    long ref = sent.incrementAndGet();
    socket.writeTextMessage("{\"type\":\"publish\",\"room\":\"" + room + "\",\"event\":\"tick\",\"echo\":false,"
        + "\"ref\":" + ref + ",\"data\":{\"t\":" + System.nanoTime() + ",\"p\":\"" + padding + "\"}}");
  }

  /** Stops publishing; what was sent may still be acknowledged. */
  Future<Void> stop() {
    Promise<Void> stopped = Promise.promise();
    vertx.runOnContext(v -> {
      vertx.cancelTimer(timer);
      stopped.complete();
    });
    return stopped.future();
  }

  long sent() {
    return sent.get();
  }

  long acknowledged() {
    return acknowledged.get();
  }

  /** The hub's error answers to its publishes, e.g. while a partition's history moves to a survivor. */
  List<String> errors() {
    synchronized (errors) {
      return List.copyOf(errors);
    }
  }

  void close() {
    socket.close();
  }
}

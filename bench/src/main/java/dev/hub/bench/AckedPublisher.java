package dev.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * A publisher that keeps the hub's answer to each event: the ids it acknowledged, by phase, and how many it
 * refused. Events go out at a fixed rate, or with a window of them in flight (the next on each answer); each has
 * a client id of its own and {@code echo:false}, so the publisher reads only answers. Everything runs on its
 * socket's context.
 */
final class AckedPublisher {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ClientWebSocket socket;
  private final String room;
  private final String name;
  private final String padding;
  private final Promise<AckedPublisher> joined = Promise.promise();
  private final List<List<String>> ackedByPhase = new ArrayList<>();
  private Context context;
  private long sent;
  private long answered;
  private final java.util.Map<String, Long> refused = new java.util.TreeMap<>();
  private int window;
  private long timer = -1;

  private AckedPublisher(ClientWebSocket socket, String room, String name, int payload) {
    this.socket = socket;
    this.room = room;
    this.name = name;
    this.padding = "x".repeat(payload);
    ackedByPhase.add(new ArrayList<>());
  }

  /** Connects as user {@code name} and joins {@code room}; completes once the join is acknowledged. */
  static Future<AckedPublisher> join(WebSocketClient client, int port, String room, String name, int payload) {
    AckedPublisher publisher = new AckedPublisher(client.webSocket(), room, name, payload);
    publisher.socket.textMessageHandler(publisher::onFrame);
    return publisher.socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
            .setURI("/ws?user=" + name))
        .compose(v -> {
          publisher.context = Vertx.currentContext();
          return publisher.socket.writeTextMessage(Dialect.joinFrame(room));
        })
        .compose(v -> publisher.joined.future());
  }

  /** Sends {@code perSecond} events a second from now on, in ticks of 10 ms. */
  void startRate(Vertx vertx, int perSecond) {
    context.runOnContext(v -> {
      long started = System.nanoTime();
      timer = vertx.setPeriodic(10, id -> {
        long due = (System.nanoTime() - started) * perSecond / 1_000_000_000L;
        while (sent < due) {
          send();
        }
      });
    });
  }

  /** Keeps {@code size} events in flight from now on. */
  void startWindow(int size) {
    context.runOnContext(v -> {
      window = size;
      fill();
    });
  }

  /** Sends no more; what is in flight is still answered. */
  Future<Void> stop(Vertx vertx) {
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(v -> {
      vertx.cancelTimer(timer);
      window = 0;
      stopped.complete();
    });
    return stopped.future();
  }

  /** Later acknowledgements count under a new phase. */
  Future<Void> nextPhase() {
    Promise<Void> next = Promise.promise();
    context.runOnContext(v -> {
      ackedByPhase.add(new ArrayList<>());
      next.complete();
    });
    return next.future();
  }

  /** Every event sent so far was answered (on the socket's context). */
  Future<Boolean> allAnswered() {
    Promise<Boolean> all = Promise.promise();
    context.runOnContext(v -> all.complete(answered == sent));
    return all.future();
  }

  /** The acknowledged ids of each phase, once {@link #allAnswered}. */
  Future<List<List<String>>> acked() {
    Promise<List<List<String>>> copy = Promise.promise();
    context.runOnContext(v -> copy.complete(ackedByPhase.stream().map(l -> (List<String>) new ArrayList<>(l))
        .toList()));
    return copy.future();
  }

  /** Publishes refused, by error code ({@code unavailable}, {@code rate_limited}...). */
  Future<java.util.Map<String, Long>> refused() {
    Promise<java.util.Map<String, Long>> count = Promise.promise();
    context.runOnContext(v -> count.complete(new java.util.TreeMap<>(refused)));
    return count.future();
  }

  private void send() {
    sent++;
    socket.writeTextMessage("{\"type\":\"publish\",\"room\":\"" + room + "\",\"event\":\"o\",\"echo\":false,\"id\":\""
        + name + "-" + sent + "\",\"ref\":" + sent + ",\"data\":{\"p\":\"" + padding + "\"}}");
  }

  private void fill() {
    while (sent - answered < window) {
      send();
    }
  }

  private void onFrame(String frame) {
    JsonNode reply;
    try {
      reply = JSON.readTree(frame);
    } catch (java.io.IOException e) {
      return;
    }
    String type = reply.path("type").asText();
    if (!joined.future().isComplete()) {
      if ("ack".equals(type)) {
        joined.complete(this);
      }
      return;
    }
    if ("ack".equals(type) && reply.has("id")) {
      answered++;
      ackedByPhase.get(ackedByPhase.size() - 1).add(reply.get("id").asText());
    } else if ("error".equals(type)) {
      answered++;
      refused.merge(reply.path("code").asText(), 1L, Long::sum);
    }
    fill();
  }

  void close() {
    socket.close();
  }
}

package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections that only hold pattern subscriptions, none of which matches the rooms a scenario measures: they
 * fill a node's routing tables (its subject tries) without adding a single delivery.
 */
final class PatternHolders implements AutoCloseable {
  private final List<ClientWebSocket> sockets;

  private PatternHolders(List<ClientWebSocket> sockets) {
    this.sockets = sockets;
  }

  /**
   * The {@code i}-th of the distinct patterns: near the measured room {@code fan} in the trie (its first token,
   * a star in its place), yet matching nothing of one token.
   */
  static String pattern(int i) {
    return switch (i % 3) {
      case 0 -> "fan.p" + i + ".*";
      case 1 -> "*.q" + i;
      default -> "p" + i + ".>";
    };
  }

  /**
   * Opens connections to the hub at {@code port}, each joining {@code perConnection} patterns (the hub must allow
   * that many rooms per session and joins per second), and returns once every join is acknowledged.
   */
  static PatternHolders open(WebSocketClient client, int port, int patterns, int perConnection) throws Exception {
    List<ClientWebSocket> sockets = new ArrayList<>();
    List<Future<Void>> joined = new ArrayList<>();
    for (int from = 0; from < patterns; from += perConnection) {
      int to = Math.min(patterns, from + perConnection);
      ClientWebSocket socket = client.webSocket();
      Promise<Void> acked = Promise.promise();
      AtomicInteger acks = new AtomicInteger();
      int expected = to - from;
      socket.textMessageHandler(frame -> {
        if (frame.startsWith("{\"type\":\"ack\"") && acks.incrementAndGet() == expected) {
          acked.tryComplete();
        } else if (frame.startsWith("{\"type\":\"error\"")) {
          acked.tryFail("a pattern join was refused: " + frame);
        }
      });
      int first = from;
      joined.add(socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
          .compose(v -> {
            for (int i = first; i < to; i++) {
              socket.writeTextMessage(Dialect.joinFrame(pattern(i)));
            }
            return acked.future();
          }));
      sockets.add(socket);
    }
    for (Future<Void> done : joined) {
      done.await(120, TimeUnit.SECONDS);
    }
    return new PatternHolders(sockets);
  }

  @Override
  public void close() {
    sockets.forEach(ClientWebSocket::close);
  }
}

package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * How the generator talks to a server under test, each in its own protocol over WebSocket: the hub's (join,
 * then publish), the bare broadcast server's (the room in the upgrade's query, any text frame broadcast as is),
 * nats-server's (SUB and PUB on a subject named after the room) and Socket.IO's (Engine.IO 4 packets, a
 * {@code join} event with an acknowledgement, a {@code publish} event the peer's server emits to the room). The
 * publisher's data, with its stamp, is the same for all; each server wraps it in its own envelope.
 */
abstract class Dialect {

  /** What a connection hears once it is in its room. */
  interface Listener {
    /** One event's publish stamp ({@code System.nanoTime()} at the publisher). */
    void stamp(long nanos);

    /** A frame that carried {@code events} events (several for a batch or a frame of several messages). */
    void frame(int events);
  }

  /** The hub without auth; see {@link #hub(Supplier)}. */
  static final Dialect HUB = hub(() -> "");
  static final Dialect BARE = new Bare();
  static final Dialect NATS = new Nats();
  static final Dialect SOCKET_IO = new SocketIo();

  /** The hub; each connection's upgrade query from {@code query}, e.g. {@code token=...}, or empty. */
  static Dialect hub(Supplier<String> query) {
    return new Hub(query);
  }

  /** The frame of the hub that joins {@code room}. */
  static String joinFrame(String room) {
    return "{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":1}";
  }

  /**
   * Opens {@code socket} into {@code room} on the server at {@code port}, with {@code listener} hearing every
   * event from then on; completes once the connection is in the room (for the hub, its join acknowledged).
   */
  abstract Future<Void> enter(ClientWebSocket socket, int port, String room, Listener listener);

  /** Sends {@code data} (JSON) to be delivered to everyone in {@code room} as event {@code event}. */
  abstract void publish(ClientWebSocket socket, String room, String event, String data);

  private static Future<Void> open(ClientWebSocket socket, int port, String uri) {
    return socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)).mapEmpty();
  }

  private static final class Hub extends Dialect {
    private static final String ACK = "{\"type\":\"ack\"";
    private final Supplier<String> query;

    Hub(Supplier<String> query) {
      this.query = query;
    }

    @Override
    Future<Void> enter(ClientWebSocket socket, int port, String room, Listener listener) {
      Promise<Void> joined = Promise.promise();
      socket.textMessageHandler(text -> {
        if (!joined.future().isComplete() && text.startsWith(ACK)) {
          joined.complete();
          return;
        }
        Stamps.scanned(text, listener);
      });
      String q = query.get();
      return open(socket, port, "/ws" + (q.isEmpty() ? "" : "?" + q))
          .compose(v -> socket.writeTextMessage(joinFrame(room)))
          .compose(v -> joined.future());
    }

    @Override
    void publish(ClientWebSocket socket, String room, String event, String data) {
      socket.writeTextMessage("{\"type\":\"publish\",\"room\":\"" + room + "\",\"event\":\"" + event
          + "\",\"data\":" + data + "}");
    }
  }

  private static final class Bare extends Dialect {
    @Override
    Future<Void> enter(ClientWebSocket socket, int port, String room, Listener listener) {
      socket.textMessageHandler(text -> Stamps.scanned(text, listener));
      return open(socket, port, "/ws?room=" + room);
    }

    /** The hub's event frame, so that the bare server writes what the hub writes. */
    @Override
    void publish(ClientWebSocket socket, String room, String event, String data) {
      socket.writeTextMessage("{\"type\":\"event\",\"room\":\"" + room + "\",\"event\":\"" + event
          + "\",\"data\":" + data + "}");
    }
  }

  /**
   * nats-server's WebSocket listener: the NATS client protocol in binary frames. The room is the subject; the
   * connection is in it once the server's {@code PONG} answers the {@code PING} sent after {@code SUB}.
   */
  private static final class Nats extends Dialect {
    private static final Buffer CONNECT_AND_SUBSCRIBE_HEAD = Buffer.buffer(
        "CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1,\"echo\":true}\r\nSUB ");

    @Override
    Future<Void> enter(ClientWebSocket socket, int port, String room, Listener listener) {
      Promise<Void> subscribed = Promise.promise();
      NatsReader reader = new NatsReader(listener, () -> socket.writeBinaryMessage(Buffer.buffer("PONG\r\n")),
          subscribed::tryComplete, error -> subscribed.tryFail("nats-server: " + error));
      socket.binaryMessageHandler(reader::feed);
      socket.textMessageHandler(text -> reader.feed(Buffer.buffer(text)));
      return open(socket, port, "/")
          .compose(v -> socket.writeBinaryMessage(CONNECT_AND_SUBSCRIBE_HEAD.copy()
              .appendString(room + " 1\r\nPING\r\n")))
          .compose(v -> subscribed.future());
    }

    @Override
    void publish(ClientWebSocket socket, String room, String event, String data) {
      byte[] payload = data.getBytes(StandardCharsets.UTF_8);
      socket.writeBinaryMessage(Buffer.buffer(payload.length + room.length() + 20)
          .appendString("PUB " + room + " " + payload.length + "\r\n").appendBytes(payload).appendString("\r\n"));
    }
  }

  /**
   * Socket.IO 4 over its WebSocket transport alone, as its own client does after the upgrade: Engine.IO packets
   * ({@code 0} open, {@code 2}/{@code 3} ping and pong, {@code 4} message) carrying Socket.IO packets
   * ({@code 0} connect, {@code 2} event, {@code 3} ack).
   */
  private static final class SocketIo extends Dialect {
    @Override
    Future<Void> enter(ClientWebSocket socket, int port, String room, Listener listener) {
      Promise<Void> joined = Promise.promise();
      socket.textMessageHandler(text -> {
        if (text.startsWith("42")) {
          Stamps.scanned(text, listener);
        } else if (text.equals("2")) {
          socket.writeTextMessage("3");
        } else if (text.startsWith("0{")) {
          socket.writeTextMessage("40");
        } else if (text.startsWith("40")) {
          socket.writeTextMessage("421[\"join\",\"" + room + "\"]");
        } else if (text.startsWith("431")) {
          joined.tryComplete();
        } else if (text.startsWith("44")) {
          joined.tryFail("socket.io refused the connection: " + text);
        }
      });
      return open(socket, port, "/socket.io/?EIO=4&transport=websocket").compose(v -> joined.future());
    }

    @Override
    void publish(ClientWebSocket socket, String room, String event, String data) {
      socket.writeTextMessage("42[\"publish\",\"" + room + "\",\"" + event + "\"," + data + "]");
    }
  }
}

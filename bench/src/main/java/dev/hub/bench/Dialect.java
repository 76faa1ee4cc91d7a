package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * How the generator talks to a server under test: the hub's protocol (join, then publish), or the bare
 * broadcast server's, where the room is named in the upgrade's query and any text frame is broadcast as is.
 * Both carry the same event frame, so both servers write the same bytes to their subscribers.
 */
enum Dialect {
  HUB, BARE;

  /** The hub for servers named {@code hub...}, else the bare broadcast server. */
  static Dialect of(PinnedServer server) {
    return server.name().startsWith("hub") ? HUB : BARE;
  }

  /** Where a connection to {@code room} opens its WebSocket. */
  String uri(String room) {
    return this == HUB ? "/ws" : "/ws?room=" + room;
  }

  /** Whether a connection must join its room (and wait for the ack) before it is in it. */
  boolean joins() {
    return this == HUB;
  }

  /** The hub's frame that joins {@code room}. */
  static String joinFrame(String room) {
    return "{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":1}";
  }

  /**
   * Opens {@code socket} into {@code room} on the server at {@code port}: the upgrade, then, for the hub, the
   * join, whose ack the caller's frame handler waits for.
   */
  Future<Void> enter(ClientWebSocket socket, int port, String room) {
    Future<Void> open = socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI(uri(room))).mapEmpty();
    return joins() ? open.compose(v -> socket.writeTextMessage(joinFrame(room))) : open;
  }

  /** The frame a publisher sends to have {@code data} delivered to {@code room} as event {@code event}. */
  String publish(String room, String event, String data) {
    return "{\"type\":\"" + (this == HUB ? "publish" : "event") + "\",\"room\":\"" + room + "\",\"event\":\""
        + event + "\",\"data\":" + data + "}";
  }
}

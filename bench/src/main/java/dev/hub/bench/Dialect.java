package dev.hub.bench;

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

  /** The frame a publisher sends to have {@code data} delivered to {@code room} as event {@code event}. */
  String publish(String room, String event, String data) {
    return "{\"type\":\"" + (this == HUB ? "publish" : "event") + "\",\"room\":\"" + room + "\",\"event\":\""
        + event + "\",\"data\":" + data + "}";
  }
}

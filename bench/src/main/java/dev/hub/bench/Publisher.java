package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One publishing connection, itself a member of the room it publishes to, so it gets its own copy of each
 * event (its echo). Events carry the publish time as {@code "t"} and {@code payload} bytes of padding. In a
 * window it keeps a number of events in flight, sending the next when an echo arrives: paced by the server.
 */
final class Publisher implements Dialect.Listener {
  private final ClientWebSocket socket;
  private final Dialect dialect;
  private final String room;
  private final String event;
  private final int audience;
  private final String padding;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong echoed = new AtomicLong();
  /** Events to keep in flight, 0 outside a window; set from the generator's thread, read on the event loop. */
  private volatile int window;

  private Publisher(ClientWebSocket socket, Dialect dialect, String room, String event, int audience,
      int payload) {
    this.socket = socket;
    this.dialect = dialect;
    this.room = room;
    this.event = event;
    this.audience = audience;
    this.padding = "x".repeat(payload);
  }

  /**
   * Connects a publisher of event {@code event} to {@code room}, whose {@code audience} other connections are the
   * subscribers measured; completes once it is in the room.
   */
  static Future<Publisher> connect(WebSocketClient client, int port, Dialect dialect, String room, String event,
      int audience, int payload) {
    ClientWebSocket socket = client.webSocket();
    Publisher publisher = new Publisher(socket, dialect, room, event, audience, payload);
    return dialect.enter(socket, port, room, publisher).map(publisher);
  }

  @Override
  public void stamp(long nanos) {
  }

  /** Its own copies of events: each lets one more go out in a window. */
  @Override
  public void frame(int events) {
    echoed(events);
  }

  /** Events sent so far. */
  long sent() {
    return sent.get();
  }

  /** Deliveries to the measured subscribers that the events sent so far owe. */
  long owed() {
    return sent.get() * audience;
  }

  /** Sends one event now; call on the generator's event loop. */
  void send() {
    sent.incrementAndGet();
    dialect.publish(socket, room, event, "{\"t\":" + System.nanoTime() + ",\"p\":\"" + padding + "\"}");
  }

  /** Starts keeping {@code size} events in flight; call on the generator's event loop. */
  void openWindow(int size) {
    window = size;
    fillWindow();
  }

  /** Sends nothing more on echoes; what is in flight still arrives. */
  void closeWindow() {
    window = 0;
  }

  private void echoed(int echoes) {
    echoed.addAndGet(echoes);
    fillWindow();
  }

  private void fillWindow() {
    while (sent.get() - echoed.get() < window) {
      send();
    }
  }

  void close() {
    socket.close();
  }
}

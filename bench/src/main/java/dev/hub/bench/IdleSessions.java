package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Many WebSocket sessions that connect, join one room each where a room is given, and then stay idle until
 * closed: the load of the capacity and presence scenarios. Connections go round-robin over the loopback source
 * addresses 127.0.0.2, 127.0.0.3, ..., because the hub counts connections per address and one address has only
 * the ephemeral port range to connect from. At most {@code window} handshakes are in flight, so the server's
 * connect path is measured rather than its accept backlog overflowing, and connecting stops at a deadline.
 */
final class IdleSessions implements AutoCloseable {
  /** How long handshakes still in flight at the deadline may take to finish. */
  private static final long IN_FLIGHT_GRACE_MS = 10_000;
  /** 127.0.0.2 to 127.0.0.254. */
  private static final int MAX_SOURCE_ADDRESSES = 253;

  /**
   * How connecting went.
   *
   * @param started sessions begun before the deadline
   * @param connected sessions that completed the handshake, and the join where there was one
   * @param seconds from the first connect to the last one that finished
   * @param failures each failure reason with how often it occurred
   */
  record Outcome(int requested, int started, int connected, int failed, double seconds,
      Map<String, Integer> failures) {

    /** Handshakes or joins still pending when connecting was given up. */
    int unfinished() {
      return started - connected - failed;
    }

    double connectsPerSecond() {
      return connected / Math.max(seconds, 1e-9);
    }
  }

  private final int count;
  private final Vertx vertx;
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();

  /** A generator for {@code count} sessions over {@code sources} source addresses, more if its ports need. */
  IdleSessions(int count, int sources) {
    int addresses = Math.max(sources, (count + SocketLimits.ephemeralPorts() - 1) / SocketLimits.ephemeralPorts());
    if (addresses > MAX_SOURCE_ADDRESSES) {
      throw new IllegalArgumentException(count + " connections need " + addresses + " loopback source addresses");
    }
    this.count = count;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    for (int i = 0; i < addresses; i++) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(count)
          .setLocalAddress("127.0.0." + (2 + i))));
    }
  }

  int sourceAddresses() {
    return clients.size();
  }

  /**
   * Opens the sessions, once, to {@code port} on 127.0.0.1. Session {@code i} joins {@code roomOf.apply(i)}, or
   * no room when that is null (the bare server knows no rooms). Returns when every session has connected or
   * failed, or once {@code deadlineMs} and then the grace for handshakes in flight have passed.
   */
  Outcome open(int port, IntFunction<String> roomOf, int window, long deadlineMs)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(window);
    AtomicInteger connected = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    AtomicLong lastFinished = new AtomicLong(start);
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
    int started = 0;
    while (started < count && System.nanoTime() < deadline
        && inFlight.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
      int i = started++;
      openOne(clients.get(i % clients.size()), port, roomOf.apply(i)).onComplete(result -> {
        if (result.succeeded()) {
          connected.incrementAndGet();
        } else {
          failed.incrementAndGet();
          failures.computeIfAbsent(reason(result.cause()), r -> new LongAdder()).increment();
        }
        lastFinished.accumulateAndGet(System.nanoTime(), Math::max);
        inFlight.release();
      });
    }
    inFlight.tryAcquire(window, IN_FLIGHT_GRACE_MS, TimeUnit.MILLISECONDS);
    Map<String, Integer> counted = new TreeMap<>();
    failures.forEach((reason, times) -> counted.put(reason, times.intValue()));
    return new Outcome(count, started, connected.get(), failed.get(), (lastFinished.get() - start) / 1e9, counted);
  }

  /** Sessions open now: connected (and joined) and not closed by the server since. */
  int held() {
    return held.get();
  }

  /** Sessions the server closed after they had connected (and joined). */
  int dropped() {
    return dropped.get();
  }

  private Future<Void> openOne(WebSocketClient client, int port, String room) {
    ClientWebSocket socket = client.webSocket();
    Promise<Void> ready = Promise.promise();
    socket.textMessageHandler(text -> {
      if (text.startsWith("{\"type\":\"ack\"")) {
        ready.tryComplete();
      } else if (text.startsWith("{\"type\":\"error\"")) {
        ready.tryFail(text);
      }
    });
    socket.closeHandler(v -> {
      if (!ready.tryFail("closed by the server before the join was acknowledged")) {
        held.decrementAndGet();
        dropped.incrementAndGet();
      }
    });
    socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
        .onFailure(ready::tryFail)
        .onSuccess(v -> {
          if (room == null) {
            ready.tryComplete();
          } else {
            socket.writeTextMessage("{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":1}");
          }
        });
    return ready.future().onSuccess(v -> held.incrementAndGet());
  }

  private static String reason(Throwable failure) {
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return message.length() > 100 ? message.substring(0, 100) : message;
  }

  /** Closes every session and the generator's Vert.x, waiting a minute at most; the server's stop ends the rest. */
  @Override
  public void close() {
    try {
      vertx.close().await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      System.err.println("the generator's sessions did not all close within 60 s");
    }
  }
}

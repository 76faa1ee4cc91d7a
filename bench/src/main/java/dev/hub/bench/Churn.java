package dev.hub.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A steady churn of sessions over the nodes of a cluster: {@code sessions} walkers live at once, each a fresh
 * WebSocket session (a fresh user) that joins a pattern over its own rooms, then walks through
 * {@code roomsPerSession} fresh rooms in turn (join with presence, set its presence state, publish a few events
 * with client ids, leave; the last room is not left but abandoned by closing the socket), leaves its pattern and
 * closes, and is replaced by the next walker. Every {@code sseEvery}-th walker also holds an SSE stream of its
 * pattern on the other node for its life. Room names are never reused, so every room's history is written once
 * and then only waits to expire. Rooms are begun at {@code roomsPerMinute} in all, from one timer, so the load
 * is the same whatever the server's speed; a walker that gets an error or no reply in time is closed and counted,
 * and replaced.
 */
final class Churn implements AutoCloseable {
  /** A request without its reply after this is a failure of its walker. */
  private static final long REPLY_BOUND_MS = 30_000;
  private static final long TICK_MS = 10;

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final Context context = vertx.getOrCreateContext();
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final HttpClient sseClient;
  private final List<Integer> ports;
  private final String prefix;
  private final int sessions;
  private final int roomsPerSession;
  private final int eventsPerRoom;
  private final int sseEvery;
  private final double roomsPerTick;
  private final String padding;
  /** Walkers waiting for the timer's permission to begin their next room; touched on the event loop only. */
  private final ArrayDeque<Walker> waiting = new ArrayDeque<>();
  private double credit;
  private long timer = -1;
  private final AtomicInteger nextWalker = new AtomicInteger();
  private final AtomicInteger[] liveOnNode;
  private final AtomicInteger liveSse = new AtomicInteger();
  private final AtomicLong roomsBegun = new AtomicLong();
  private final AtomicLong roomsWalked = new AtomicLong();
  private final AtomicLong eventsPublished = new AtomicLong();
  private final AtomicLong framesReceived = new AtomicLong();
  private final AtomicLong sessionsFinished = new AtomicLong();
  private final AtomicLong sseStreams = new AtomicLong();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  /**
   * @param ports the nodes' HTTP ports; walker {@code i} talks to node {@code i % ports.size()}
   * @param prefix the first token of every room name, e.g. {@code soak} (history on for {@code soak.*})
   */
  Churn(List<Integer> ports, String prefix, int sessions, int roomsPerMinute, int roomsPerSession,
      int eventsPerRoom, int payload, int sseEvery, int sources) {
    this.ports = List.copyOf(ports);
    this.prefix = prefix;
    this.sessions = sessions;
    this.roomsPerSession = roomsPerSession;
    this.eventsPerRoom = eventsPerRoom;
    this.sseEvery = sseEvery;
    this.roomsPerTick = roomsPerMinute / 60_000.0 * TICK_MS;
    this.padding = "x".repeat(payload);
    this.liveOnNode = new AtomicInteger[ports.size()];
    for (int n = 0; n < ports.size(); n++) {
      liveOnNode[n] = new AtomicInteger();
    }
    // Sessions churn: spread over a few loopback source addresses so that closed connections waiting out
    // TIME_WAIT never use up one address's ephemeral ports.
    for (int s = 0; s < sources; s++) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(4 * sessions + 10)
          .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22).setLocalAddress("127.0.0." + (2 + s))));
    }
    sseClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(sessions + 10));
  }

  /** Starts the walkers and the timer that lets them begin rooms. */
  void start() {
    context.runOnContext(v -> {
      for (int i = 0; i < sessions; i++) {
        startWalker();
      }
      timer = vertx.setPeriodic(TICK_MS, id -> tick());
    });
  }

  /** Live WebSocket sessions of this churn on node {@code node}, as the generator counts them. */
  int liveSessions(int node) {
    return liveOnNode[node].get();
  }

  int liveSse() {
    return liveSse.get();
  }

  long roomsBegun() {
    return roomsBegun.get();
  }

  /** Rooms walked through to the end: joined, state set, events published and acknowledged, left or abandoned. */
  long roomsWalked() {
    return roomsWalked.get();
  }

  long eventsPublished() {
    return eventsPublished.get();
  }

  long framesReceived() {
    return framesReceived.get();
  }

  long sessionsFinished() {
    return sessionsFinished.get();
  }

  long sseStreams() {
    return sseStreams.get();
  }

  /** Each failure reason with how often it occurred so far. */
  Map<String, Long> failures() {
    Map<String, Long> counted = new TreeMap<>();
    failures.forEach((reason, times) -> counted.put(reason, times.longValue()));
    return counted;
  }

  long failureCount() {
    return failures.values().stream().mapToLong(LongAdder::longValue).sum();
  }

  private void tick() {
    credit = Math.min(credit + roomsPerTick, Math.max(1, roomsPerTick * 10));
    while (credit >= 1 && !waiting.isEmpty()) {
      credit -= 1;
      waiting.poll().beginRoom();
    }
  }

  private void startWalker() {
    if (!stopping) {
      new Walker(nextWalker.getAndIncrement()).connect();
    }
  }

  private void fail(String reason) {
    failures.computeIfAbsent(reason.length() > 100 ? reason.substring(0, 100) : reason, r -> new LongAdder())
        .increment();
  }

  /** One session's walk, on the generator's event loop. */
  private final class Walker {
    private final int id;
    private final int node;
    private final String user;
    private final String pattern;
    private final Map<Long, Promise<JsonObject>> pending = new HashMap<>();
    private ClientWebSocket socket;
    private HttpClientRequest sse;
    private long nextRef;
    private int room;
    /** Connected and counted in {@link #liveOnNode}. */
    private boolean live;
    private boolean done;

    Walker(int id) {
      this.id = id;
      this.node = id % ports.size();
      this.user = prefix + "-u" + id;
      this.pattern = prefix + ".s" + id + ".*";
    }

    void connect() {
      socket = clients.get(id % clients.size()).webSocket();
      socket.textMessageHandler(this::received);
      socket.closeHandler(v -> {
        if (!done) {
          finish("closed by the server");
        }
      });
      socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(ports.get(node))
              .setURI("/ws?user=" + user))
          .onFailure(e -> finish("connect: " + e.getMessage()))
          .onSuccess(v -> {
            live = true;
            liveOnNode[node].incrementAndGet();
            openSse();
            request(new JsonObject().put("type", "join").put("room", pattern))
                .onSuccess(ack -> waiting.add(this))
                .onFailure(e -> finish(e.getMessage()));
          });
    }

    /** Every {@code sseEvery}-th walker reads its pattern's events over SSE on the other node too. */
    private void openSse() {
      if (sseEvery <= 0 || (id / ports.size()) % sseEvery != 0) {
        return;
      }
      int other = ports.get((node + 1) % ports.size());
      sseClient.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(other)
              .setURI("/sse?user=" + user + "-sse&rooms=" + pattern))
          .compose(request -> {
            if (done) {
              request.reset();
              return Future.failedFuture("walker done");
            }
            sse = request;
            return request.send();
          })
          .onSuccess(response -> {
            if (response.statusCode() != 200) {
              fail("sse: HTTP " + response.statusCode());
              return;
            }
            sseStreams.incrementAndGet();
            liveSse.incrementAndGet();
            response.handler(chunk -> framesReceived.incrementAndGet());
            response.endHandler(v -> liveSse.decrementAndGet());
            response.exceptionHandler(e -> { });
          })
          .onFailure(e -> {
            if (!done) {
              fail("sse: " + e.getMessage());
            }
          });
    }

    /** Joins the next fresh room with presence, sets a state, publishes, then leaves (or abandons the last). */
    void beginRoom() {
      if (done) {
        return;
      }
      roomsBegun.incrementAndGet();
      String name = prefix + ".s" + id + ".r" + room;
      boolean last = room == roomsPerSession - 1;
      Future<JsonObject> walk = request(new JsonObject().put("type", "join").put("room", name).put("presence", true))
          .compose(ack -> request(new JsonObject().put("type", "state").put("room", name)
              .put("state", new JsonObject().put("typing", true).put("room", room))));
      for (int e = 0; e < eventsPerRoom; e++) {
        String eventId = "s" + id + "r" + room + "e" + e;
        walk = walk.compose(ack -> {
          eventsPublished.incrementAndGet();
          return request(new JsonObject().put("type", "publish").put("room", name).put("event", "soak")
              .put("id", eventId).put("data", new JsonObject().put("p", padding)));
        });
      }
      if (!last) {
        walk = walk.compose(ack -> request(new JsonObject().put("type", "leave").put("room", name)));
      }
      walk.onSuccess(ack -> {
        roomsWalked.incrementAndGet();
        room++;
        if (last) {
          // The last room is abandoned: the close has to take the session out of it.
          request(new JsonObject().put("type", "leave").put("room", pattern))
              .onSuccess(a -> {
                sessionsFinished.incrementAndGet();
                finish(null);
              })
              .onFailure(e -> finish(e.getMessage()));
        } else {
          waiting.add(this);
        }
      }).onFailure(e -> finish(e.getMessage()));
    }

    private Future<JsonObject> request(JsonObject frame) {
      long ref = ++nextRef;
      Promise<JsonObject> reply = Promise.promise();
      pending.put(ref, reply);
      long deadline = vertx.setTimer(REPLY_BOUND_MS, t -> {
        if (pending.remove(ref) != null) {
          reply.tryFail("no reply to " + frame.getString("type") + " within " + REPLY_BOUND_MS + " ms");
        }
      });
      socket.writeTextMessage(frame.put("ref", ref).encode());
      return reply.future().onComplete(r -> vertx.cancelTimer(deadline));
    }

    private void received(String text) {
      framesReceived.incrementAndGet();
      if (!text.startsWith("{\"type\":\"ack\"") && !text.startsWith("{\"type\":\"error\"")
          && !text.startsWith("{\"type\":\"presence\"")) {
        return;
      }
      JsonObject frame = new JsonObject(text);
      Object ref = frame.getValue("ref");
      if (!(ref instanceof Number number)) {
        return;
      }
      Promise<JsonObject> reply = pending.remove(number.longValue());
      if (reply == null) {
        return;
      }
      if ("error".equals(frame.getString("type"))) {
        reply.fail("error " + frame.getString("code"));
      } else {
        reply.complete(frame);
      }
    }

    /** Closes the session (and its SSE stream), counts {@code failure} if any, and starts the next walker. */
    private void finish(String failure) {
      if (done) {
        return;
      }
      done = true;
      if (failure != null) {
        fail(failure);
      }
      pending.values().forEach(p -> p.tryFail("walker finished"));
      pending.clear();
      if (live) {
        liveOnNode[node].decrementAndGet();
      }
      if (socket != null && !socket.isClosed()) {
        socket.close();
      }
      if (sse != null) {
        sse.reset();
      }
      startWalker();
    }
  }

  /** Stops beginning rooms and walkers, closes every session and the generator's Vert.x. */
  @Override
  public void close() {
    stopping = true;
    try {
      context.runOnContext(v -> {
        if (timer >= 0) {
          vertx.cancelTimer(timer);
        }
      });
      vertx.close().await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      System.err.println("the churn's sessions did not all close within 60 s");
    }
  }
}

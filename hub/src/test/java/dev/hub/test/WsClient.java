package dev.hub.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A real WebSocket client of the hub, on a {@link WebSocketClient} of the test's Vert.x ({@link #clientOn}).
 * Frames are kept in arrival order and taken by the test: {@link #await} blocks a bounded time for the first that
 * matches and leaves the others; {@link #next} and {@link #nextEvents} give the same as futures, for a
 * {@code VertxTestContext} to check; {@link #closed} is the close code to come.
 */
public final class WsClient implements AutoCloseable {
  public static final long WAIT_MS = 30_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What a test takes of a frame: the part it takes, and the part that stays waiting for others ({@code null} for
   * none). A whole frame, or for a room's events only that room's items of a {@code batch}, which the server may
   * coalesce across rooms (PROTOCOL.md section 4).
   */
  private record Take(JsonNode taken, JsonNode left) {
  }

  /** Frames wanted by a {@link #next} that had not arrived yet, served in the order they were asked for. */
  private record Waiter(Function<JsonNode, Take> taker, Promise<JsonNode> frame) {
  }

  private final ClientWebSocket socket;
  private final List<JsonNode> frames = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Integer> closed = Promise.promise();
  private final AtomicInteger nextRef = new AtomicInteger();

  private WsClient(ClientWebSocket socket) {
    this.socket = socket;
  }

  /**
   * A WebSocket client on {@code vertx} for as many connections as a test holds (Vert.x would queue connects past
   * 50 per server) and frames of any size the hub may send; it goes when that Vert.x is closed.
   */
  public static WebSocketClient clientOn(Vertx vertx) {
    return vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(100_000)
        .setMaxFrameSize(64 * 1024 * 1024)
        .setMaxMessageSize(64 * 1024 * 1024));
  }

  /** The options of an upgrade of {@code /ws?QUERY} on a loopback port. */
  public static WebSocketConnectOptions options(int port, String query) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/ws" + (query.isEmpty() ? "" : "?" + query));
  }

  /**
   * Connects through {@code client} with extra request headers, e.g. {@code Authorization} or {@code Origin},
   * and returns once the upgrade succeeded; the welcome frame is the first frame waiting.
   */
  public static WsClient connect(WebSocketClient client, int port, String query, Map<String, String> headers) {
    ClientWebSocket socket = client.webSocket();
    WsClient ws = new WsClient(socket);
    socket.textMessageHandler(ws::received);
    socket.closeHandler(v -> ws.closed.tryComplete(socket.closeStatusCode() == null ? 1006
        : (int) socket.closeStatusCode()));
    WebSocketConnectOptions options = options(port, query);
    headers.forEach(options::addHeader);
    try {
      socket.connect(options).await(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("WebSocket connect to " + options.getURI() + " failed: " + e, e);
    }
    return ws;
  }

  /** The upgrade's failure for a connection the hub must refuse, e.g. its HTTP status. */
  public static Throwable refusal(WebSocketClient client, int port, String query) {
    try {
      client.connect(options(port, query)).await(WAIT_MS, TimeUnit.MILLISECONDS).close();
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("the upgrade was accepted");
  }

  /**
   * Connects through a client on a Vert.x shared by the whole JVM, for the process-level tests; the in-JVM tests
   * connect through {@link TestHub#connect}, on the test's Vert.x.
   */
  public static WsClient connect(int port, String query) {
    return connect(SharedClient.CLIENT, port, query, Map.of());
  }

  /** Created on first use only, so that an in-JVM test never starts this Vert.x. */
  private static final class SharedClient {
    static final WebSocketClient CLIENT = clientOn(Vertx.vertx());
  }

  private void received(String text) {
    JsonNode frame;
    try {
      frame = JSON.readTree(text);
    } catch (Exception e) {
      frame = JSON.createObjectNode().put("type", "unparseable").put("text", text);
    }
    List<Runnable> served = new ArrayList<>();
    synchronized (frames) {
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext() && frame != null; ) {
        Waiter waiter = it.next();
        Take take = waiter.taker().apply(frame);
        if (take != null) {
          it.remove();
          served.add(() -> waiter.frame().complete(take.taken()));
          frame = take.left();
        }
      }
      if (frame != null) {
        frames.add(frame);
        frames.notifyAll();
      }
    }
    served.forEach(Runnable::run);
  }

  private static Function<JsonNode, Take> whole(Predicate<JsonNode> match) {
    return frame -> match.test(frame) ? new Take(frame, null) : null;
  }

  /** Takes the first waiting frame, or part of one, that {@code taker} takes; null when there is none. */
  private JsonNode takeWaiting(Function<JsonNode, Take> taker) {
    for (int i = 0; i < frames.size(); i++) {
      Take take = taker.apply(frames.get(i));
      if (take != null) {
        if (take.left() == null) {
          frames.remove(i);
        } else {
          frames.set(i, take.left());
        }
        return take.taken();
      }
    }
    return null;
  }

  /**
   * The first frame that matches, taken out, as a future: at once when one is waiting, else when it arrives. It
   * never fails by itself; the {@code VertxTestContext} that waits on it bounds the wait.
   */
  public Future<JsonNode> next(Predicate<JsonNode> match) {
    return nextTaken(whole(match));
  }

  private Future<JsonNode> nextTaken(Function<JsonNode, Take> taker) {
    synchronized (frames) {
      JsonNode waiting = takeWaiting(taker);
      if (waiting != null) {
        return Future.succeededFuture(waiting);
      }
      Promise<JsonNode> frame = Promise.promise();
      waiters.add(new Waiter(taker, frame));
      return frame.future();
    }
  }

  /** {@link #next(Predicate)} for the first frame of a type. */
  public Future<JsonNode> next(String type) {
    return next(f -> type.equals(f.path("type").asText()));
  }

  /** The next {@code count} events of a room, in order, batches unwrapped, as a future: {@link #events} unblocked. */
  public Future<List<JsonNode>> nextEvents(String room, int count) {
    return nextEvents(roomEvents(room), count, new ArrayList<>());
  }

  /**
   * The events of the {@code event} and {@code batch} frames that match, in order, batches unwrapped, until
   * {@code count} have come, as a future: {@link #events(Predicate, int)} unblocked, for a session that hears
   * several rooms (a pattern).
   */
  public Future<List<JsonNode>> nextEvents(Predicate<JsonNode> frames, int count) {
    return nextEvents(whole(frames), count, new ArrayList<>());
  }

  private Future<List<JsonNode>> nextEvents(Function<JsonNode, Take> match, int count, List<JsonNode> events) {
    if (events.size() >= count) {
      return Future.succeededFuture(events);
    }
    return nextTaken(match).compose(frame -> {
      if ("batch".equals(frame.path("type").asText())) {
        frame.path("events").forEach(events::add);
      } else {
        events.add(frame);
      }
      return nextEvents(match, count, events);
    });
  }

  /** The close code the server's close will bring, 1006 when the connection ends without one. */
  public Future<Integer> closed() {
    return closed.future();
  }

  public void sendText(String text) {
    socket.writeTextMessage(text);
  }

  public void sendBinary(byte[] data) {
    socket.writeBinaryMessage(Buffer.buffer(data));
  }

  /** Sends a frame given as alternating field names and values; strings, numbers, booleans and JSON nodes. */
  public void send(Object... fields) {
    sendText(Frames.object(fields).toString());
  }

  /** Sends a request with a fresh numeric ref and waits for the reply carrying that ref. */
  public JsonNode request(Object... fields) {
    return await(sendWithRef(fields));
  }

  /** Sends a request with a fresh numeric ref; the future is the reply carrying that ref. */
  public Future<JsonNode> requestAsync(Object... fields) {
    return next(sendWithRef(fields));
  }

  /** Sends the frame with a fresh ref and returns what matches its reply. */
  private Predicate<JsonNode> sendWithRef(Object... fields) {
    int ref = nextRef.incrementAndGet();
    Object[] withRef = new Object[fields.length + 2];
    System.arraycopy(fields, 0, withRef, 0, fields.length);
    withRef[fields.length] = "ref";
    withRef[fields.length + 1] = ref;
    send(withRef);
    return f -> f.has("ref") && f.get("ref").asInt() == ref && !"event".equals(f.path("type").asText());
  }

  /** Joins a room and checks the ack. */
  public JsonNode join(String room) {
    JsonNode ack = request("type", "join", "room", room);
    assertEquals("ack", ack.path("type").asText(), () -> "join of " + room + " answered " + ack);
    return ack;
  }

  /** The first waiting frame of the given type. */
  public JsonNode await(String type) {
    return await(f -> type.equals(f.path("type").asText()));
  }

  /** The first waiting frame that matches, taken out; fails after {@link #WAIT_MS}. */
  public JsonNode await(Predicate<JsonNode> match) {
    return awaitTaken(whole(match));
  }

  private JsonNode awaitTaken(Function<JsonNode, Take> taker) {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    synchronized (frames) {
      while (true) {
        JsonNode frame = takeWaiting(taker);
        if (frame != null) {
          return frame;
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return fail("no matching frame within " + WAIT_MS + " ms; waiting frames: " + frames);
        }
        try {
          frames.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return fail("interrupted");
        }
      }
    }
  }

  /**
   * Waits until {@code count} matching frames are waiting and takes exactly those, in arrival order; fails after
   * {@link #WAIT_MS}. For a client that sends many requests before it reads their replies.
   */
  public List<JsonNode> await(Predicate<JsonNode> match, int count) {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    synchronized (frames) {
      while (true) {
        if (frames.stream().filter(match).limit(count).count() == count) {
          List<JsonNode> taken = new ArrayList<>(count);
          for (Iterator<JsonNode> it = frames.iterator(); it.hasNext() && taken.size() < count; ) {
            JsonNode frame = it.next();
            if (match.test(frame)) {
              it.remove();
              taken.add(frame);
            }
          }
          return taken;
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return fail("fewer than " + count + " matching frames within " + WAIT_MS + " ms; waiting frames: "
              + frames.stream().filter(match).count() + " matching of " + frames.size());
        }
        try {
          frames.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return fail("interrupted");
        }
      }
    }
  }

  /** Takes every waiting frame that matches, in arrival order, without waiting. */
  public List<JsonNode> takeAll(Predicate<JsonNode> match) {
    List<JsonNode> taken = new ArrayList<>();
    synchronized (frames) {
      for (Iterator<JsonNode> it = frames.iterator(); it.hasNext(); ) {
        JsonNode frame = it.next();
        if (match.test(frame)) {
          it.remove();
          taken.add(frame);
        }
      }
    }
    return taken;
  }

  /**
   * The events of a room, in order, unwrapping {@code batch} frames, until {@code count} have come; the items of
   * other rooms in a batch stay waiting, as a batch of their own.
   */
  public List<JsonNode> events(String room, int count) {
    return takeEvents(roomEvents(room), count);
  }

  /** A room's {@code event} frame whole, or a {@code batch}'s items of that room split from the others. */
  private static Function<JsonNode, Take> roomEvents(String room) {
    return frame -> switch (frame.path("type").asText()) {
      case "event" -> room.equals(frame.path("room").asText()) ? new Take(frame, null) : null;
      case "batch" -> {
        ArrayNode ours = JSON.createArrayNode();
        ArrayNode others = JSON.createArrayNode();
        frame.path("events").forEach(e -> (room.equals(e.path("room").asText()) ? ours : others).add(e));
        if (ours.isEmpty()) {
          yield null;
        }
        yield new Take(batchOf(frame, ours), others.isEmpty() ? null : batchOf(frame, others));
      }
      default -> null;
    };
  }

  private static JsonNode batchOf(JsonNode batch, ArrayNode events) {
    ObjectNode part = ((ObjectNode) batch).deepCopy();
    part.set("events", events);
    return part;
  }

  /**
   * The events of the {@code event} and {@code batch} frames that match, in order, batches unwrapped, until
   * {@code count} have come: for a session that hears several rooms (a pattern).
   */
  public List<JsonNode> events(Predicate<JsonNode> frames, int count) {
    return takeEvents(whole(frames), count);
  }

  private List<JsonNode> takeEvents(Function<JsonNode, Take> taker, int count) {
    List<JsonNode> events = new ArrayList<>();
    while (events.size() < count) {
      JsonNode frame = awaitTaken(taker);
      if ("batch".equals(frame.path("type").asText())) {
        frame.path("events").forEach(events::add);
      } else {
        events.add(frame);
      }
    }
    return events;
  }

  /** A copy of the frames received and not yet taken. */
  public List<JsonNode> waiting() {
    synchronized (frames) {
      return List.copyOf(frames);
    }
  }

  /** Stops reading from the socket, as a stalled client does. */
  public void pause() {
    socket.pause();
  }

  public void resume() {
    socket.resume();
  }

  /** Waits for the server to close the connection and returns the close code. */
  public int awaitClose() {
    try {
      return closed.future().await(WAIT_MS * 3, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail("connection not closed within " + WAIT_MS * 3 + " ms; frames received and not taken: "
          + waiting());
    }
  }

  public boolean isClosed() {
    return closed.future().isComplete();
  }

  @Override
  public void close() {
    if (!isClosed()) {
      socket.close();
      try {
        closed.future().await(WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // Closed from this side: the server's answer is not what the test is about.
      }
    }
  }
}

package dev.hub.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client of the hub. Frames are kept in arrival order; {@link #await} takes the first that
 * matches and leaves the others, waiting at most a bounded time.
 */
public final class WsClient implements AutoCloseable {
  public static final long WAIT_MS = 30_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Vertx VERTX = Vertx.vertx();
  // Vert.x queues connects past 50 open WebSockets per server; tests hold more than that.
  private static final WebSocketClient CLIENT = VERTX.createWebSocketClient(new WebSocketClientOptions()
      .setMaxConnections(100_000)
      .setMaxFrameSize(64 * 1024 * 1024)
      .setMaxMessageSize(64 * 1024 * 1024));

  private final ClientWebSocket socket;
  private final List<JsonNode> frames = new ArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Short closeCode;
  private int nextRef;

  private WsClient(ClientWebSocket socket) {
    this.socket = socket;
  }

  /** Connects and returns once the upgrade succeeded; the welcome frame is the first frame waiting. */
  public static WsClient connect(int port, String query) {
    return connect(port, query, Map.of());
  }

  /** Connects with extra request headers, e.g. {@code Authorization} or {@code Origin}. */
  public static WsClient connect(int port, String query, Map<String, String> headers) {
    ClientWebSocket socket = CLIENT.webSocket();
    WsClient client = new WsClient(socket);
    socket.textMessageHandler(client::received);
    socket.closeHandler(v -> {
      client.closeCode = socket.closeStatusCode();
      client.closed.countDown();
    });
    String uri = "/ws" + (query.isEmpty() ? "" : "?" + query);
    try {
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
      headers.forEach(options::addHeader);
      socket.connect(options).await(WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("WebSocket connect to " + uri + " failed: " + e, e);
    }
    return client;
  }

  /** The upgrade's failure for a connection the hub must refuse, e.g. its HTTP status. */
  public static Throwable refusal(int port, String query) {
    try {
      CLIENT.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws?" + query))
          .await(WAIT_MS, TimeUnit.MILLISECONDS).close();
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("the upgrade was accepted");
  }

  private void received(String text) {
    JsonNode frame;
    try {
      frame = JSON.readTree(text);
    } catch (Exception e) {
      frame = JSON.createObjectNode().put("type", "unparseable").put("text", text);
    }
    synchronized (frames) {
      frames.add(frame);
      frames.notifyAll();
    }
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
    int ref = ++nextRef;
    Object[] withRef = new Object[fields.length + 2];
    System.arraycopy(fields, 0, withRef, 0, fields.length);
    withRef[fields.length] = "ref";
    withRef[fields.length + 1] = ref;
    send(withRef);
    return await(f -> f.has("ref") && f.get("ref").asInt() == ref && !"event".equals(f.path("type").asText()));
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
    long deadline = System.currentTimeMillis() + WAIT_MS;
    synchronized (frames) {
      while (true) {
        for (Iterator<JsonNode> it = frames.iterator(); it.hasNext(); ) {
          JsonNode frame = it.next();
          if (match.test(frame)) {
            it.remove();
            return frame;
          }
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

  /** The events of a room, in order, unwrapping {@code batch} frames, until {@code count} have come. */
  public List<JsonNode> events(String room, int count) {
    return events(f -> ("event".equals(f.path("type").asText()) && room.equals(f.path("room").asText()))
        || ("batch".equals(f.path("type").asText()) && room.equals(f.path("events").path(0).path("room").asText())),
        count);
  }

  /**
   * The events of the {@code event} and {@code batch} frames that match, in order, batches unwrapped, until
   * {@code count} have come: for a session that hears several rooms (a pattern).
   */
  public List<JsonNode> events(Predicate<JsonNode> frames, int count) {
    List<JsonNode> events = new ArrayList<>();
    while (events.size() < count) {
      JsonNode frame = await(frames);
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
      if (!closed.await(WAIT_MS * 3, TimeUnit.MILLISECONDS)) {
        fail("connection not closed within " + WAIT_MS * 3 + " ms; frames received and not taken: " + waiting());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return closeCode == null ? 1006 : closeCode;
  }

  public boolean isClosed() {
    return closed.getCount() == 0;
  }

  @Override
  public void close() {
    if (!isClosed()) {
      socket.close();
      try {
        closed.await(WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * One WebSocket session of the network split in one history room, on one node: it records into the
 * {@link SplitLedger} its join, every event with its seq and id, every {@code reset}, and, after the heal, its
 * rejoin with {@code since} {seq, epoch} of what it last had. A publisher session also publishes at a fixed
 * interval, each event with an id of its own ({@code p1-00001}...) and {@code echo:false}, and records each
 * answer: acknowledged or refused. Everything of a session runs on the scenario's one event loop.
 */
final class SplitSession {
  private static final int JOIN_REF = 0;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final SplitLedger ledger;
  private final String name;
  private final String host;
  private final int port;
  private final String room;
  /** Whether this session's node is on the minority side of the split (node 3). */
  private final boolean minority;
  private final Map<Long, String> idsByRef = new HashMap<>();

  private ClientWebSocket current;
  private Promise<Boolean> joinAnswered;
  /** The last seq this session holds (its join's, its last event's or its last reset's), for its {@code since}. */
  private long lastSeq;
  private boolean rejoining;
  private long published;
  private long timer = -1;

  SplitSession(Vertx vertx, WebSocketClient client, SplitLedger ledger, String name, String host, int port,
      String room, boolean minority) {
    this.vertx = vertx;
    this.client = client;
    this.ledger = ledger;
    this.name = name;
    this.host = host;
    this.port = port;
    this.room = room;
    this.minority = minority;
  }

  String name() {
    return name;
  }

  /** Connects and joins; completes once the join is acknowledged. */
  Future<Boolean> join() {
    Promise<Boolean> joined = Promise.promise();
    vertx.runOnContext(v -> connectAndJoin(null).onComplete(joined));
    return joined.future();
  }

  /**
   * Closes the connection and opens another to the same node, joining with {@code since} of what this session
   * last had; completes with the ack's {@code recovered}.
   */
  Future<Boolean> rejoin() {
    Promise<Boolean> rejoined = Promise.promise();
    vertx.runOnContext(v -> {
      ClientWebSocket old = current;
      current = null;
      closeQuietly(old).compose(x -> {
        rejoining = true;
        return connectAndJoin(new JsonObject().put("seq", lastSeq).put("epoch", ledger.epochOf(name)));
      }).onComplete(rejoined);
    });
    return rejoined.future();
  }

  private Future<Boolean> connectAndJoin(JsonObject since) {
    joinAnswered = Promise.promise();
    ClientWebSocket socket = client.webSocket();
    current = socket;
    socket.textMessageHandler(text -> {
      if (socket == current) {
        frame(new JsonObject(text));
      }
    });
    JsonObject join = new JsonObject().put("type", "join").put("room", room).put("ref", JOIN_REF);
    if (since != null) {
      join.put("since", since);
    }
    // No Origin header: a non-browser client sends none, and with auth off only loopback origins are allowed.
    return socket.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/ws?user=" + name)
            .setAllowOriginHeader(false))
        .compose(v -> socket.writeTextMessage(join.encode()))
        .compose(v -> joinAnswered.future());
  }

  /** Publishes one event every {@code intervalMs} until {@link #stopPublishing}. */
  void startPublishing(long intervalMs) {
    vertx.runOnContext(v -> timer = vertx.setPeriodic(intervalMs, id -> publishOne()));
  }

  /** Publishes {@code count} events, one every {@code intervalMs}; completes once the last is sent. */
  Future<Void> publish(int count, long intervalMs) {
    Promise<Void> sent = Promise.promise();
    vertx.runOnContext(v -> {
      long[] left = {count};
      timer = vertx.setPeriodic(intervalMs, id -> {
        publishOne();
        if (--left[0] == 0) {
          vertx.cancelTimer(id);
          sent.complete();
        }
      });
    });
    return sent.future();
  }

  Future<Void> stopPublishing() {
    Promise<Void> stopped = Promise.promise();
    vertx.runOnContext(v -> {
      vertx.cancelTimer(timer);
      stopped.complete();
    });
    return stopped.future();
  }

  private void publishOne() {
    if (current == null) {
      return;
    }
    published++;
    String id = String.format("%s-%05d", name, published);
    idsByRef.put(published, id);
    ledger.published(name, minority, id);
    current.writeTextMessage(new JsonObject().put("type", "publish").put("room", room).put("event", "p")
        .put("id", id).put("echo", false).put("ref", published).put("data", new JsonObject().put("n", published))
        .encode());
  }

  private void frame(JsonObject frame) {
    switch (frame.getString("type", "")) {
      case "ack" -> acknowledged(frame);
      case "error" -> refused(frame);
      case "event" -> event(frame);
      case "batch" -> {
        JsonArray events = frame.getJsonArray("events");
        for (int i = 0; i < events.size(); i++) {
          event(events.getJsonObject(i));
        }
      }
      case "reset" -> {
        if (room.equals(frame.getString("room"))) {
          lastSeq = frame.getLong("seq");
          ledger.reset(name, frame.getString("epoch"), lastSeq);
        }
      }
      default -> {
        // welcome, presence_diff, pong: nothing the ledger needs.
      }
    }
  }

  private void acknowledged(JsonObject ack) {
    Object ref = ack.getValue("ref");
    if (ref instanceof Number n && n.longValue() == JOIN_REF) {
      String epoch = ack.getString("epoch");
      Long seq = ack.getLong("seq");
      if (epoch == null || seq == null) {
        joinAnswered.tryFail(name + ": the join ack of a history room had no seq or epoch: " + ack.encode());
        return;
      }
      lastSeq = seq;
      if (rejoining) {
        ledger.rejoined(name, Boolean.TRUE.equals(ack.getBoolean("recovered")), epoch, seq);
        rejoining = false;
        joinAnswered.tryComplete(Boolean.TRUE.equals(ack.getBoolean("recovered")));
      } else {
        ledger.joined(name, epoch, seq);
        joinAnswered.tryComplete(true);
      }
    } else if (ref instanceof Number n && ack.getString("id") != null) {
      ledger.acknowledged(idsByRef.get(n.longValue()));
    }
  }

  private void refused(JsonObject error) {
    Object ref = error.getValue("ref");
    if (ref instanceof Number n && n.longValue() == JOIN_REF) {
      joinAnswered.tryFail(name + ": join refused: " + error.encode());
    } else if (ref instanceof Number n && idsByRef.containsKey(n.longValue())) {
      ledger.refused(idsByRef.get(n.longValue()), error.getString("code"));
    }
  }

  private void event(JsonObject event) {
    if (!room.equals(event.getString("room"))) {
      return;
    }
    Long seq = event.getLong("seq");
    if (seq == null) {
      throw new IllegalStateException(name + ": an event of a history room without seq: " + event.encode());
    }
    lastSeq = seq;
    ledger.delivered(name, seq, event.getString("id"));
  }

  /** Closes {@code socket} if it ever connected; a socket whose connect failed has nothing to close. */
  private static Future<Void> closeQuietly(ClientWebSocket socket) {
    if (socket == null) {
      return Future.succeededFuture();
    }
    try {
      return socket.close().recover(e -> Future.succeededFuture());
    } catch (IllegalStateException notConnected) {
      return Future.succeededFuture();
    }
  }

  /** Closes the connection for good. */
  Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    vertx.runOnContext(v -> {
      ClientWebSocket socket = current;
      current = null;
      closeQuietly(socket).onComplete(x -> closed.complete());
    });
    return closed.future();
  }
}

package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.HdrHistogram.Recorder;

/**
 * One session of the reconnect storm in one history room. It records the seq of every event it gets in its
 * {@link SeqLedger}; where it has nodes to fall back to, a dropped connection is followed, after a
 * {@link Backoff} wait, by a connection to the next of them and a join with {@code since} {seq, epoch} of the
 * last event it saw, as a client of the hub should. It counts as recovered once that join's ack said
 * {@code recovered:true} and every seq up to the ack's has arrived. Without fallback nodes (a subscriber on a
 * survivor) a drop is a problem. Anything else the contract rules out (a join refused, an epoch that changed,
 * an event without seq) is a problem too; the scenario fails on any.
 */
final class StormClient {
  private static final int JOIN_REF = 1;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final String room;
  private final List<Integer> fallbackPorts;
  private final int firstFallback;
  private final Backoff backoff;
  private final long joinTimeoutMs;
  /** Where a delivery's latency goes, or {@code null} (not measured); asked per event, the phase decides. */
  private final Supplier<Recorder> latencies;
  private final SeqLedger ledger = new SeqLedger();
  private final List<String> problems = new ArrayList<>();

  /** The connection frames are taken from; frames of an older one, closed meanwhile, are ignored. */
  private ClientWebSocket current;
  private Promise<Void> firstJoin;
  private String epoch;
  private int attempt;
  private volatile int attempts;
  private volatile int joinTimeouts;
  /** Set from the scenario's thread before the nodes stop, so that their going is no drop to recover from. */
  private volatile boolean closing;
  /** The seq the recovering join's ack said the room stood at: recovered once the ledger holds through it. */
  private long recoverThrough = -1;
  private volatile boolean recovering;
  private volatile long droppedAtNanos;
  private volatile long recoveredAtNanos;

  /**
   * A client of {@code room} that falls back to {@code fallbackPorts} in turn, starting at
   * {@code firstFallback} (spreading the crowd over them), or never when there are none.
   */
  StormClient(Vertx vertx, WebSocketClient client, String room, List<Integer> fallbackPorts, int firstFallback,
      Backoff backoff, long joinTimeoutMs, Supplier<Recorder> latencies) {
    this.vertx = vertx;
    this.client = client;
    this.room = room;
    this.fallbackPorts = List.copyOf(fallbackPorts);
    this.firstFallback = firstFallback;
    this.backoff = backoff;
    this.joinTimeoutMs = joinTimeoutMs;
    this.latencies = latencies;
  }

  /**
   * Connects to the node at {@code port} and joins the room; completes with the first join's ack. Everything
   * of this client runs on the generator's one event loop, so its state needs no locks.
   */
  Future<StormClient> start(int port) {
    firstJoin = Promise.promise();
    vertx.runOnContext(v -> connect(port).onFailure(firstJoin::tryFail));
    return firstJoin.future().map(this);
  }

  private Future<Void> connect(int port) {
    ClientWebSocket socket = client.webSocket();
    current = socket;
    socket.textMessageHandler(text -> {
      if (socket == current) {
        frame(text);
      }
    });
    socket.closeHandler(v -> {
      if (socket == current) {
        dropped();
      }
    });
    return socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
        .compose(v -> socket.writeTextMessage(joinFrame()))
        .onSuccess(v -> vertx.setTimer(joinTimeoutMs, id -> {
          if (socket == current && recovering && recoverThrough < 0) {
            joinTimeouts++;
            socket.close();
          }
        }))
        .mapEmpty();
  }

  private String joinFrame() {
    JsonObject join = new JsonObject().put("type", "join").put("room", room).put("ref", JOIN_REF);
    if (epoch != null) {
      join.put("since", new JsonObject().put("seq", ledger.last()).put("epoch", epoch));
    }
    return join.encode();
  }

  private void frame(String text) {
    JsonObject frame = new JsonObject(text);
    switch (frame.getString("type", "")) {
      case "ack" -> acknowledged(frame);
      case "event" -> event(frame);
      case "batch" -> {
        JsonArray events = frame.getJsonArray("events");
        for (int i = 0; i < events.size(); i++) {
          event(events.getJsonObject(i));
        }
      }
      case "error" -> {
        problem("error frame " + frame.getString("code") + ": " + frame.getString("message"));
        firstJoin.tryFail("the first join failed: " + text);
      }
      default -> {
        // welcome, pong, presence_diff: nothing the ledger needs.
      }
    }
  }

  private void acknowledged(JsonObject ack) {
    Long seq = ack.getLong("seq");
    if (seq == null) {
      problem("the join ack of a history room had no seq: " + ack.encode());
      return;
    }
    if (epoch == null) {
      epoch = ack.getString("epoch");
      ledger.startAt(seq + 1);
      firstJoin.tryComplete();
      return;
    }
    if (!Boolean.TRUE.equals(ack.getBoolean("recovered"))) {
      problem("join with since answered recovered:" + ack.getValue("recovered"));
    }
    if (!epoch.equals(ack.getString("epoch"))) {
      problem("epoch changed from " + epoch + " to " + ack.getString("epoch"));
    }
    attempt = 0;
    recoverThrough = seq;
    caughtUp();
  }

  private void event(JsonObject event) {
    if (!room.equals(event.getString("room"))) {
      problem("an event of room " + event.getString("room") + " in a session of " + room);
      return;
    }
    Long seq = event.getLong("seq");
    if (seq == null) {
      problem("an event of a history room without seq: " + event.encode());
      return;
    }
    ledger.record(seq);
    Recorder recorder = latencies == null ? null : latencies.get();
    JsonObject data = event.getJsonObject("data");
    if (recorder != null && data != null && data.getLong("t") != null) {
      recorder.recordValue(Math.max(0, System.nanoTime() - data.getLong("t")));
    }
    caughtUp();
  }

  private void caughtUp() {
    if (recovering && recoverThrough >= 0 && ledger.holdsThrough(recoverThrough)) {
      recoveredAtNanos = System.nanoTime();
      recovering = false;
    }
  }

  private void dropped() {
    current = null;
    if (closing) {
      return;
    }
    if (!firstJoin.future().isComplete()) {
      firstJoin.tryFail("the connection closed before the first join's ack");
      return;
    }
    if (fallbackPorts.isEmpty()) {
      problem("the connection of a subscriber on a surviving node dropped");
      return;
    }
    if (!recovering) {
      droppedAtNanos = System.nanoTime();
      recovering = true;
    }
    recoverThrough = -1;
    reconnectLater();
  }

  private void reconnectLater() {
    int port = fallbackPorts.get((firstFallback + attempts) % fallbackPorts.size());
    long delay = backoff.delayMs(attempt);
    attempt++;
    attempts++;
    vertx.setTimer(Math.max(1, delay), id -> connect(port).onFailure(e -> {
      current = null;
      reconnectLater();
    }));
  }

  private void problem(String what) {
    synchronized (problems) {
      problems.add(what);
    }
  }

  /** What went against the contract so far. */
  List<String> problems() {
    synchronized (problems) {
      return List.copyOf(problems);
    }
  }

  String room() {
    return room;
  }

  SeqLedger ledger() {
    return ledger;
  }

  /** When its connection dropped ({@code System.nanoTime()}), or 0. */
  long droppedAtNanos() {
    return droppedAtNanos;
  }

  /** When it had recovered ({@code System.nanoTime()}), or 0. */
  long recoveredAtNanos() {
    return recoveredAtNanos;
  }

  /** Connections it tried after the drop. */
  int attempts() {
    return attempts;
  }

  /** Recovering joins it gave up on for want of an ack, then tried again. */
  int joinTimeouts() {
    return joinTimeouts;
  }

  /** Closes the connection for good: no reconnect follows. */
  void close() {
    closing = true;
    vertx.runOnContext(v -> {
      if (current != null) {
        current.close();
      }
    });
  }
}

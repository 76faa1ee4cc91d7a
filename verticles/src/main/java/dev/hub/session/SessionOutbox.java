package dev.hub.session;

import dev.hub.metrics.HubMetrics;
import dev.hub.protocol.Json;
import dev.hub.protocol.ServerFrame;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;

/**
 * Everything a session is sent passes here, on the session's event loop: replies go out at once, batchable
 * events are held (PROTOCOL.md section 4), anything else first flushes what is held so order is kept. When the
 * socket's outbound queue passes {@code limits.maxQueuedBytes} the overflow handler runs and nothing more is
 * written.
 */
public final class SessionOutbox {
  private static final String BATCH_HEAD = "{\"type\":\"batch\",\"events\":[";
  private static final String BATCH_TAIL = "]}";

  private final ServerWebSocket socket;
  private final HubMetrics metrics;
  private final BatchScheduler scheduler;
  private final int maxEvents;
  private final ArrayList<String> held = new ArrayList<>();
  private long generation;
  private boolean open = true;
  private Runnable overflowHandler = () -> { };

  public SessionOutbox(ServerWebSocket socket, HubMetrics metrics, BatchScheduler scheduler, int maxEvents) {
    this.socket = socket;
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.maxEvents = maxEvents;
  }

  /** Runs once, when the outbound queue first passes its bound. */
  public void overflowHandler(Runnable handler) {
    this.overflowHandler = handler;
  }

  /** A reply ({@code ack}, {@code error}, {@code pong}...): neither waits for nor flushes held events. */
  public void reply(ServerFrame frame) {
    write(Json.encode(frame));
  }

  /** An encoded {@code event} frame; held when batchable, else sent after whatever is held. */
  public void event(String frame, boolean batchable) {
    if (!batchable) {
      ordered(frame);
      return;
    }
    held.add(frame);
    if (held.size() == 1) {
      scheduler.schedule(this, ++generation);
    }
    if (held.size() >= maxEvents) {
      flush();
    }
  }

  /** A frame that must not overtake held events ({@code presence_diff}, {@code bye}). */
  public void ordered(String frame) {
    flush();
    write(frame);
  }

  /** Sends what is held as one {@code batch} frame. */
  public void flush() {
    if (held.isEmpty()) {
      return;
    }
    int size = BATCH_HEAD.length() + BATCH_TAIL.length() + held.size();
    for (String frame : held) {
      size += frame.length();
    }
    StringBuilder batch = new StringBuilder(size).append(BATCH_HEAD);
    for (int i = 0; i < held.size(); i++) {
      if (i > 0) {
        batch.append(',');
      }
      batch.append(held.get(i));
    }
    held.clear();
    generation++;
    write(batch.append(BATCH_TAIL).toString());
    metrics.batchOut();
  }

  void flushGeneration(long due) {
    if (due == generation) {
      flush();
    }
  }

  /** Stops all writing; what is still held is dropped. */
  public void close() {
    open = false;
    held.clear();
  }

  private void write(String frame) {
    if (!open || socket.isClosed()) {
      return;
    }
    socket.writeTextMessage(frame);
    metrics.frameOut();
    if (socket.writeQueueFull()) {
      open = false;
      held.clear();
      overflowHandler.run();
    }
  }
}

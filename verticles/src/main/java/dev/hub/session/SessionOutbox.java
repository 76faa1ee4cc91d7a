package dev.hub.session;

import dev.hub.metrics.HubMetrics;
import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.ServerFrame;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;

/**
 * Everything a session is sent passes here, on the session's event loop: replies go out at once, batchable
 * events are held (PROTOCOL.md section 4), anything else first flushes what is held so order is kept. When the
 * socket's outbound queue passes {@code limits.maxQueuedBytes} the overflow handler runs and nothing more is
 * written. Frames arrive encoded once per node and are written as they are (see {@link SocketWrites}).
 */
public final class SessionOutbox {
  private static final byte[] BATCH_HEAD = "{\"type\":\"batch\",\"events\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BATCH_TAIL = "]}".getBytes(StandardCharsets.UTF_8);

  private final ServerWebSocket socket;
  private final HubMetrics metrics;
  private final BatchScheduler scheduler;
  private final int maxEvents;
  private final int maxFrameBytes;
  private final ArrayList<EncodedFrame> held = new ArrayList<>();
  private long generation;
  private boolean open = true;
  private Runnable overflowHandler = () -> { };

  /**
   * @param maxFrameBytes the largest frame written whole; a larger one is split into continuation frames
   */
  public SessionOutbox(ServerWebSocket socket, HubMetrics metrics, BatchScheduler scheduler, int maxEvents,
      int maxFrameBytes) {
    this.socket = socket;
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.maxEvents = maxEvents;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Runs once, when the outbound queue first passes its bound. */
  public void overflowHandler(Runnable handler) {
    this.overflowHandler = handler;
  }

  /** A reply ({@code ack}, {@code error}, {@code pong}...): neither waits for nor flushes held events. */
  public void reply(ServerFrame frame) {
    write(EncodedFrame.of(frame).utf8());
  }

  /** An {@code event} frame; held when batchable, else sent after whatever is held. */
  public void event(EncodedFrame frame, boolean batchable) {
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
  public void ordered(EncodedFrame frame) {
    flush();
    write(frame.utf8());
  }

  /** Sends what is held as one {@code batch} frame. */
  public void flush() {
    if (held.isEmpty()) {
      return;
    }
    int size = BATCH_HEAD.length + BATCH_TAIL.length + held.size() - 1;
    for (EncodedFrame frame : held) {
      size += frame.utf8().length;
    }
    byte[] batch = new byte[size];
    System.arraycopy(BATCH_HEAD, 0, batch, 0, BATCH_HEAD.length);
    int at = BATCH_HEAD.length;
    for (int i = 0; i < held.size(); i++) {
      if (i > 0) {
        batch[at++] = ',';
      }
      byte[] event = held.get(i).utf8();
      System.arraycopy(event, 0, batch, at, event.length);
      at += event.length;
    }
    System.arraycopy(BATCH_TAIL, 0, batch, at, BATCH_TAIL.length);
    held.clear();
    generation++;
    write(batch);
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

  private void write(byte[] frame) {
    if (!open || socket.isClosed()) {
      return;
    }
    SocketWrites.writeText(socket, frame, maxFrameBytes);
    metrics.frameOut();
    if (socket.writeQueueFull()) {
      open = false;
      held.clear();
      overflowHandler.run();
    }
  }
}

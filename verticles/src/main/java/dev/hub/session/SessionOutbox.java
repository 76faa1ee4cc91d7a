package dev.hub.session;

import dev.hub.metrics.HubMetrics;
import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a session is sent passes here, on the session's event loop: replies go out at once, batchable
 * events are held (PROTOCOL.md section 4), anything else first flushes what is held so order is kept. When the
 * transport's outbound queue passes {@code limits.maxQueuedBytes} the overflow handler runs and nothing more is
 * written. Frames arrive encoded once per node and are handed to the transport as they are.
 *
 * <p>Other events wait until the end of the event-loop turn ({@link TurnFlusher}), and the events that waited
 * together go out as one {@code batch} frame (one event alone as itself): section 4's coalescing of what is
 * already waiting. Coalescing changes the framing only, never the order: anything else written to the session
 * first sends the events waiting before it, and a coalesced frame stays within {@code maxFrameBytes}.
 */
public final class SessionOutbox {
  private final Transport transport;
  private final HubMetrics metrics;
  private final BatchScheduler scheduler;
  private final TurnFlusher turns;
  private final int maxEvents;
  private final int maxCoalescedBytes;
  private final ArrayList<EncodedFrame> held = new ArrayList<>();
  private final ArrayList<EncodedFrame> waiting = new ArrayList<>();
  private int waitingBytes;
  private boolean registered;
  private long generation;
  private boolean open = true;
  private Runnable overflowHandler = () -> { };

  /**
   * @param maxEvents {@code batch.maxEvents}, for held events
   * @param maxCoalescedBytes the largest coalesced frame, {@code limits.maxFrameBytes}: what a client with the
   *     hub's own limits reads in one frame
   */
  public SessionOutbox(Transport transport, HubMetrics metrics, BatchScheduler scheduler, TurnFlusher turns,
      int maxEvents, int maxCoalescedBytes) {
    this.transport = transport;
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.turns = turns;
    this.maxEvents = maxEvents;
    this.maxCoalescedBytes = maxCoalescedBytes;
  }

  /** Runs once, when the outbound queue first passes its bound. */
  public void overflowHandler(Runnable handler) {
    this.overflowHandler = handler;
  }

  /**
   * A reply ({@code ack}, {@code error}, {@code pong}...): at once, behind the events already waiting for the
   * end of the turn; it neither waits for nor flushes held ({@code batch.events}) ones.
   */
  public void reply(ServerFrame frame) {
    sendWaiting();
    if (writable()) {
      transport.frame(EncodedFrame.of(frame));
      written();
    }
  }

  /** An {@code event} frame; held when batchable, else sent after whatever is held, at the end of the turn. */
  public void event(EncodedFrame frame, boolean batchable) {
    if (!batchable) {
      if (!held.isEmpty()) {
        flush();
      }
      coalesce(frame);
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
    if (writable()) {
      transport.frame(frame);
      written();
    }
  }

  /** Sends what is held as one {@code batch}, after the events waiting for the end of the turn. */
  public void flush() {
    sendWaiting();
    if (held.isEmpty()) {
      return;
    }
    List<EncodedFrame> batch = List.copyOf(held);
    held.clear();
    generation++;
    if (writable()) {
      transport.batch(batch);
      written();
      metrics.batchOut();
    }
  }

  /** Keeps an event for the end of the turn, sending those waiting first when it would not fit in their frame. */
  private void coalesce(EncodedFrame frame) {
    if (!writable()) {
      return;
    }
    int bytes = frame.utf8().length + 1;
    if (!waiting.isEmpty() && waitingBytes + bytes > maxCoalescedBytes) {
      sendWaiting();
    }
    waiting.add(frame);
    waitingBytes += bytes;
    if (!registered) {
      registered = true;
      turns.register(this);
    }
  }

  /** The turn ended ({@link TurnFlusher}): what waits goes out. */
  void endOfTurn() {
    registered = false;
    sendWaiting();
  }

  /** Sends the events waiting for the end of the turn: one as itself, several as one {@code batch}. */
  private void sendWaiting() {
    if (waiting.isEmpty()) {
      return;
    }
    if (writable()) {
      if (waiting.size() == 1) {
        transport.frame(waiting.get(0));
      } else {
        transport.batch(waiting);
      }
      written();
    }
    waiting.clear();
    waitingBytes = 0;
  }

  void flushGeneration(long due) {
    if (due == generation) {
      flush();
    }
  }

  /** The heartbeat's probe, through the same transport as everything else. */
  public void ping() {
    if (writable()) {
      transport.ping();
    }
  }

  /** Whether the client is expected to be heard from, so that silence closes it (4000). */
  public boolean clientAnswers() {
    return transport.answersPings();
  }

  /** Flushes what is held, then closes the transport with the code; nothing is written after. */
  public void closeTransport(short code, String reason) {
    flush();
    close();
    transport.close(code, reason);
  }

  /** Stops all writing; what is still held or waiting is dropped. */
  public void close() {
    open = false;
    held.clear();
    waiting.clear();
  }

  private boolean writable() {
    return open && !transport.isClosed();
  }

  private void written() {
    metrics.frameOut();
    if (transport.writeQueueFull()) {
      close();
      overflowHandler.run();
    }
  }
}

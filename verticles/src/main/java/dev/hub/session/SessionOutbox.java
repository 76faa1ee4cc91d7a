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
 */
public final class SessionOutbox {
  private final Transport transport;
  private final HubMetrics metrics;
  private final BatchScheduler scheduler;
  private final int maxEvents;
  private final ArrayList<EncodedFrame> held = new ArrayList<>();
  private long generation;
  private boolean open = true;
  private Runnable overflowHandler = () -> { };

  public SessionOutbox(Transport transport, HubMetrics metrics, BatchScheduler scheduler, int maxEvents) {
    this.transport = transport;
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
    if (writable()) {
      transport.frame(EncodedFrame.of(frame));
      written();
    }
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
    if (writable()) {
      transport.frame(frame);
      written();
    }
  }

  /** Sends what is held as one {@code batch}. */
  public void flush() {
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

  /** Stops all writing; what is still held is dropped. */
  public void close() {
    open = false;
    held.clear();
  }

  private boolean writable() {
    return open && !transport.isClosed();
  }

  private void written() {
    metrics.frameOut();
    if (transport.writeQueueFull()) {
      open = false;
      held.clear();
      overflowHandler.run();
    }
  }
}

package dev.hub.nats;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's stop, by a deadline: every event the hub acknowledged ends on NATS or in the dead-letter file,
 * never neither. While connected, the sender gets up to {@code nats.ackTimeoutMs} (at most half of the time left)
 * to have the buffer confirmed; then it is stopped and interrupted, so that a silent server cannot hold the stop,
 * and everything unconfirmed, whether queued or in the sender's hands, is taken from the buffer and written with
 * the file's queue in one appended, synced batch. What even the file cannot take by the deadline goes to the log,
 * whole. The connection is closed last, without waiting past the deadline.
 */
final class NatsHandOver {
  private static final Logger LOG = LoggerFactory.getLogger(NatsHandOver.class);
  /** How long the sender may take to notice it was stopped before the hand-over goes on without it. */
  private static final long SENDER_EXIT_MS = 200;

  private final OutboundBuffer buffer;
  private final NatsSender sender;
  private final Thread senderThread;
  private final DeadLetterWriter writer;
  private final DeadLetterSink sink;
  private final NatsLink link;
  private final long ackTimeoutMs;

  NatsHandOver(OutboundBuffer buffer, NatsSender sender, Thread senderThread, DeadLetterWriter writer,
      DeadLetterSink sink, NatsLink link, long ackTimeoutMs) {
    this.buffer = buffer;
    this.sender = sender;
    this.senderThread = senderThread;
    this.writer = writer;
    this.sink = sink;
    this.link = link;
    this.ackTimeoutMs = ackTimeoutMs;
  }

  /** Blocking: returns by {@code deadlineNanos} ({@link System#nanoTime}), or soon after when it has passed. */
  void run(long deadlineNanos) throws InterruptedException {
    long sendMs = Math.min(ackTimeoutMs, leftMs(deadlineNanos) / 2);
    if (link.connected() != null && sendMs > 0) {
      buffer.awaitEmpty(sendMs);
    }
    sender.stop();
    senderThread.interrupt();
    List<Outgoing> unconfirmed = buffer.close();
    if (!unconfirmed.isEmpty()) {
      LOG.warn("NATS: {} events not confirmed before the stop; writing them to the dead-letter file",
          unconfirmed.size());
    }
    List<DeadLetter> letters = unconfirmed.stream()
        .map(message -> DeadLetter.of(message, "not confirmed by NATS before the node stopped")).toList();
    sink.logged(writer.close(letters, deadlineNanos));
    senderThread.join(Math.max(1, Math.min(SENDER_EXIT_MS, leftMs(deadlineNanos))));
    Thread closing = new Thread(link::close, "hub-nats-close");
    closing.setDaemon(true);
    closing.start();
    closing.join(Math.max(1, leftMs(deadlineNanos)));
  }

  private static long leftMs(long deadlineNanos) {
    return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }
}

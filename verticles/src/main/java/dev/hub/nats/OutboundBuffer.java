package dev.hub.nats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The outbound events not yet confirmed by NATS, in the order the hub accepted them, bounded by
 * {@code nats.bufferBytes}. Event loops offer; the one sender thread takes a batch, and either marks it done or
 * puts what failed back at the head, so a resend keeps the order. What the sender has taken stays here too, as
 * in flight, so that {@link #close} hands back everything unconfirmed even while the sender hangs on a silent
 * server. Its monitor is also what the sender sleeps on, so that {@link #close} wakes it at once.
 */
final class OutboundBuffer {
  private final long maxBytes;
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
  private final LinkedHashSet<Outgoing> inFlight = new LinkedHashSet<>();
  private long bytes;
  private boolean overflowing;
  private boolean closed;

  OutboundBuffer(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Adds at the tail; false when it would pass the bound or the buffer is closed (the caller dead-letters it). */
  synchronized boolean offer(Outgoing message) {
    long size = message.size();
    if (closed || bytes + size > maxBytes) {
      overflowing = !closed;
      return false;
    }
    queue.addLast(message);
    bytes += size;
    notifyAll();
    return true;
  }

  /** Like {@link #offer}, but waits up to {@code waitMs} for room, as a replay does: paced by NATS, not refused. */
  synchronized boolean offer(Outgoing message, long waitMs) throws InterruptedException {
    long deadline = System.nanoTime() + waitMs * 1_000_000;
    while (!closed && bytes > 0 && bytes + message.size() > maxBytes) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return offer(message);
  }

  /**
   * Whether the next offer is likely to fit: open, and no offer was refused for room since NATS last confirmed
   * something.
   */
  synchronized boolean hasRoom() {
    return !closed && !overflowing && bytes < maxBytes;
  }

  /**
   * Up to {@code max} messages from the head, waiting up to {@code waitMs} for the first. They are in flight, and
   * still pending, until {@link #done} or {@link #putBack}.
   */
  synchronized List<Outgoing> take(int max, long waitMs) throws InterruptedException {
    if (queue.isEmpty() && !closed) {
      wait(waitMs);
    }
    List<Outgoing> batch = new ArrayList<>(Math.min(max, queue.size()));
    while (batch.size() < max && !queue.isEmpty()) {
      Outgoing message = queue.pollFirst();
      inFlight.add(message);
      batch.add(message);
    }
    return batch;
  }

  /**
   * Returns taken messages to the head, in their order, to be sent again. Once the buffer is closed they were
   * already handed over by {@link #close}: nothing to do.
   */
  synchronized void putBack(List<Outgoing> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (inFlight.remove(messages.get(i))) {
        queue.addFirst(messages.get(i));
      }
    }
    notifyAll();
  }

  /** Every message in flight back to the head, in order: after the sender failed in a way it did not expect. */
  synchronized void putBackInFlight() {
    putBack(new ArrayList<>(inFlight));
  }

  /** Taken messages that NATS confirmed, or that were dead-lettered: no longer pending. */
  synchronized void done(Collection<Outgoing> messages) {
    for (Outgoing message : messages) {
      if (inFlight.remove(message)) {
        bytes -= message.size();
        overflowing = false;
      }
    }
    notifyAll();
  }

  /** Bytes queued or in flight. */
  synchronized long pendingBytes() {
    return bytes;
  }

  /** Waits until nothing is pending or {@code waitMs} passed; true when nothing is. */
  synchronized boolean awaitEmpty(long waitMs) throws InterruptedException {
    long deadline = System.nanoTime() + waitMs * 1_000_000;
    while (bytes > 0 && !closed) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return bytes == 0;
  }

  /**
   * Sleeps up to {@code ms}, waking early on {@link #close}.
   *
   * @return false once the buffer is closed or the thread interrupted (its flag set again): the sleeper should
   *     stop
   */
  synchronized boolean pause(long ms) {
    long deadline = System.nanoTime() + ms * 1_000_000;
    try {
      while (!closed) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return true;
        }
        wait(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /** Wakes the sender without adding anything, e.g. when the link went down. */
  synchronized void wake() {
    notifyAll();
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Refuses further offers, wakes every waiter and hands back everything unconfirmed: what was in flight (older),
   * then what was queued. What the sender confirms or puts back afterwards is no longer counted.
   */
  synchronized List<Outgoing> close() {
    closed = true;
    List<Outgoing> rest = new ArrayList<>(inFlight);
    rest.addAll(queue);
    inFlight.clear();
    queue.clear();
    bytes = 0;
    notifyAll();
    return rest;
  }
}

package dev.hub.nats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The outbound events not yet confirmed by NATS, in the order the hub accepted them, bounded by
 * {@code nats.bufferBytes}. Event loops offer; the one sender thread takes a batch, and either marks it done or
 * puts what failed back at the head, so a resend keeps the order. Its monitor is also what the sender sleeps on,
 * so that {@link #close} wakes it at once.
 */
final class OutboundBuffer {
  private final long maxBytes;
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
  private long bytes;
  private boolean closed;

  OutboundBuffer(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Adds at the tail; false when it would pass the bound or the buffer is closed (the caller dead-letters it). */
  synchronized boolean offer(Outgoing message) {
    long size = message.size();
    if (closed || bytes + size > maxBytes) {
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
   * Up to {@code max} messages from the head, waiting up to {@code waitMs} for the first. They still count as
   * pending until {@link #done} or {@link #putBack}.
   */
  synchronized List<Outgoing> take(int max, long waitMs) throws InterruptedException {
    if (queue.isEmpty() && !closed) {
      wait(waitMs);
    }
    List<Outgoing> batch = new ArrayList<>(Math.min(max, queue.size()));
    while (batch.size() < max && !queue.isEmpty()) {
      batch.add(queue.pollFirst());
    }
    return batch;
  }

  /** Returns taken messages to the head, in their order, to be sent again. */
  synchronized void putBack(List<Outgoing> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      queue.addFirst(messages.get(i));
    }
    notifyAll();
  }

  /** Taken messages that NATS confirmed, or that were dead-lettered: no longer pending. */
  synchronized void done(Collection<Outgoing> messages) {
    for (Outgoing message : messages) {
      bytes -= message.size();
    }
    notifyAll();
  }

  /** Bytes queued or taken and not yet done. */
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
   * @return false once the buffer is closed: the sleeper should stop
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

  /** Refuses further offers, wakes every waiter and hands back what was still queued (not what is taken). */
  synchronized List<Outgoing> close() {
    closed = true;
    List<Outgoing> rest = new ArrayList<>(queue);
    queue.clear();
    done(rest);
    notifyAll();
    return rest;
  }
}

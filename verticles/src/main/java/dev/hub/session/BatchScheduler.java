package dev.hub.session;

import io.vertx.core.Vertx;
import java.util.ArrayDeque;

/**
 * Sends held batches when their delay is up, with one timer per event loop rather than one per session. The
 * delay is the same for every batch, so sessions become due in the order they started holding.
 */
public final class BatchScheduler {
  private record Due(SessionOutbox outbox, long generation, long atNanos) {
  }

  private final Vertx vertx;
  private final long delayNanos;
  private final ArrayDeque<Due> queue = new ArrayDeque<>();
  private long timer = -1;

  public BatchScheduler(Vertx vertx, long delayMs) {
    this.vertx = vertx;
    this.delayNanos = delayMs * 1_000_000;
  }

  /** Called on the outbox's event loop when it starts holding batch {@code generation}. */
  void schedule(SessionOutbox outbox, long generation) {
    queue.add(new Due(outbox, generation, System.nanoTime() + delayNanos));
    if (timer == -1) {
      arm(delayNanos);
    }
  }

  private void arm(long nanos) {
    timer = vertx.setTimer(Math.max(1, (nanos + 999_999) / 1_000_000), id -> fire());
  }

  private void fire() {
    timer = -1;
    long now = System.nanoTime();
    while (!queue.isEmpty() && queue.peek().atNanos() <= now) {
      Due due = queue.poll();
      due.outbox().flushGeneration(due.generation());
    }
    if (!queue.isEmpty()) {
      arm(queue.peek().atNanos() - now);
    }
  }
}

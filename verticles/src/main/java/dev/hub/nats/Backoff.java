package dev.hub.nats;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential waits with jitter: first, twice that, four times..., capped, plus 0 to {@code jitter} ms. */
final class Backoff {
  private final long firstMs;
  private final long maxMs;
  private final long jitterMs;

  Backoff(long firstMs, long maxMs, long jitterMs) {
    this.firstMs = firstMs;
    this.maxMs = maxMs;
    this.jitterMs = jitterMs;
  }

  /** The wait after the {@code attempt}-th failure, counting from 1. */
  long delayMs(int attempt) {
    int doublings = Math.min(Math.max(attempt - 1, 0), 30);
    long base = firstMs > (maxMs >> doublings) ? maxMs : Math.min(maxMs, firstMs << doublings);
    return base + (jitterMs > 0 ? ThreadLocalRandom.current().nextLong(jitterMs + 1) : 0);
  }
}

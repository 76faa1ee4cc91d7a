package dev.hub.bench;

import java.util.Random;

/**
 * Exponential backoff with full jitter, as a reconnecting client should use: before attempt {@code n} (from 0)
 * it waits a uniformly random time from 0 to {@code min(maxMs, initialMs * 2^n)}. The jitter is what spreads a
 * crowd that lost its node at the same instant over the whole window instead of sending it back in waves.
 */
final class Backoff {
  private final long initialMs;
  private final long maxMs;
  private final Random random;

  /** {@code random} decides the jitter; seed it to replay a storm. */
  Backoff(long initialMs, long maxMs, Random random) {
    if (initialMs < 1 || maxMs < initialMs) {
      throw new IllegalArgumentException("backoff needs 1 <= initialMs <= maxMs, got " + initialMs + " and "
          + maxMs);
    }
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  /** The longest wait before attempt {@code attempt}: the initial one doubled per attempt, up to the cap. */
  long ceilingMs(int attempt) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempts count from 0, got " + attempt);
    }
    // Past 62 doublings a long overflows; the cap is reached long before for any sane initial delay.
    if (attempt >= 62 || initialMs > (maxMs >> attempt)) {
      return maxMs;
    }
    return Math.min(maxMs, initialMs << attempt);
  }

  /** The wait before attempt {@code attempt}, from 0 to {@link #ceilingMs(int)} inclusive. */
  long delayMs(int attempt) {
    return random.nextLong(ceilingMs(attempt) + 1);
  }
}

package dev.hub.test;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A bounded poll for state that settles asynchronously (presence after a socket is gone, a process coming up):
 * reads the value until it matches, and fails naming what was expected and the last value seen.
 */
public final class Eventually {
  /** How long a condition may take before the test fails. */
  public static final long WAIT_MS = 10_000;
  private static final long POLL_MS = 20;

  private Eventually() {
  }

  /** The first value read within {@link #WAIT_MS} that matches; fails with the last one otherwise. */
  public static <T> T until(String what, Supplier<T> read, Predicate<T> match) {
    return until(what, WAIT_MS, read, match);
  }

  /** The first value read within {@code waitMs} that matches; fails with the last one otherwise. */
  public static <T> T until(String what, long waitMs, Supplier<T> read, Predicate<T> match) {
    long deadline = System.nanoTime() + waitMs * 1_000_000;
    while (true) {
      T value = read.get();
      if (match.test(value)) {
        return value;
      }
      if (System.nanoTime() - deadline > 0) {
        return fail(what + " not reached within " + waitMs + " ms; last seen: " + value);
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return fail("interrupted while waiting for " + what);
      }
    }
  }
}

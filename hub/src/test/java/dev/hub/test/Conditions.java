package dev.hub.test;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;

/** Waiting on a condition with a bound, polling; never a bare sleep. */
public final class Conditions {
  private Conditions() {
  }

  /** Polls {@code check} until it is true; fails with {@code what} and the last observed value after the bound. */
  public static <T> T await(String what, long boundMs, Supplier<T> observe, java.util.function.Predicate<T> check) {
    long deadline = System.currentTimeMillis() + boundMs;
    T last = observe.get();
    while (!check.test(last)) {
      if (System.currentTimeMillis() > deadline) {
        fail(what + " not reached within " + boundMs + " ms; last seen: " + last);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for " + what);
      }
      last = observe.get();
    }
    return last;
  }
}

package dev.hub.hooks;

import dev.hub.metrics.HookMetrics;

/** A hook that gave no usable answer: it timed out, too many calls were waiting, or it failed. */
public final class HookException extends RuntimeException {
  private final HookMetrics.Failure failure;

  public HookException(HookMetrics.Failure failure, String message) {
    super(message, null, false, false);
    this.failure = failure;
  }

  public HookMetrics.Failure failure() {
    return failure;
  }
}

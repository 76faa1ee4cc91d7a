package dev.hub.config;

import java.util.List;

/**
 * Graceful shutdown.
 *
 * @param graceMs time from SIGTERM to exit: flush, say {@code bye}, close 1001, remove presence
 */
public record ShutdownConfig(long graceMs) {

  /** 10 s: under the 30 s that orchestrators wait before SIGKILL. */
  public static final long DEFAULT_GRACE_MS = 10_000;

  public static ShutdownConfig defaults() {
    return new ShutdownConfig(DEFAULT_GRACE_MS);
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, graceMs >= 100, "shutdown.graceMs", "must be at least 100");
  }
}

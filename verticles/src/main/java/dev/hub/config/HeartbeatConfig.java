package dev.hub.config;

import java.util.List;

/**
 * WebSocket liveness.
 *
 * @param intervalMs how often the server pings each session
 * @param timeoutMs how long a session may stay silent before close 4000; {@code null} means
 *     {@code 2 * intervalMs + 5000}
 */
public record HeartbeatConfig(long intervalMs, Long timeoutMs) {

  /** Ping every 30 s: under the idle timeouts of common load balancers (60 s). */
  public static final long DEFAULT_INTERVAL_MS = 30_000;

  public static HeartbeatConfig defaults() {
    return new HeartbeatConfig(DEFAULT_INTERVAL_MS, null);
  }

  /** The timeout in force: the configured one, or two missed pings plus 5 s of slack. */
  public long effectiveTimeoutMs() {
    return timeoutMs != null ? timeoutMs : 2 * intervalMs + 5_000;
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, intervalMs >= 10, "heartbeat.intervalMs", "must be at least 10");
    HubConfig.require(problems, timeoutMs == null || timeoutMs >= intervalMs, "heartbeat.timeoutMs",
        "must be at least heartbeat.intervalMs");
  }
}

package dev.hub.config;

import java.util.List;

/**
 * Batching of high-rate events (PROTOCOL.md section 4).
 *
 * @param events globs of event names to hold and send as one {@code batch} frame; empty means none
 * @param maxEvents a held batch is sent once this many events wait
 * @param maxDelayMs a held batch is sent at the latest this long after its first event
 */
public record BatchConfig(List<String> events, int maxEvents, long maxDelayMs) {

  /** 10 events per batch frame. */
  public static final int DEFAULT_MAX_EVENTS = 10;
  /** 100 ms: below what a person notices on a chart or log view. */
  public static final long DEFAULT_MAX_DELAY_MS = 100;

  public static BatchConfig defaults() {
    return new BatchConfig(List.of(), DEFAULT_MAX_EVENTS, DEFAULT_MAX_DELAY_MS);
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, events != null && events.stream().noneMatch(g -> g == null || g.isBlank()),
        "batch.events", "must be a list of non-empty globs");
    HubConfig.require(problems, maxEvents >= 1, "batch.maxEvents", "must be at least 1");
    HubConfig.require(problems, maxDelayMs >= 1, "batch.maxDelayMs", "must be at least 1");
  }
}

package dev.hub.config;

import java.util.List;

/**
 * Deduplication of publishes that carry a client {@code id}.
 *
 * @param windowMs a repeated (user, id) within this window is acknowledged but not delivered again
 * @param maxEntries ids remembered per node at most, so a flood of ids cannot exhaust memory
 */
public record DedupConfig(long windowMs, long maxEntries) {

  /** 2 min: longer than any client's retry back-off. */
  public static final long DEFAULT_WINDOW_MS = 120_000;
  /** 1 million ids, about 100 MB at worst. */
  public static final long DEFAULT_MAX_ENTRIES = 1_000_000;

  public static DedupConfig defaults() {
    return new DedupConfig(DEFAULT_WINDOW_MS, DEFAULT_MAX_ENTRIES);
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, windowMs >= 0, "dedup.windowMs", "must not be negative");
    HubConfig.require(problems, maxEntries >= 1, "dedup.maxEntries", "must be at least 1");
  }
}

package dev.hub.config;

import java.util.List;

/**
 * Room history and recovery (PROTOCOL.md section 5).
 *
 * @param rooms globs of room names that keep history, e.g. {@code chat:*}; empty means none
 * @param size events kept per room
 * @param ttlMs no kept event is older than this
 */
public record HistoryConfig(List<String> rooms, int size, long ttlMs) {

  /** 100 events: a few seconds of a busy room, minutes of a quiet one, for a client that drops briefly. */
  public static final int DEFAULT_SIZE = 100;
  /** 5 min: longer than a page reload or a phone switching networks. */
  public static final long DEFAULT_TTL_MS = 300_000;
  /** Most a room may keep: history is for catching up, not an event store. */
  public static final int MAX_SIZE = 10_000;

  public static HistoryConfig defaults() {
    return new HistoryConfig(List.of(), DEFAULT_SIZE, DEFAULT_TTL_MS);
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, rooms != null && rooms.stream().noneMatch(g -> g == null || g.isBlank()),
        "history.rooms", "must be a list of non-empty globs");
    HubConfig.require(problems, size >= 1 && size <= MAX_SIZE, "history.size", "must be 1 to " + MAX_SIZE);
    HubConfig.require(problems, ttlMs >= 1000, "history.ttlMs", "must be at least 1000");
  }
}

package dev.hub.config;

import java.util.List;

/**
 * Presence bookkeeping.
 *
 * @param refreshMs how often a node vouches for all its sessions at once; a session costs no write in between
 * @param staleAfterMs sessions no live node vouched for within this long are swept, whatever the cause
 * @param sweepMs how often stale entries are looked for
 * @param diffMaxMembers rooms larger than this get no {@code presence_diff}, only counts
 * @param maxStateBytes largest {@code state} a session may set in a room, encoded; larger is {@code too_large}
 */
public record PresenceConfig(long refreshMs, long staleAfterMs, long sweepMs, int diffMaxMembers,
    int maxStateBytes) {

  /** 25 s: several vouches fit in one staleness window. */
  public static final long DEFAULT_REFRESH_MS = 25_000;
  /** 5 min: a backstop for anything the normal cleanup missed. */
  public static final long DEFAULT_STALE_AFTER_MS = 300_000;
  /** 5 s between sweeps. */
  public static final long DEFAULT_SWEEP_MS = 5_000;
  /** 1000 members: above this a diff per join would cost members squared frames. */
  public static final int DEFAULT_DIFF_MAX_MEMBERS = 1000;
  /** 1 KiB: a cursor, a typing flag or a status, not a document; every member of the room gets it on each change. */
  public static final int DEFAULT_MAX_STATE_BYTES = 1024;

  public static PresenceConfig defaults() {
    return new PresenceConfig(DEFAULT_REFRESH_MS, DEFAULT_STALE_AFTER_MS, DEFAULT_SWEEP_MS, DEFAULT_DIFF_MAX_MEMBERS,
        DEFAULT_MAX_STATE_BYTES);
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, refreshMs >= 10, "presence.refreshMs", "must be at least 10");
    HubConfig.require(problems, staleAfterMs > refreshMs, "presence.staleAfterMs",
        "must be greater than presence.refreshMs");
    HubConfig.require(problems, sweepMs >= 10, "presence.sweepMs", "must be at least 10");
    HubConfig.require(problems, diffMaxMembers >= 0, "presence.diffMaxMembers", "must not be negative");
    HubConfig.require(problems, maxStateBytes >= 2, "presence.maxStateBytes", "must be at least 2 (the size of {})");
  }
}

package dev.hub.config;

import java.util.List;

/**
 * Per-session bounds that keep one client from hurting the others.
 *
 * @param maxFrameBytes largest inbound WebSocket message and HTTP body; larger ones close with 1009 (413 over HTTP)
 * @param maxRoomsPerSession rooms one session may be in; one more is refused with {@code too_many_rooms}
 * @param maxQueuedBytes outbound bytes a session may have waiting; over it the session is closed with 4008
 */
public record LimitsConfig(int maxFrameBytes, int maxRoomsPerSession, int maxQueuedBytes) {

  /** 64 KiB: room for rich events, small enough that a flood of them is cheap to refuse. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 65_536;
  /** 100 rooms: more than any screen shows, few enough to bound a session's fan-in. */
  public static final int DEFAULT_MAX_ROOMS_PER_SESSION = 100;
  /** 1 MiB: a few seconds of a busy room for a slow phone, then it is cut loose. */
  public static final int DEFAULT_MAX_QUEUED_BYTES = 1_048_576;

  public static LimitsConfig defaults() {
    return new LimitsConfig(DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_ROOMS_PER_SESSION, DEFAULT_MAX_QUEUED_BYTES);
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, maxFrameBytes >= 256, "limits.maxFrameBytes", "must be at least 256");
    HubConfig.require(problems, maxRoomsPerSession >= 1, "limits.maxRoomsPerSession", "must be at least 1");
    HubConfig.require(problems, maxQueuedBytes >= 4096, "limits.maxQueuedBytes", "must be at least 4096");
  }
}

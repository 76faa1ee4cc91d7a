package dev.hub.config;

import java.util.List;

/**
 * Per-session bounds that keep one client from hurting the others.
 *
 * @param maxFrameBytes largest inbound WebSocket message and HTTP body; larger ones close with 1009 (413 over HTTP)
 * @param maxRoomsPerSession rooms and patterns one session may be in; one more is refused with
 *     {@code too_many_rooms}
 * @param maxQueuedBytes outbound bytes a session may have waiting; over it the session is closed with 4008
 * @param publishPerSecond publishes a session may make per second, sustained; more are refused
 *     {@code rate_limited}
 * @param publishBurst publishes a session may make at once after being quiet
 * @param joinsPerSecond joins a session may make per second, sustained
 * @param joinBurst joins a session may make at once
 * @param requestsPerSecond other requests ({@code presence}, {@code request}, {@code state}, {@code refresh}) a
 *     session may make per second, sustained
 * @param requestBurst such requests a session may make at once
 * @param maxRefusals rate-limited requests in a row after which the session is closed with 4029
 * @param connectionsPerIp WebSocket sessions one IP address may hold on this node; more are refused with 429
 */
public record LimitsConfig(int maxFrameBytes, int maxRoomsPerSession, int maxQueuedBytes, int publishPerSecond,
    int publishBurst, int joinsPerSecond, int joinBurst, int requestsPerSecond, int requestBurst, int maxRefusals,
    int connectionsPerIp) {

  /** 64 KiB: room for rich events, small enough that a flood of them is cheap to refuse. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 65_536;
  /** 100 rooms: more than any screen shows, few enough to bound a session's fan-in. */
  public static final int DEFAULT_MAX_ROOMS_PER_SESSION = 100;
  /** 1 MiB: a few seconds of a busy room for a slow phone, then it is cut loose. */
  public static final int DEFAULT_MAX_QUEUED_BYTES = 1_048_576;

  /** 1000 publishes a second: far above a person, low enough that one client cannot flood a room. */
  public static final int DEFAULT_PUBLISH_PER_SECOND = 1000;
  /** A second's worth at once. */
  public static final int DEFAULT_PUBLISH_BURST = 1000;
  /** 50 joins a second: a page opening many rooms at once is fine, a join storm is not. */
  public static final int DEFAULT_JOINS_PER_SECOND = 50;
  /** Enough for a page that restores all its rooms after a reconnect. */
  public static final int DEFAULT_JOIN_BURST = 100;
  /** 100 requests a second: a page polling presence or typing state stays far below it. */
  public static final int DEFAULT_REQUESTS_PER_SECOND = 100;
  /** Enough for a page that asks for the presence of all its rooms at once. */
  public static final int DEFAULT_REQUEST_BURST = 200;
  /** 100 refusals in a row: a client that ignores rate_limited is not coming back to its senses. */
  public static final int DEFAULT_MAX_REFUSALS = 100;
  /** 10000: offices and mobile carriers put many users behind one address. */
  public static final int DEFAULT_CONNECTIONS_PER_IP = 10_000;

  public static LimitsConfig defaults() {
    return new LimitsConfig(DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_ROOMS_PER_SESSION, DEFAULT_MAX_QUEUED_BYTES,
        DEFAULT_PUBLISH_PER_SECOND, DEFAULT_PUBLISH_BURST, DEFAULT_JOINS_PER_SECOND, DEFAULT_JOIN_BURST,
        DEFAULT_REQUESTS_PER_SECOND, DEFAULT_REQUEST_BURST, DEFAULT_MAX_REFUSALS, DEFAULT_CONNECTIONS_PER_IP);
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, maxFrameBytes >= 256, "limits.maxFrameBytes", "must be at least 256");
    HubConfig.require(problems, maxRoomsPerSession >= 1, "limits.maxRoomsPerSession", "must be at least 1");
    HubConfig.require(problems, maxQueuedBytes >= 4096, "limits.maxQueuedBytes", "must be at least 4096");
    HubConfig.require(problems, publishPerSecond >= 1, "limits.publishPerSecond", "must be at least 1");
    HubConfig.require(problems, publishBurst >= 1, "limits.publishBurst", "must be at least 1");
    HubConfig.require(problems, joinsPerSecond >= 1, "limits.joinsPerSecond", "must be at least 1");
    HubConfig.require(problems, joinBurst >= 1, "limits.joinBurst", "must be at least 1");
    HubConfig.require(problems, requestsPerSecond >= 1, "limits.requestsPerSecond", "must be at least 1");
    HubConfig.require(problems, requestBurst >= 1, "limits.requestBurst", "must be at least 1");
    HubConfig.require(problems, maxRefusals >= 1, "limits.maxRefusals", "must be at least 1");
    HubConfig.require(problems, connectionsPerIp >= 1, "limits.connectionsPerIp", "must be at least 1");
  }
}

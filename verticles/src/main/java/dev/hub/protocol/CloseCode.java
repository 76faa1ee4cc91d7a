package dev.hub.protocol;

import java.util.Set;

/** The WebSocket close codes of PROTOCOL.md section 1. */
public final class CloseCode {
  /** Normal closure. */
  public static final short NORMAL = 1000;
  /** The node is shutting down, after {@code bye}. */
  public static final short GOING_AWAY = 1001;
  /** An inbound message over {@code limits.maxFrameBytes}. */
  public static final short TOO_BIG = 1009;
  /** Nothing heard within {@code heartbeat.timeoutMs}. */
  public static final short HEARTBEAT_TIMEOUT = 4000;
  /** The token expired while connected. */
  public static final short TOKEN_EXPIRED = 4001;
  /** Disconnected by the server (HTTP API), after {@code bye}; the client should not reconnect on its own. */
  public static final short DISCONNECTED = 4003;
  /** Outbound queue over {@code limits.maxQueuedBytes}. */
  public static final short SLOW_CONSUMER = 4008;
  /** The rate limit was exceeded repeatedly. */
  public static final short RATE_LIMITED = 4029;
  /** Never sent: what a connection that ended without a close frame is recorded as (RFC 6455). */
  public static final short NO_CLOSE_FRAME = 1006;

  private static final Set<Integer> KNOWN = Set.of((int) NORMAL, (int) GOING_AWAY, (int) TOO_BIG,
      (int) HEARTBEAT_TIMEOUT, (int) TOKEN_EXPIRED, (int) DISCONNECTED, (int) SLOW_CONSUMER, (int) RATE_LIMITED,
      (int) NO_CLOSE_FRAME);

  /**
   * Whether a code is one of the above; a client may close with any code from 1000 to 4999, so what is counted
   * or kept by code is bounded by this set.
   */
  public static boolean isKnown(int code) {
    return KNOWN.contains(code);
  }

  private CloseCode() {
  }
}

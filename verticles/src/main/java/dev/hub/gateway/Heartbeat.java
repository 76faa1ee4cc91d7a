package dev.hub.gateway;

import dev.hub.config.HeartbeatConfig;
import dev.hub.protocol.CloseCode;
import dev.hub.session.Session;
import io.vertx.core.Vertx;

/**
 * Liveness of one event loop's sessions with one periodic timer: pings every {@code heartbeat.intervalMs}
 * through each session's transport, and closes with 4000 whoever was silent for {@code heartbeat.timeoutMs}.
 * Presence is not touched here: the node vouches for all its sessions at once (see
 * {@link dev.hub.presence.PresenceVerticle}).
 */
final class Heartbeat {
  private final Vertx vertx;
  private final ShardSessions sessions;
  private final long intervalMs;
  private final long timeoutMs;
  private long timer = -1;

  Heartbeat(Vertx vertx, HeartbeatConfig config, ShardSessions sessions) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.intervalMs = config.intervalMs();
    this.timeoutMs = config.effectiveTimeoutMs();
  }

  void start() {
    timer = vertx.setPeriodic(tickMs(intervalMs, timeoutMs), id -> tick());
  }

  /**
   * Each session is pinged on its own schedule, counted from when it connected, so the work is spread over the
   * interval instead of arriving for every session at once, a burst that the events behind it would wait for. A
   * tick of at most a second bounds how late a ping is; at most a quarter of the timeout bounds how late a
   * silent session is closed.
   */
  private static long tickMs(long intervalMs, long timeoutMs) {
    return Math.max(10, Math.min(Math.min(1000, intervalMs / 4), timeoutMs / 4));
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private void tick() {
    long now = System.currentTimeMillis();
    for (Session session : sessions.snapshot()) {
      if (session.outbox().clientAnswers() && now - session.lastHeardAt() > timeoutMs) {
        sessions.close(session, CloseCode.HEARTBEAT_TIMEOUT, "heartbeat timeout");
        continue;
      }
      if (now - session.lastPingedAt() >= intervalMs) {
        session.pinged(now);
        session.outbox().ping();
      }
    }
  }
}

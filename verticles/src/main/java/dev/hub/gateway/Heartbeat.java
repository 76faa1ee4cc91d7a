package dev.hub.gateway;

import dev.hub.config.HeartbeatConfig;
import dev.hub.node.HubNode;
import dev.hub.presence.LiveSession;
import dev.hub.protocol.CloseCode;
import dev.hub.session.Session;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness of one event loop's sessions with one periodic timer: pings every {@code heartbeat.intervalMs},
 * closes with 4000 whoever was silent for {@code heartbeat.timeoutMs}, and touches presence for live sessions
 * no more often than {@code presence.refreshMs}.
 */
final class Heartbeat {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

  private final Vertx vertx;
  private final HubNode node;
  private final ShardSessions sessions;
  private final long intervalMs;
  private final long timeoutMs;
  private final long refreshMs;
  private long timer = -1;

  Heartbeat(Vertx vertx, HubNode node, ShardSessions sessions) {
    HeartbeatConfig config = node.config().heartbeat();
    this.vertx = vertx;
    this.node = node;
    this.sessions = sessions;
    this.intervalMs = config.intervalMs();
    this.timeoutMs = config.effectiveTimeoutMs();
    this.refreshMs = node.config().presence().refreshMs();
  }

  void start() {
    timer = vertx.setPeriodic(tickMs(intervalMs, timeoutMs, refreshMs), id -> tick());
  }

  /**
   * Each session is pinged and refreshed on its own schedule, counted from when it connected, so the work is
   * spread over the interval instead of arriving for every session at once, a burst that the events behind it
   * would wait for. A tick of at most a second bounds how late a ping or refresh is; at most a quarter of the
   * timeout bounds how late a silent session is closed.
   */
  private static long tickMs(long intervalMs, long timeoutMs, long refreshMs) {
    return Math.max(10, Math.min(Math.min(1000, intervalMs / 4), Math.min(timeoutMs / 4, refreshMs)));
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private void tick() {
    long now = System.currentTimeMillis();
    List<LiveSession> touched = new ArrayList<>();
    for (Session session : sessions.snapshot()) {
      if (now - session.lastHeardAt() > timeoutMs) {
        sessions.close(session, CloseCode.HEARTBEAT_TIMEOUT, "heartbeat timeout");
        continue;
      }
      if (now - session.lastPingedAt() >= intervalMs) {
        session.pinged(now);
        session.socket().writePing(Buffer.buffer());
      }
      if (now - session.lastTouchedAt() >= refreshMs) {
        session.touched(now);
        touched.add(new LiveSession(session.info(), Map.copyOf(session.memberships())));
      }
    }
    if (!touched.isEmpty()) {
      node.presence().touch(touched, now).onFailure(e -> LOG.warn("presence refresh failed", e));
    }
  }
}

package dev.hub.gateway;

import dev.hub.protocol.CloseCode;
import dev.hub.session.Session;
import io.vertx.core.Vertx;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Closes sessions with 4001 when their token expires, with one timer per event loop armed for the earliest
 * expiry, not one per session.
 */
final class ExpiryScheduler {
  private record Due(long atMs, Session session) {
  }

  private final Vertx vertx;
  private final ShardSessions sessions;
  private final long leewayMs;
  private final PriorityQueue<Due> queue = new PriorityQueue<>(Comparator.comparingLong(Due::atMs));
  private long timer = -1;
  private long armedFor = Long.MAX_VALUE;

  ExpiryScheduler(Vertx vertx, ShardSessions sessions, long leewayMs) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.leewayMs = leewayMs;
  }

  /** Watches a session whose token expires at {@code expiresAtMs}. */
  void watch(Session session, long expiresAtMs) {
    long at = expiresAtMs + leewayMs;
    queue.add(new Due(at, session));
    if (at < armedFor) {
      arm(at);
    }
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private void arm(long atMs) {
    vertx.cancelTimer(timer);
    armedFor = atMs;
    timer = vertx.setTimer(Math.max(1, atMs - System.currentTimeMillis()), id -> fire());
  }

  private void fire() {
    timer = -1;
    armedFor = Long.MAX_VALUE;
    long now = System.currentTimeMillis();
    while (!queue.isEmpty() && queue.peek().atMs() <= now) {
      Session session = queue.poll().session();
      if (session.isOpen()) {
        sessions.close(session, CloseCode.TOKEN_EXPIRED, "token expired");
      }
    }
    // Closed sessions leave their entries behind until due; cheap, and bounded by the sessions' lifetimes.
    if (!queue.isEmpty()) {
      arm(queue.peek().atMs());
    }
  }
}

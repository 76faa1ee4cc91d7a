package dev.hub.gateway;

import dev.hub.protocol.CloseCode;
import dev.hub.session.Session;
import io.vertx.core.Vertx;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Closes sessions with 4001 when their token expires, with one timer per event loop armed for the earliest
 * expiry, not one per session. A session that closes is forgotten at once, so a long token holds nothing.
 */
final class ExpiryScheduler {
  private record Due(long atMs, String session) {
  }

  private final Vertx vertx;
  private final ShardSessions sessions;
  private final long leewayMs;
  private final TreeSet<Due> queue = new TreeSet<>(Comparator.comparingLong(Due::atMs).thenComparing(Due::session));
  private final Map<String, Due> bySession = new HashMap<>();
  private long timer = -1;
  private long armedFor = Long.MAX_VALUE;

  ExpiryScheduler(Vertx vertx, ShardSessions sessions, long leewayMs) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.leewayMs = leewayMs;
  }

  /** Watches a session whose token expires at {@code expiresAtMs}, in place of any earlier expiry of it. */
  void watch(Session session, long expiresAtMs) {
    forget(session);
    Due due = new Due(expiresAtMs + leewayMs, session.id());
    queue.add(due);
    bySession.put(session.id(), due);
    if (due.atMs() < armedFor) {
      arm(due.atMs());
    }
  }

  void forget(Session session) {
    Due due = bySession.remove(session.id());
    if (due != null) {
      queue.remove(due);
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
    while (!queue.isEmpty() && queue.first().atMs() <= now) {
      Due due = queue.pollFirst();
      bySession.remove(due.session());
      sessions.find(due.session()).ifPresent(s -> sessions.close(s, CloseCode.TOKEN_EXPIRED, "token expired"));
    }
    if (!queue.isEmpty()) {
      arm(queue.first().atMs());
    }
  }
}

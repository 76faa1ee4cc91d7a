package dev.hub.gateway;

import dev.hub.auth.ConnectionCounter;
import dev.hub.auth.Identity;
import dev.hub.config.HubConfig;
import dev.hub.metrics.HubMetrics;
import dev.hub.node.NodeIdentity;
import dev.hub.presence.LiveSession;
import dev.hub.presence.PresenceService;
import dev.hub.presence.SessionInfo;
import dev.hub.protocol.CloseCode;
import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.ServerFrame;
import dev.hub.session.BatchScheduler;
import dev.hub.session.Session;
import dev.hub.session.SessionClosedException;
import dev.hub.session.SessionOutbox;
import dev.hub.session.Transport;
import dev.hub.session.TurnFlusher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sessions of one event loop, from welcome to the last presence cleanup; nothing is kept after that. */
final class ShardSessions {
  private static final Logger LOG = LoggerFactory.getLogger(ShardSessions.class);
  private static final EncodedFrame BYE = EncodedFrame.of(new ServerFrame.Bye("shutdown", true));
  private static final EncodedFrame DISCONNECTED = EncodedFrame.of(new ServerFrame.Bye("disconnected", false));

  private final HubConfig config;
  private final NodeIdentity identity;
  private final PresenceService presence;
  private final HubMetrics metrics;
  private final ConnectionCounter connections;
  private final LocalRooms rooms;
  private final BatchScheduler batches;
  private final TurnFlusher turns;
  private final ExpiryScheduler expiries;
  private final Map<String, Session> sessions = new LinkedHashMap<>();

  ShardSessions(Vertx vertx, GatewayPorts ports, LocalRooms rooms, BatchScheduler batches, TurnFlusher turns) {
    this.config = ports.config();
    this.identity = ports.identity();
    this.presence = ports.presence();
    this.metrics = ports.metrics();
    this.connections = ports.connections();
    this.rooms = rooms;
    this.batches = batches;
    this.turns = turns;
    this.expiries = new ExpiryScheduler(vertx, this, config.auth().leewayMs());
  }

  /**
   * Registers a new connection and sends {@code welcome}; presence registration is its first operation.
   *
   * @param address the remote address, already counted against {@code limits.connectionsPerIp}
   */
  Session open(Transport transport, Identity who, String address) {
    String id = identity.newSessionId();
    SessionInfo info = new SessionInfo(id, who.user() != null ? who.user() : "anon-" + id, identity.name(),
        System.currentTimeMillis(), who.meta());
    SessionOutbox outbox = new SessionOutbox(transport, metrics, batches, turns, config.batch().maxEvents(),
        config.limits().maxFrameBytes());
    Session session = new Session(info, outbox, who, address, config.limits());
    outbox.overflowHandler(() -> close(session, CloseCode.SLOW_CONSUMER, "slow consumer"));
    sessions.put(id, session);
    metrics.connectionOpened();
    outbox.reply(new ServerFrame.Welcome(id, info.user(), identity.name(), config.heartbeat().intervalMs(),
        ServerFrame.PROTOCOL_VERSION, who.expiresAtMs() == null ? null : who.expiresAtMs() / 1000));
    session.enqueue(() -> presence.connect(info)).onFailure(e -> logFailure("presence registration", id, e));
    if (who.expiresAtMs() != null) {
      expiries.watch(session, who.expiresAtMs());
    }
    return session;
  }

  /** A {@code refresh} replaced the session's token: its 4001 timer moves to the new expiry, or goes. */
  void refreshed(Session session, Identity who) {
    session.refreshed(who);
    if (who.expiresAtMs() != null) {
      expiries.watch(session, who.expiresAtMs());
    } else {
      expiries.forget(session);
    }
  }

  /** Closes a session from the server side: flush what is held, close with the code, clean up now. */
  Future<Void> close(Session session, short code, String reason) {
    session.outbox().closeTransport(code, reason);
    return gone(session, code);
  }

  /**
   * Forgets a session that closed, whoever closed it: out of its rooms, its expiry and the connection count here
   * at once; what it still had queued is dropped; out of presence once the operation it had running is done.
   * Runs once.
   */
  Future<Void> gone(Session session, int code) {
    if (!session.markClosed()) {
      return Future.succeededFuture();
    }
    session.outbox().close();
    sessions.remove(session.id());
    expiries.forget(session);
    connections.release(session.address());
    metrics.connectionClosed(code);
    for (String room : session.rooms()) {
      rooms.remove(room, session);
    }
    for (String pattern : session.patterns()) {
      rooms.removePattern(pattern, session);
    }
    return session.afterPending(() -> presence.disconnect(session.id()))
        .onFailure(e -> logFailure("presence cleanup", session.id(), e));
  }

  /** Each open session writes its presence again where the cluster lost it, after what it has queued. */
  void reassertPresence() {
    for (Session session : List.copyOf(sessions.values())) {
      session.enqueue(() -> presence.reassert(new LiveSession(session.info(), Map.copyOf(session.memberships()),
              Map.copyOf(session.states()))))
          .onFailure(e -> logFailure("presence re-assertion", session.id(), e));
    }
  }

  /**
   * The HTTP API disconnects the session: what is held, {@code bye} (no reconnect), close 4003.
   *
   * @return completes once the session is out of presence
   */
  Future<Void> disconnect(Session session) {
    session.outbox().ordered(DISCONNECTED);
    return close(session, CloseCode.DISCONNECTED, "disconnected by the server");
  }

  /** Shutdown: every session gets what is held, then {@code bye}, then close 1001. */
  Future<Void> drain() {
    List<Future<Void>> cleanups = new ArrayList<>();
    for (Session session : List.copyOf(sessions.values())) {
      session.outbox().ordered(BYE);
      cleanups.add(close(session, CloseCode.GOING_AWAY, "shutdown"));
    }
    return Future.join(cleanups).mapEmpty();
  }

  void stop() {
    expiries.stop();
  }

  Optional<Session> find(String id) {
    return Optional.ofNullable(sessions.get(id));
  }

  /** A copy of the sessions, safe to walk while closing some. */
  List<Session> snapshot() {
    return List.copyOf(sessions.values());
  }

  private static void logFailure(String what, String session, Throwable e) {
    if (!(e instanceof SessionClosedException)) {
      LOG.warn("{} of {} failed", what, session, e);
    }
  }
}

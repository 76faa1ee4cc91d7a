package dev.hub.gateway;

import dev.hub.auth.Identity;
import dev.hub.node.HubNode;
import dev.hub.presence.SessionInfo;
import dev.hub.protocol.CloseCode;
import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.ServerFrame;
import dev.hub.session.BatchScheduler;
import dev.hub.session.Session;
import dev.hub.session.SessionOutbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sessions of one event loop, from welcome to the last presence cleanup. */
final class ShardSessions {
  private static final Logger LOG = LoggerFactory.getLogger(ShardSessions.class);
  private static final EncodedFrame BYE = EncodedFrame.of(new ServerFrame.Bye("shutdown", true));

  private final HubNode node;
  private final LocalRooms rooms;
  private final BatchScheduler batches;
  private final ExpiryScheduler expiries;
  private final Map<String, Session> sessions = new LinkedHashMap<>();

  ShardSessions(Vertx vertx, HubNode node, LocalRooms rooms, BatchScheduler batches) {
    this.node = node;
    this.rooms = rooms;
    this.batches = batches;
    this.expiries = new ExpiryScheduler(vertx, this, node.config().auth().leewayMs());
  }

  /**
   * Registers a new connection and sends {@code welcome}; presence registration is its first operation.
   *
   * @param address the remote address, already counted against {@code limits.connectionsPerIp}
   */
  Session open(ServerWebSocket socket, Identity identity, String address) {
    String id = node.newSessionId();
    SessionInfo info = new SessionInfo(id, identity.user() != null ? identity.user() : "anon-" + id, node.name(),
        System.currentTimeMillis(), identity.meta());
    SessionOutbox outbox = new SessionOutbox(socket, node.metrics(), batches, node.config().batch().maxEvents(),
        GatewayVerticle.decoderFrameLimit(node.config().limits().maxFrameBytes()));
    Session session = new Session(info, socket, outbox, identity, address, node.config().limits());
    outbox.overflowHandler(() -> close(session, CloseCode.SLOW_CONSUMER, "slow consumer"));
    sessions.put(id, session);
    node.metrics().connectionOpened();
    outbox.reply(new ServerFrame.Welcome(id, info.user(), node.name(),
        node.config().heartbeat().intervalMs(), ServerFrame.PROTOCOL_VERSION));
    session.enqueue(() -> node.presence().connect(info))
        .onFailure(e -> LOG.warn("presence registration of {} failed", id, e));
    if (identity.expiresAtMs() != null) {
      expiries.watch(session, identity.expiresAtMs());
    }
    return session;
  }

  /** Closes a session from the server side: flush what is held, close with the code, clean up now. */
  Future<Void> close(Session session, short code, String reason) {
    session.outbox().flush();
    session.outbox().close();
    if (!session.socket().isClosed()) {
      session.socket().close(code, reason);
    }
    return gone(session, code);
  }

  /**
   * Forgets a session that closed, whoever closed it: out of its rooms here at once, out of presence after
   * whatever operation it still had running. Runs once.
   */
  Future<Void> gone(Session session, int code) {
    if (!session.markClosed()) {
      return Future.succeededFuture();
    }
    session.outbox().close();
    sessions.remove(session.id());
    node.connections().release(session.address());
    node.metrics().connectionClosed(code);
    for (String room : session.rooms()) {
      rooms.remove(room, session);
    }
    return session.<Void>enqueue(() -> node.presence().disconnect(session.id())
        .map(left -> {
          left.forEach(node.announcer()::left);
          return null;
        }))
        .onFailure(e -> LOG.warn("presence cleanup of {} failed", session.id(), e));
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

  /** A copy of the sessions, safe to walk while closing some. */
  List<Session> snapshot() {
    return List.copyOf(sessions.values());
  }
}

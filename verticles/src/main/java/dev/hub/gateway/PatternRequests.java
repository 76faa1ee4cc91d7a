package dev.hub.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.ProtocolException;
import dev.hub.protocol.ServerFrame;
import dev.hub.session.Session;
import io.vertx.core.Future;

/**
 * {@code join} and {@code leave} of a pattern (PROTOCOL.md section 9) for the sessions of one event loop: routing
 * only, so no presence is written and nothing is announced; a pattern counts towards
 * {@code limits.maxRoomsPerSession} like a room.
 */
final class PatternRequests {
  private final LocalRooms rooms;
  private final int maxRooms;

  PatternRequests(LocalRooms rooms, int maxRooms) {
    this.rooms = rooms;
    this.maxRooms = maxRooms;
  }

  /** Completes with the ack once every matching event published anywhere afterwards reaches the session. */
  Future<ServerFrame> join(Session session, JsonNode ref, String pattern) {
    if (!session.identity().permissions().mayJoinPattern(pattern)) {
      throw new ProtocolException(ErrorCode.FORBIDDEN, "the token's join patterns do not cover " + pattern);
    }
    if (session.patterns().contains(pattern)) {
      return Future.succeededFuture(new ServerFrame.PatternAck(ref, pattern));
    }
    if (session.subscriptions() >= maxRooms) {
      throw new ProtocolException(ErrorCode.TOO_MANY_ROOMS,
          "a session may be in at most " + maxRooms + " rooms and patterns");
    }
    session.subscribed(pattern);
    return rooms.addPattern(pattern, session)
        .<ServerFrame>map(v -> new ServerFrame.PatternAck(ref, pattern))
        .onFailure(e -> leave(session, pattern));
  }

  Future<ServerFrame> leave(Session session, JsonNode ref, String pattern) {
    if (!session.patterns().contains(pattern)) {
      throw new ProtocolException(ErrorCode.NOT_JOINED, "not subscribed to pattern " + pattern);
    }
    leave(session, pattern);
    return Future.succeededFuture(new ServerFrame.Ack(ref, pattern, null, null));
  }

  /** Ends a subscription, whoever ends it (the client, a refresh, the session's close). */
  void leave(Session session, String pattern) {
    if (session.unsubscribed(pattern)) {
      rooms.removePattern(pattern, session);
    }
  }
}

package dev.hub.gateway;

import dev.hub.presence.PresenceService;
import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.Member;
import dev.hub.protocol.Names;
import dev.hub.protocol.ServerFrame;
import dev.hub.session.Session;
import io.vertx.core.Future;

/**
 * Rooms a session enters or leaves because the server says so, not the client: a service through the HTTP API
 * ({@code joined}, {@code left} with reason {@code server}) or a {@code refresh} whose token no longer allows a
 * room ({@code left} with reason {@code permissions}). Presence and its diffs are as for the client's own
 * {@code join} and {@code leave}. Called in the session's request order.
 */
final class ServerMemberships {
  private final PresenceService presence;
  private final LocalRooms rooms;
  private final PatternRequests patterns;

  ServerMemberships(PresenceService presence, LocalRooms rooms, PatternRequests patterns) {
    this.presence = presence;
    this.rooms = rooms;
    this.patterns = patterns;
  }

  /** Joins the session to a room and tells it with {@code joined}, once the room's events reach it. */
  Future<Void> join(Session session, String room) {
    if (session.rooms().contains(room)) {
      return presence.queries().count(room).map(count -> joined(session, room, count));
    }
    Member member = session.info().asMember(System.currentTimeMillis());
    session.joined(room, member.joinedAt());
    return rooms.add(room, session)
        .compose(v -> presence.join(room, member))
        .map(count -> joined(session, room, count))
        .onFailure(e -> {
          session.left(room);
          rooms.remove(room, session);
        });
  }

  /**
   * Takes the session out of a room or pattern and tells it with {@code left}.
   *
   * @return false when it was in neither
   */
  Future<Boolean> leave(Session session, String room, String reason) {
    if (Names.isPattern(room)) {
      if (!session.patterns().contains(room)) {
        return Future.succeededFuture(false);
      }
      patterns.leave(session, room);
      session.outbox().ordered(left(room, reason));
      return Future.succeededFuture(true);
    }
    if (!session.left(room)) {
      return Future.succeededFuture(false);
    }
    rooms.remove(room, session);
    // Whatever of the room is still held for the session goes first; nothing of it comes after.
    session.outbox().ordered(left(room, reason));
    return presence.leave(room, session.id()).map(true);
  }

  private static Void joined(Session session, String room, int members) {
    session.outbox().ordered(EncodedFrame.of(new ServerFrame.Joined(room, members)));
    return null;
  }

  private static EncodedFrame left(String room, String reason) {
    return EncodedFrame.of(new ServerFrame.Left(room, reason));
  }
}

package dev.hub.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.history.RoomHistory;
import dev.hub.metrics.HubMetrics;
import dev.hub.node.RequestRelay;
import dev.hub.presence.PresenceService;
import dev.hub.protocol.Member;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.CloseCode;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.FrameParser;
import dev.hub.protocol.ProtocolException;
import dev.hub.protocol.ServerFrame;
import dev.hub.room.Publication;
import dev.hub.room.RoomPublisher;
import dev.hub.session.Session;
import dev.hub.session.SessionClosedException;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves the requests of PROTOCOL.md section 1 for the sessions of one event loop. */
final class ClientRequests {
  private static final Logger LOG = LoggerFactory.getLogger(ClientRequests.class);

  private final PresenceService presence;
  private final RoomPublisher publisher;
  private final RoomHistory history;
  private final RequestRelay relay;
  private final HubMetrics metrics;
  private final LocalRooms rooms;
  private final ShardSessions sessions;
  private final int maxRooms;
  private final int maxRefusals;

  ClientRequests(GatewayPorts ports, LocalRooms rooms, ShardSessions sessions) {
    this.presence = ports.presence();
    this.publisher = ports.publisher();
    this.history = ports.history();
    this.relay = ports.requests();
    this.metrics = ports.metrics();
    this.rooms = rooms;
    this.sessions = sessions;
    this.maxRooms = ports.config().limits().maxRoomsPerSession();
    this.maxRefusals = ports.config().limits().maxRefusals();
  }

  /** One complete text message from the session. */
  void handle(Session session, byte[] message) {
    metrics.frameIn();
    ClientFrame frame;
    try {
      frame = FrameParser.parse(message);
    } catch (ProtocolException e) {
      error(session, e.ref(), e.code(), e.getMessage());
      return;
    }
    JsonNode ref = frame.ref();
    if (frame instanceof ClientFrame.Ping) {
      session.outbox().reply(new ServerFrame.Pong(ref, System.currentTimeMillis()));
    } else if (frame instanceof ClientFrame.Request request) {
      if (!session.identity().permissions().mayRequest(request.event())) {
        error(session, ref, ErrorCode.FORBIDDEN, "the token does not allow requests for " + request.event());
        return;
      }
      if (admitted(session, session.requests().tryTake(), ref)) {
        session.enqueue(() -> request(session, request)).onFailure(e -> failed(session, ref, e));
      }
    } else if (frame instanceof ClientFrame.Join join) {
      if (admitted(session, session.joins().tryTake(), ref)) {
        session.enqueue(() -> join(session, join)).onFailure(e -> failed(session, ref, e));
      }
    } else if (frame instanceof ClientFrame.Leave leave) {
      session.enqueue(() -> leave(session, leave)).onFailure(e -> failed(session, ref, e));
    } else if (frame instanceof ClientFrame.Publish publish) {
      if (admitted(session, session.publishes().tryTake(), ref)) {
        session.enqueue(() -> publish(session, publish)).onFailure(e -> failed(session, ref, e));
      }
    } else if (frame instanceof ClientFrame.PresenceQuery query) {
      if (admitted(session, session.requests().tryTake(), ref)) {
        session.enqueue(() -> presence(session, query)).onFailure(e -> failed(session, ref, e));
      }
    }
  }

  /** A join the server makes for the session (the rooms of an SSE stream), in its order like its own. */
  void joinFor(Session session, ClientFrame.Join join) {
    session.enqueue(() -> join(session, join)).onFailure(e -> failed(session, join.ref(), e));
  }

  /** A binary message: refused, the connection stays. */
  void binary(Session session) {
    metrics.frameIn();
    error(session, null, ErrorCode.BAD_FRAME, "binary frames are not accepted; send JSON text frames");
  }

  private Future<Void> join(Session session, ClientFrame.Join join) {
    String room = join.room();
    if (!session.identity().permissions().mayJoin(room)) {
      throw new ProtocolException(ErrorCode.FORBIDDEN, "the token does not allow joining " + room);
    }
    boolean kept = history.covers(room);
    if (session.rooms().contains(room)) {
      return presence.queries().count(room).compose(count -> kept
          ? history.position(room).map(at -> reply(session, new ServerFrame.Ack(join.ref(), room, count, null,
              at.seq(), at.epoch(), null)))
          : Future.succeededFuture(reply(session, new ServerFrame.Ack(join.ref(), room, count, null))));
    }
    if (session.rooms().size() >= maxRooms) {
      throw new ProtocolException(ErrorCode.TOO_MANY_ROOMS, "a session may be in at most " + maxRooms + " rooms");
    }
    Member member = session.info().asMember(System.currentTimeMillis());
    session.joined(room, member.joinedAt());
    Future<Integer> joined = rooms.add(room, session).compose(v -> presence.join(room, member));
    Future<Void> answered = kept
        ? joined.compose(count -> recover(session, join).map(replay -> {
            RoomHistory.Position at = replay.position();
            reply(session, new ServerFrame.Ack(join.ref(), room, count, null, at.seq(), at.epoch(),
                join.since() == null ? null : replay.recovered()));
            rooms.live(room, session, at.seq(), replay.events());
            return (Void) null;
          }))
        : joined.map(count -> reply(session, new ServerFrame.Ack(join.ref(), room, count, null)));
    return answered.onFailure(e -> {
      session.left(room);
      rooms.remove(room, session);
      if (joined.succeeded()) {
        presence.leave(room, session.id());
      }
    });
  }

  /** What the joiner of a history room missed since its point, or only where the room stands. */
  private Future<RoomHistory.Replay> recover(Session session, ClientFrame.Join join) {
    if (join.since() == null) {
      return history.position(join.room()).map(at -> new RoomHistory.Replay(at, true, List.of()));
    }
    return history.since(join.room(), join.since(), Integer.MAX_VALUE);
  }

  private Future<Void> leave(Session session, ClientFrame.Leave leave) {
    String room = leave.room();
    if (!session.left(room)) {
      throw new ProtocolException(ErrorCode.NOT_JOINED, "not in room " + room);
    }
    rooms.remove(room, session);
    return presence.leave(room, session.id())
        .map(left -> reply(session, new ServerFrame.Ack(leave.ref(), room, null, null)));
  }

  private Future<Void> publish(Session session, ClientFrame.Publish publish) {
    boolean joined = session.rooms().contains(publish.room());
    if (!session.identity().permissions().mayPublish(publish.room(), joined)) {
      if (session.identity().permissions().isOpen()) {
        throw new ProtocolException(ErrorCode.NOT_JOINED, "join room " + publish.room() + " before publishing to it");
      }
      throw new ProtocolException(ErrorCode.FORBIDDEN, "the token does not allow publishing to " + publish.room());
    }
    return publisher.publish(new Publication.FromClient(publish.room(), publish.event(), publish.data(), publish.id(),
            session.user(), session.id(), publish.echo()))
        .map(result -> reply(session, new ServerFrame.Ack(publish.ref(), null, null, result.id())));
  }

  /** Sent in the session's order; the reply comes whenever it comes, holding up none of its later requests. */
  private Future<Void> request(Session session, ClientFrame.Request request) {
    relay.request(request.event(), request.data(), request.timeoutMs(), session.user(), session.id())
        .onSuccess(data -> reply(session, new ServerFrame.Reply(request.ref(), data)))
        .onFailure(e -> failed(session, request.ref(), e));
    return Future.succeededFuture();
  }

  private Future<Void> presence(Session session, ClientFrame.PresenceQuery query) {
    if (!session.rooms().contains(query.room()) && !session.identity().permissions().mayJoin(query.room())) {
      throw new ProtocolException(ErrorCode.FORBIDDEN, "the token does not allow seeing " + query.room());
    }
    return presence.queries().members(query.room())
        .map(members -> reply(session, new ServerFrame.Presence(query.ref(), query.room(), members)));
  }

  /**
   * Whether a rate-limited request may go ahead; refuses it with {@code rate_limited} otherwise, and closes
   * with 4029 a session that keeps going through {@code limits.maxRefusals} refusals in a row, of any kind.
   */
  private boolean admitted(Session session, boolean tokenTaken, JsonNode ref) {
    if (tokenTaken) {
      session.admitted();
      return true;
    }
    error(session, ref, ErrorCode.RATE_LIMITED, "too many requests; slow down");
    if (session.refused() >= maxRefusals) {
      sessions.close(session, CloseCode.RATE_LIMITED, "rate limit exceeded repeatedly");
    }
    return false;
  }

  private Void reply(Session session, ServerFrame frame) {
    session.outbox().reply(frame);
    return null;
  }

  private void failed(Session session, JsonNode ref, Throwable failure) {
    if (failure instanceof SessionClosedException) {
      return;
    }
    if (failure instanceof ProtocolException e) {
      error(session, ref, e.code(), e.getMessage());
    } else {
      LOG.warn("request of session {} failed", session.id(), failure);
      error(session, ref, ErrorCode.INTERNAL, "the request failed on the server; try again");
    }
  }

  private void error(Session session, JsonNode ref, ErrorCode code, String message) {
    metrics.error(code);
    session.outbox().reply(new ServerFrame.Error(ref, code, message));
  }
}

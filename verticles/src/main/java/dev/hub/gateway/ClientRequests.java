package dev.hub.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.api.PublishHook;
import dev.hub.history.RoomHistory;
import dev.hub.hooks.BackendHooks;
import dev.hub.metrics.HubMetrics;
import dev.hub.node.RequestRelay;
import dev.hub.presence.PresenceService;
import dev.hub.protocol.Member;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.CloseCode;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.FrameParser;
import dev.hub.protocol.Names;
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
  private final BackendHooks hooks;
  private final HubMetrics metrics;
  private final LocalRooms rooms;
  private final ShardSessions sessions;
  private final PatternRequests patterns;
  private final StateRequests states;
  private final TokenRefresh refreshes;
  private final int maxRooms;
  private final int maxRefusals;

  ClientRequests(GatewayPorts ports, LocalRooms rooms, ShardSessions sessions, PatternRequests patterns,
      TokenRefresh refreshes) {
    this.presence = ports.presence();
    this.publisher = ports.publisher();
    this.history = ports.history();
    this.relay = ports.requests();
    this.hooks = ports.hooks();
    this.metrics = ports.metrics();
    this.rooms = rooms;
    this.sessions = sessions;
    this.patterns = patterns;
    this.states = new StateRequests(presence, ports.config().presence().maxStateBytes());
    this.refreshes = refreshes;
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
    } else if (frame instanceof ClientFrame.State state) {
      if (admitted(session, session.requests().tryTake(), ref)) {
        session.enqueue(() -> states.state(session, state).map(ack -> reply(session, ack)))
            .onFailure(e -> failed(session, ref, e));
      }
    } else if (frame instanceof ClientFrame.Refresh refresh) {
      if (admitted(session, session.requests().tryTake(), ref)) {
        session.enqueue(() -> refreshes.refresh(session, refresh).map(ack -> reply(session, ack)))
            .onFailure(e -> failed(session, ref, e));
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
    if (Names.isPattern(room)) {
      return patterns.join(session, join.ref(), room).map(ack -> reply(session, ack));
    }
    if (!session.rooms().contains(room) && hooks.asksJoin(room, session.identity().permissions())) {
      // The session's later requests wait in its queue meanwhile, so their order holds.
      return hooks.join(session.user(), session.id(), room, session.identity().meta())
          .compose(allowed -> joinAllowed(session, join));
    }
    if (!session.identity().permissions().mayJoin(room)) {
      throw new ProtocolException(ErrorCode.FORBIDDEN, "the token does not allow joining " + room);
    }
    return joinAllowed(session, join);
  }

  /** A join of a room (not a pattern) the session may join. */
  private Future<Void> joinAllowed(Session session, ClientFrame.Join join) {
    String room = join.room();
    boolean kept = history.covers(room);
    if (session.rooms().contains(room)) {
      holdForSnapshot(session, join);
      return presence.queries().count(room)
          .compose(count -> (kept ? history.position(room).map(at -> new RoomHistory.Replay(at, true, List.of()))
              : Future.<RoomHistory.Replay>succeededFuture(null))
              .compose(replay -> ack(session, join, count, replay, false)))
          .onFailure(e -> releaseHeld(session, room));
    }
    if (session.subscriptions() >= maxRooms) {
      throw new ProtocolException(ErrorCode.TOO_MANY_ROOMS, "a session may be in at most " + maxRooms + " rooms");
    }
    Member member = session.info().asMember(System.currentTimeMillis());
    session.joined(room, member.joinedAt());
    holdForSnapshot(session, join);
    Future<Integer> joined = rooms.add(room, session).compose(v -> presence.join(room, member));
    return joined
        .compose(count -> (kept ? recover(join) : Future.<RoomHistory.Replay>succeededFuture(null))
            .compose(replay -> ack(session, join, count, replay, true)))
        .onFailure(e -> {
          session.releaseRoomFrames(room);
          session.left(room);
          rooms.remove(room, session);
          if (joined.succeeded()) {
            presence.leave(room, session.id());
          }
        });
  }

  /** What the joiner of a history room missed since its point, or only where the room stands. */
  private Future<RoomHistory.Replay> recover(ClientFrame.Join join) {
    if (join.since() == null) {
      return history.position(join.room()).map(at -> new RoomHistory.Replay(at, true, List.of()));
    }
    return history.since(join.room(), join.since(), Integer.MAX_VALUE);
  }

  /**
   * A join that asks for presence holds the room's {@code presence_diff} frames from before the session is a
   * member until its ack with the snapshot is out: every change the snapshot may have missed comes after it,
   * so applying the diffs that follow the ack to the snapshot gives the room's members.
   */
  private static void holdForSnapshot(Session session, ClientFrame.Join join) {
    if (join.presence()) {
      session.holdRoomFrames(join.room());
    }
  }

  /**
   * The join's ack: with {@code presence}, the members read now, then what was held meanwhile; for a history
   * room, where it stands, and for a new member ({@code live}), what it missed, then live events past that.
   *
   * @param replay the history room's read, or {@code null} for a room without history
   */
  private Future<Void> ack(Session session, ClientFrame.Join join, int count, RoomHistory.Replay replay,
      boolean live) {
    String room = join.room();
    Long seq = replay == null ? null : replay.position().seq();
    String epoch = replay == null ? null : replay.position().epoch();
    Boolean recovered = replay == null || join.since() == null ? null : replay.recovered();
    Future<List<Member>> snapshot = join.presence() ? presence.queries().members(room) : Future.succeededFuture(null);
    return snapshot.map(members -> {
      reply(session, new ServerFrame.Ack(join.ref(), room, members == null ? count : members.size(), null, seq, epoch,
          recovered, members));
      if (replay != null && live) {
        rooms.live(room, session, replay.position(), replay.events());
      }
      return (Void) null;
    }).onComplete(done -> {
      if (join.presence()) {
        releaseHeld(session, room);
      }
    });
  }

  private static void releaseHeld(Session session, String room) {
    session.releaseRoomFrames(room).forEach(frame -> session.outbox().ordered(frame));
  }

  private Future<Void> leave(Session session, ClientFrame.Leave leave) {
    String room = leave.room();
    if (Names.isPattern(room)) {
      return patterns.leave(session, leave.ref(), room).map(ack -> reply(session, ack));
    }
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
    if (hooks.asksPublish(publish.room())) {
      // The session's later requests wait in its queue for the answer, so their order holds.
      return hooks.publish(new PublishHook.Request(session.user(), session.id(), publish.room(), publish.event(),
          publish.data(), publish.id())).compose(data -> place(session, publish, data));
    }
    return place(session, publish, publish.data());
  }

  /** Publishes an allowed event, with {@code data} (the client's, or the publish hook's in its place). */
  private Future<Void> place(Session session, ClientFrame.Publish publish, JsonNode data) {
    RoomPublisher.Publishing publishing = publisher.publish(new Publication.FromClient(publish.room(),
        publish.event(), data, publish.id(), session.user(), session.id(), publish.echo()));
    publishing.result()
        .onSuccess(result -> reply(session, new ServerFrame.Ack(publish.ref(), null, null, result.id())))
        .onFailure(e -> failed(session, publish.ref(), e));
    // The next frame need not wait for the history to keep this event: its order is fixed once placed.
    return publishing.placed();
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

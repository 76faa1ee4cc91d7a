package dev.hub.gateway;

import dev.hub.hooks.BackendHooks;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.Names;
import dev.hub.protocol.ProtocolException;
import dev.hub.session.Session;
import dev.hub.session.SseTransport;
import dev.hub.session.VertxInternals;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code GET /sse?rooms=R1,R2} (PROTOCOL.md section 3): the same session as a WebSocket's, over Server-Sent
 * Events. The rooms are checked before the stream starts (400 for a bad or missing name or too many, 403 for
 * one the token does not allow; one the join hook decides is asked as it is joined, and refused with an
 * {@code error} event), then joined in order as the client's own joins would be, each history room
 * from {@code Last-Event-ID} (header, or {@code ?lastEventId=}).
 */
final class SseEndpoint {
  /** What a reader waits before reconnecting, the first line of every stream. */
  private static final String RETRY = "retry: 2000\n\n";

  private final Admission admission;
  private final BackendHooks hooks;
  private final ShardSessions sessions;
  private final ClientRequests requests;
  private final int maxRooms;
  private final int maxQueuedBytes;
  private final VertxInternals internals;

  SseEndpoint(GatewayPorts ports, Admission admission, ShardSessions sessions, ClientRequests requests) {
    this.admission = admission;
    this.hooks = ports.hooks();
    this.sessions = sessions;
    this.requests = requests;
    this.maxRooms = ports.config().limits().maxRoomsPerSession();
    this.maxQueuedBytes = ports.config().limits().maxQueuedBytes();
    this.internals = ports.internals();
  }

  void open(RoutingContext ctx) {
    admission.admit(ctx.request(), "sse", (request, admitted) -> {
      Set<String> rooms = rooms(request.getParam("rooms"));
      for (String room : rooms) {
        if (!Names.isPattern(room) && hooks.asksJoin(room, admitted.identity().permissions())) {
          // The join hook decides it when the session joins it, first thing on the stream.
          continue;
        }
        if (Names.isPattern(room) ? !admitted.identity().permissions().mayJoinPattern(room)
            : !admitted.identity().permissions().mayJoin(room)) {
          return Future.failedFuture(new ProtocolException(ErrorCode.FORBIDDEN,
              "the token does not allow joining " + room));
        }
      }
      stream(request, admitted, rooms);
      return Future.succeededFuture();
    }, "could not open the event stream");
  }

  private void stream(HttpServerRequest request, Admission.Admitted admitted, Set<String> rooms) {
    HttpServerResponse response = request.response()
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.setWriteQueueMaxSize(maxQueuedBytes);
    response.write(RETRY);
    Session session = sessions.open(new SseTransport(request, internals), admitted.identity(), admitted.address());
    response.closeHandler(v -> sessions.gone(session, 1000));
    String lastEventId = request.getHeader("Last-Event-ID");
    if (lastEventId == null) {
      lastEventId = request.getParam("lastEventId");
    }
    ClientFrame.Since since = lastEventId == null || lastEventId.isEmpty() ? null
        : ClientFrame.Since.eventId(lastEventId);
    for (String room : rooms) {
      requests.joinFor(session, new ClientFrame.Join(null, room, Names.isPattern(room) ? null : since, false));
    }
  }

  private Set<String> rooms(String param) {
    if (param == null || param.isEmpty()) {
      throw new ProtocolException(ErrorCode.MISSING_FIELD, "rooms: a comma-separated list of rooms to follow");
    }
    Set<String> rooms = new LinkedHashSet<>();
    for (String room : param.split(",", -1)) {
      if (!Names.isRoom(room) && !Names.isPattern(room)) {
        throw new ProtocolException(ErrorCode.INVALID_ROOM, "not a valid room name or pattern: " + room);
      }
      rooms.add(room);
    }
    if (rooms.size() > maxRooms) {
      throw new ProtocolException(ErrorCode.TOO_MANY_ROOMS, "a session may be in at most " + maxRooms + " rooms");
    }
    return rooms;
  }
}

package dev.hub.gateway;

import dev.hub.auth.Identity;
import dev.hub.protocol.CloseCode;
import dev.hub.session.Session;
import dev.hub.session.VertxInternals;
import dev.hub.session.WebSocketTransport;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /ws}: checks the upgrade, then wires a new session's socket to its handlers. */
final class WebSocketEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketEndpoint.class);

  private final Admission admission;
  private final VertxInternals internals;
  private final ShardSessions sessions;
  private final ClientRequests requests;
  private final int maxMessageBytes;
  private final int maxQueuedBytes;

  WebSocketEndpoint(GatewayPorts ports, Admission admission, ShardSessions sessions, ClientRequests requests) {
    this.admission = admission;
    this.internals = ports.internals();
    this.sessions = sessions;
    this.requests = requests;
    this.maxMessageBytes = ports.config().limits().maxFrameBytes();
    this.maxQueuedBytes = ports.config().limits().maxQueuedBytes();
  }

  /**
   * Admits the client ({@link Admission}), then upgrades. It takes the request before Vert.x Web's router
   * ({@link GatewayVerticle}): an upgrade needs none of the router's per-request work (its routing context,
   * forwarded-header parsing, CORS, which browsers do not apply to WebSockets).
   */
  void upgrade(HttpServerRequest request) {
    admission.admit(request, "websocket", (r, admitted) -> r.toWebSocket().map(socket -> {
      internals.upgraded(r.connection(), socket);
      accept(socket, admitted.identity(), admitted.address());
      return socket;
    }), "expected a WebSocket upgrade");
  }

  private void accept(ServerWebSocket socket, Identity identity, String address) {
    socket.setWriteQueueMaxSize(maxQueuedBytes);
    Session session = sessions.open(new WebSocketTransport(socket, internals), identity, address);
    MessageAssembler assembler = new MessageAssembler(maxMessageBytes);
    socket.frameHandler(frame -> {
      if (!session.isOpen()) {
        // Closing: whatever the client sent behind the frame that closed it is not served.
        return;
      }
      session.heard(System.currentTimeMillis());
      switch (assembler.accept(frame)) {
        case TEXT -> requests.handle(session, assembler.message());
        case BINARY -> requests.binary(session);
        case TOO_LARGE -> sessions.close(session, CloseCode.TOO_BIG, "message larger than " + maxMessageBytes);
        default -> { }
      }
    });
    socket.exceptionHandler(e -> {
      LOG.debug("session {}: {}", session.id(), e.toString());
      if (e instanceof CorruptedWebSocketFrameException refused) {
        // A frame the decoder refused (over twice the limit, or malformed); Vert.x drops the connection next.
        sessions.close(session, (short) refused.closeStatus().code(), "refused by the WebSocket decoder");
      }
    });
    socket.closeHandler(v -> {
      Short code = socket.closeStatusCode();
      sessions.gone(session, code == null ? CloseCode.NO_CLOSE_FRAME : code);
    });
  }
}

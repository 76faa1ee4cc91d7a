package dev.hub.gateway;

import dev.hub.auth.BearerTokens;
import dev.hub.auth.Identity;
import dev.hub.auth.InvalidTokenException;
import dev.hub.auth.ConnectionCounter;
import dev.hub.auth.OriginPolicy;
import dev.hub.auth.TokenVerifier;
import dev.hub.http.ClientAddress;
import dev.hub.http.HttpReplies;
import dev.hub.metrics.HubMetrics;
import dev.hub.node.NodeState;
import dev.hub.protocol.CloseCode;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.Json;
import dev.hub.protocol.Names;
import dev.hub.protocol.ProtocolException;
import dev.hub.session.Session;
import dev.hub.session.VertxInternals;
import dev.hub.session.WebSocketTransport;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws}: checks the upgrade, then wires a new session's socket to its handlers. It takes the request
 * before Vert.x Web's router ({@link GatewayVerticle}): an upgrade needs none of the router's per-request work
 * (its routing context, forwarded-header parsing, CORS, which browsers do not apply to WebSockets), and counts
 * its own refusals in {@code hub_errors_total}.
 */
final class WebSocketEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketEndpoint.class);

  private final NodeState state;
  private final OriginPolicy origins;
  private final ConnectionCounter connections;
  private final Optional<TokenVerifier> verifier;
  private final VertxInternals internals;
  private final ShardSessions sessions;
  private final ClientRequests requests;
  private final int maxMessageBytes;
  private final int maxQueuedBytes;
  private final ClientAddress clientAddress;
  private final HubMetrics metrics;

  WebSocketEndpoint(GatewayPorts ports, ShardSessions sessions, ClientRequests requests) {
    this.state = ports.state();
    this.origins = ports.origins();
    this.connections = ports.connections();
    this.verifier = ports.verifier();
    this.internals = ports.internals();
    this.sessions = sessions;
    this.requests = requests;
    this.maxMessageBytes = ports.config().limits().maxFrameBytes();
    this.maxQueuedBytes = ports.config().limits().maxQueuedBytes();
    this.clientAddress = new ClientAddress(ports.config().http().trustedProxies());
    this.metrics = ports.metrics();
  }

  /**
   * Checks, in order: draining (503), origin (403), connections from the address (429), identity (401 for a
   * bad token, 400 for a bad {@code ?user=}); only then upgrades, so nothing is registered for a refusal.
   */
  void upgrade(HttpServerRequest request) {
    if (state.draining()) {
      refuse(request, ErrorCode.UNAVAILABLE.httpStatus(), ErrorCode.UNAVAILABLE,
          "this node is shutting down; connect to another");
      return;
    }
    if (!origins.allows(request.getHeader("Origin"))) {
      refuse(request, ErrorCode.FORBIDDEN.httpStatus(), ErrorCode.FORBIDDEN, "origin not allowed");
      return;
    }
    String address = clientAddress.of(request);
    if (!connections.tryAcquire(address)) {
      refuse(request, ErrorCode.RATE_LIMITED.httpStatus(), ErrorCode.RATE_LIMITED,
          "too many connections from this address");
      return;
    }
    identify(request)
        .compose(identity -> request.toWebSocket().map(socket -> {
          internals.upgraded(request.connection(), socket);
          accept(socket, identity, address);
          return socket;
        }))
        .onFailure(e -> {
          connections.release(address);
          if (e instanceof InvalidTokenException) {
            refuse(request, 401, ErrorCode.FORBIDDEN, e.getMessage());
          } else if (e instanceof ProtocolException bad) {
            refuse(request, 400, bad.code(), bad.getMessage());
          } else {
            LOG.debug("upgrade from {} failed", address, e);
            refuse(request, 400, ErrorCode.BAD_FRAME, "expected a WebSocket upgrade");
          }
        });
  }

  /** An HTTP error answer as the API gives them (PROTOCOL.md section 7), counted by its code. */
  private void refuse(HttpServerRequest request, int status, ErrorCode code, String message) {
    if (request.response().ended()) {
      return;
    }
    metrics.error(code);
    request.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(Buffer.buffer(Json.encodeToUtf8(new HttpReplies.ErrorBody(code.wire(), message))));
  }

  /** The token's identity with auth on; with auth off, the {@code ?user=} name or an anonymous one. */
  private Future<Identity> identify(HttpServerRequest request) {
    if (verifier.isPresent()) {
      return verifier.get().verify(BearerTokens.of(request));
    }
    String user = request.getParam("user");
    if (user != null && !Names.isUser(user)) {
      return Future.failedFuture(new ProtocolException(ErrorCode.BAD_FRAME,
          "user must be 1 to 128 characters of A-Z a-z 0-9 _ - : ."));
    }
    return Future.succeededFuture(Identity.anonymous(user));
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
      sessions.gone(session, code == null ? 1006 : code);
    });
  }
}

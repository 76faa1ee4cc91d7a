package dev.hub.gateway;

import dev.hub.auth.BearerTokens;
import dev.hub.auth.Identity;
import dev.hub.auth.InvalidTokenException;
import dev.hub.auth.ConnectionCounter;
import dev.hub.auth.OriginPolicy;
import dev.hub.auth.TokenVerifier;
import dev.hub.http.ClientAddress;
import dev.hub.http.HttpReplies;
import dev.hub.node.NodeState;
import dev.hub.protocol.CloseCode;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.Names;
import dev.hub.protocol.ProtocolException;
import dev.hub.session.Session;
import dev.hub.session.VertxInternals;
import dev.hub.session.WebSocketTransport;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /ws}: checks the upgrade, then wires a new session's socket to its handlers. */
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
  }

  /**
   * Checks, in order: draining (503), origin (403), connections from the address (429), identity (401 for a
   * bad token, 400 for a bad {@code ?user=}); only then upgrades, so nothing is registered for a refusal.
   */
  void upgrade(RoutingContext ctx) {
    if (state.draining()) {
      HttpReplies.error(ctx, ErrorCode.UNAVAILABLE, "this node is shutting down; connect to another");
      return;
    }
    if (!origins.allows(ctx.request().getHeader("Origin"))) {
      HttpReplies.error(ctx, ErrorCode.FORBIDDEN, "origin not allowed");
      return;
    }
    String address = clientAddress.of(ctx.request());
    if (!connections.tryAcquire(address)) {
      HttpReplies.error(ctx, ErrorCode.RATE_LIMITED, "too many connections from this address");
      return;
    }
    identify(ctx)
        .compose(identity -> ctx.request().toWebSocket().map(socket -> {
          internals.upgraded(ctx.request().connection(), socket);
          accept(socket, identity, address);
          return socket;
        }))
        .onFailure(e -> {
          connections.release(address);
          if (e instanceof InvalidTokenException) {
            HttpReplies.error(ctx, 401, ErrorCode.FORBIDDEN, e.getMessage());
          } else if (e instanceof ProtocolException bad) {
            HttpReplies.error(ctx, 400, bad.code(), bad.getMessage());
          } else {
            LOG.debug("upgrade from {} failed", address, e);
            HttpReplies.error(ctx, 400, ErrorCode.BAD_FRAME, "expected a WebSocket upgrade");
          }
        });
  }

  /** The token's identity with auth on; with auth off, the {@code ?user=} name or an anonymous one. */
  private Future<Identity> identify(RoutingContext ctx) {
    if (verifier.isPresent()) {
      return verifier.get().verify(BearerTokens.of(ctx.request()));
    }
    String user = ctx.request().getParam("user");
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

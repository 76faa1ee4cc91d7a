package dev.hub.gateway;

import dev.hub.http.HttpReplies;
import dev.hub.node.HubNode;
import dev.hub.protocol.CloseCode;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.Names;
import dev.hub.session.Session;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /ws}: checks the upgrade, then wires a new session's socket to its handlers. */
final class WebSocketEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketEndpoint.class);

  private final HubNode node;
  private final ShardSessions sessions;
  private final ClientRequests requests;
  private final int maxMessageBytes;

  WebSocketEndpoint(HubNode node, ShardSessions sessions, ClientRequests requests) {
    this.node = node;
    this.sessions = sessions;
    this.requests = requests;
    this.maxMessageBytes = node.config().limits().maxFrameBytes();
  }

  void upgrade(RoutingContext ctx) {
    if (node.draining()) {
      HttpReplies.error(ctx, ErrorCode.UNAVAILABLE, "this node is shutting down; connect to another");
      return;
    }
    String user = ctx.request().getParam("user");
    if (user != null && !Names.isUser(user)) {
      HttpReplies.error(ctx, 400, ErrorCode.BAD_FRAME, "user must be 1 to 128 characters of A-Z a-z 0-9 _ - : .");
      return;
    }
    ctx.request().toWebSocket()
        .onSuccess(socket -> accept(socket, user, ctx.request().connection()))
        .onFailure(e -> {
          if (!ctx.response().ended()) {
            HttpReplies.error(ctx, 400, ErrorCode.BAD_FRAME, "expected a WebSocket upgrade");
          }
        });
  }

  private void accept(ServerWebSocket socket, String user, HttpConnection connection) {
    socket.setWriteQueueMaxSize(node.config().limits().maxQueuedBytes());
    Session session = sessions.open(socket, user);
    MessageAssembler assembler = new MessageAssembler(maxMessageBytes);
    socket.frameHandler(frame -> {
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
        refusedByDecoder(session, connection, refused);
      }
    });
    socket.closeHandler(v -> {
      Short code = socket.closeStatusCode();
      sessions.gone(session, code == null ? 1006 : code);
    });
  }

  /**
   * A frame the WebSocket decoder refused, above all a single frame over {@code limits.maxFrameBytes}, which never
   * reaches the frame handler. Vert.x drops the connection as soon as this returns, so the session is closed with
   * the decoder's code (1009 for a frame too large) and the close frame is flushed now: written during a read,
   * it would otherwise wait for the end of the read and be discarded with the connection.
   */
  private void refusedByDecoder(Session session, HttpConnection connection, CorruptedWebSocketFrameException refused) {
    short code = (short) refused.closeStatus().code();
    String reason = code == CloseCode.TOO_BIG ? "message larger than " + maxMessageBytes
        : refused.closeStatus().reasonText();
    sessions.close(session, code, reason);
    if (connection instanceof ConnectionBase channelOwner) {
      channelOwner.channel().flush();
    }
  }
}

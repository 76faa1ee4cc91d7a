package dev.hub.session;

import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.nio.charset.StandardCharsets;

/**
 * The hot path's two uses of Vert.x internals; with {@link UpgradeLeftovers}, the only ones, so that a Vert.x
 * upgrade has two classes to check.
 *
 * <p>Through the public API, a text frame is written from a {@code String}, encoded to UTF-8 again for every
 * recipient, and each frame is flushed on its own: one system call per frame per socket, which is what caps a
 * plain Vert.x broadcast server (bench {@code fan-out}). Here a frame encoded once per node is written as it
 * is, and the socket's flushes are consolidated: everything written to a socket in one event-loop task
 * leaves in one system call, after the task.
 */
public final class SocketWrites {
  /** Flushes pass through at least this often even within one long task, bounding what waits in memory. */
  private static final int FLUSH_AT_LEAST_EVERY = 64;

  private SocketWrites() {
  }

  /**
   * Call once, on the connection's event loop, when it has been upgraded to a WebSocket and before anything is
   * written to it. It takes the HTTP connection rather than the socket, because Vert.x Web hands out the socket
   * behind a wrapper; the Netty channel is the same one before and after the upgrade.
   */
  public static void consolidateFlushes(HttpConnection upgraded) {
    ((HttpServerConnection) upgraded).channelHandlerContext().pipeline()
        .addFirst("hub-flush-consolidation", new FlushConsolidationHandler(FLUSH_AT_LEAST_EVERY, true));
  }

  /**
   * Writes UTF-8 JSON as one text frame without copying or re-encoding it. A frame over {@code maxFrameBytes}
   * goes through the public API instead, which splits it into continuation frames.
   */
  public static void writeText(ServerWebSocket socket, byte[] utf8, int maxFrameBytes) {
    if (utf8.length > maxFrameBytes) {
      socket.writeTextMessage(new String(utf8, StandardCharsets.UTF_8));
      return;
    }
    socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true));
  }
}

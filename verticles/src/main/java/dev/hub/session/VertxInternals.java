package dev.hub.session;

import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's only reach into Vert.x internals, probed once at start; when the probe fails (a renamed class or
 * field, a JDK that refuses the reflective write) or {@code http.vertxInternals} is false, everything goes
 * through the public API instead: slower and larger, never broken.
 *
 * <p>What the internals buy, each measured by {@code bench}:
 * <ul>
 *   <li>A frame encoded once per node is written as its bytes; the public API takes a {@code String} and
 *       encodes it again for every recipient.</li>
 *   <li>A socket's flushes are consolidated: everything written to it in one event-loop task leaves in one
 *       system call, where the public API flushes each frame on its own (what caps a plain Vert.x broadcast
 *       server, bench {@code fan-out}).</li>
 *   <li>An upgraded socket lets go of its upgrade request. Vert.x 5.0's {@code VertxHandler} keeps the function
 *       that built the WebSocket connection, which captured the HTTP request, its connection (with a 4 KiB
 *       queue), response, header maps and routing context: about 6 KiB of an idle connection's ten. The
 *       function runs once, when the handler is added, so clearing it afterwards changes nothing else.</li>
 *   <li>An SSE stream closed as a slow consumer drops its connection at once, freeing what its reader left
 *       unread; the public close waits for that to be written first, until the idle timeout.</li>
 * </ul>
 */
public final class VertxInternals {
  private static final Logger LOG = LoggerFactory.getLogger(VertxInternals.class);
  /** Flushes pass through at least this often even within one long task, bounding what waits in memory. */
  private static final int FLUSH_AT_LEAST_EVERY = 64;

  private final Field connectionFactory;
  private final int maxFrameBytes;
  private final String fallbackReason;

  private VertxInternals(Field connectionFactory, int maxFrameBytes, String fallbackReason) {
    this.connectionFactory = connectionFactory;
    this.maxFrameBytes = maxFrameBytes;
    this.fallbackReason = fallbackReason;
  }

  /**
   * Probes this Vert.x once: the classes and field used below must be there and writable.
   *
   * @param allowed false to use the public API only ({@code http.vertxInternals})
   * @param maxFrameBytes the largest frame written whole; larger ones are split by the public API
   */
  public static VertxInternals probe(boolean allowed, int maxFrameBytes) {
    if (!allowed) {
      LOG.info("Vert.x internals off (http.vertxInternals=false): frames go through the public API");
      return new VertxInternals(null, maxFrameBytes, "disabled by http.vertxInternals");
    }
    try {
      new WebSocketFrameImpl(WebSocketFrameType.TEXT, new byte[0], true);
      HttpServerConnection.class.getMethod("channelHandlerContext");
      Field field = VertxHandler.class.getDeclaredField("connectionFactory");
      field.setAccessible(true);
      return new VertxInternals(field, maxFrameBytes, null);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.warn("Vert.x internals unavailable ({}); running on the public API, with more memory and system calls "
          + "per frame (hub_vertx_internals 0 in /metrics)", e.toString());
      return new VertxInternals(null, maxFrameBytes, e.toString());
    }
  }

  /** True when the probe passed and the internals are used. */
  public boolean active() {
    return fallbackReason == null;
  }

  /** Why the public API is used, or {@code null}. */
  public String fallbackReason() {
    return fallbackReason;
  }

  /**
   * Call once, on the connection's event loop, when it has been upgraded to {@code socket} and before anything
   * is written to it, after the last look at the upgrade's headers. It takes the HTTP connection as well,
   * because Vert.x Web hands out the socket behind a wrapper; the Netty channel is the same one.
   */
  public void upgraded(HttpConnection connection, ServerWebSocket socket) {
    socket.headers().clear();
    if (!active()) {
      return;
    }
    var pipeline = ((HttpServerConnection) connection).channelHandlerContext().pipeline();
    pipeline.addFirst("hub-flush-consolidation", new FlushConsolidationHandler(FLUSH_AT_LEAST_EVERY, true));
    VertxHandler<?> handler = pipeline.get(VertxHandler.class);
    if (handler != null) {
      try {
        connectionFactory.set(handler, null);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("VertxHandler.connectionFactory was probed writable", e);
      }
    }
  }

  /**
   * Drops an HTTP connection at once, with whatever it still had queued. The public {@code close()} is queued
   * behind what was written before it, and waits for it to be flushed, which a client that never reads never
   * lets happen; on the public API only the server's idle timeout ({@code http.idleTimeoutMs}) then ends it.
   */
  public void drop(HttpConnection connection) {
    if (active() && connection instanceof HttpServerConnection server) {
      // Vert.x's own handler, last in the pipeline, would queue a close behind the writes again: close from the
      // first handler, so the close goes straight to the socket and only the handlers before Vert.x's see it.
      var first = server.channelHandlerContext().pipeline().firstContext();
      (first != null ? first : server.channelHandlerContext()).close();
    } else {
      connection.close();
    }
  }

  /** Writes UTF-8 JSON as one text frame, without copying or re-encoding it where the internals allow. */
  public void writeText(ServerWebSocket socket, byte[] utf8) {
    if (!active() || utf8.length > maxFrameBytes) {
      socket.writeTextMessage(new String(utf8, StandardCharsets.UTF_8));
      return;
    }
    socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true));
  }
}

package dev.hub.session;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets go of what Vert.x 5.0 keeps of a WebSocket's upgrade request for as long as the socket lives.
 *
 * <p>The channel's {@code VertxHandler} keeps the function that built the WebSocket connection, and that
 * function captured the upgrade's HTTP request: through it the HTTP connection (with a message queue of its
 * own, a 4 KiB array), the response, three header maps and Vert.x Web's routing context stay reachable. A heap
 * histogram of 5,000 idle sessions showed two such queues per connection. The function runs once, when the
 * handler is added to the pipeline, so clearing the field after the upgrade changes nothing else. The socket
 * also keeps the upgrade's headers; the hub reads what it needs from them before the upgrade.
 *
 * <p>This and {@link SocketWrites} are the hub's only uses of Vert.x internals; a Vert.x upgrade checks these
 * two. If one renames the field, the hub logs it once and keeps the memory (and {@code UpgradeLeftoversTest}
 * fails); nothing else breaks.
 */
public final class UpgradeLeftovers {
  private static final Logger LOG = LoggerFactory.getLogger(UpgradeLeftovers.class);
  private static final Field CONNECTION_FACTORY = connectionFactoryField();

  private UpgradeLeftovers() {
  }

  /**
   * Call on the connection's event loop once its upgrade to {@code socket} has completed, after the last look
   * at the upgrade's headers. Half a kilobyte of an idle connection's ten are the headers; the rest is the
   * request behind the factory.
   */
  public static void release(HttpConnection upgraded, ServerWebSocket socket) {
    socket.headers().clear();
    if (CONNECTION_FACTORY == null) {
      return;
    }
    VertxHandler<?> handler = ((HttpServerConnection) upgraded).channelHandlerContext().pipeline()
        .get(VertxHandler.class);
    if (handler != null) {
      try {
        CONNECTION_FACTORY.set(handler, null);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("VertxHandler.connectionFactory was made accessible", e);
      }
    }
  }

  /** Whether this Vert.x has the field, so that upgrades are released; false means each keeps ~6 KiB. */
  static boolean active() {
    return CONNECTION_FACTORY != null;
  }

  private static Field connectionFactoryField() {
    try {
      Field field = VertxHandler.class.getDeclaredField("connectionFactory");
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot release WebSocket upgrade requests on this Vert.x ({}); each keeps about 6 KiB", e.toString());
      return null;
    }
  }
}

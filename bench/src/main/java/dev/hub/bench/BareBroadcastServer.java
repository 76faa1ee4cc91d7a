package dev.hub.bench;

import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.HttpServerConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The limit for a Vert.x hub: a WebSocket server that writes every text frame it receives to every connection
 * of the sender's room, the sender included, and does nothing else. The room is named once, at the upgrade, by
 * {@code /ws?room=NAME}; a connection without one is in the default room. One event loop, no JSON, no
 * presence; each frame is written (and flushed) once per connection, as plain Vert.x does.
 *
 * <p>With {@code --coalesce}, each connection's flushes are consolidated as the hub does it (Netty's
 * {@link FlushConsolidationHandler} first in the pipeline, see {@code dev.hub.session.SocketWrites} in
 * verticles, which the bench does not depend on): what one event-loop task writes to a socket leaves in one
 * system call. That is the ceiling of write coalescing alone, without the hub's rooms and protocol.
 *
 * <p>{@code java -cp bench.jar dev.hub.bench.BareBroadcastServer PORT [--coalesce]}
 */
public final class BareBroadcastServer {
  /** As {@code SocketWrites}: flushes pass through at least this often even within one long task. */
  private static final int FLUSH_AT_LEAST_EVERY = 64;
  private static final String DEFAULT_ROOM = "";

  private BareBroadcastServer() {
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    boolean coalesce = List.of(args).contains("--coalesce");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Map<String, List<ServerWebSocket>> rooms = new HashMap<>();
    vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketFrameSize(1 << 20))
        .requestHandler(request -> request.toWebSocket().onSuccess(socket -> {
          if (coalesce) {
            consolidateFlushes(request);
          }
          String room = request.getParam("room", DEFAULT_ROOM);
          List<ServerWebSocket> members = rooms.computeIfAbsent(room, r -> new ArrayList<>());
          members.add(socket);
          socket.textMessageHandler(text -> {
            for (ServerWebSocket each : members) {
              each.writeTextMessage(text);
            }
          });
          socket.closeHandler(v -> members.remove(socket));
        }))
        .listen(port, "127.0.0.1")
        .onSuccess(server -> System.out.println("bare broadcast server on port " + server.actualPort()
            + (coalesce ? ", flushes consolidated" : "")))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  /** The two lines of {@code dev.hub.session.SocketWrites.consolidateFlushes}; the channel outlives the upgrade. */
  private static void consolidateFlushes(HttpServerRequest upgraded) {
    ((HttpServerConnection) upgraded.connection()).channelHandlerContext().pipeline()
        .addFirst("bench-flush-consolidation", new FlushConsolidationHandler(FLUSH_AT_LEAST_EVERY, true));
  }
}

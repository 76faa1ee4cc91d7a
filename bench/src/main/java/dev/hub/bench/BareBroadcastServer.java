package dev.hub.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The limit for a Vert.x hub: a WebSocket server that writes every text frame it receives to every connection,
 * the sender included, and does nothing else. One event loop, no JSON, no rooms, no presence; each frame is
 * written (and flushed) once per connection, as plain Vert.x does.
 *
 * <p>{@code java -cp bench.jar dev.hub.bench.BareBroadcastServer PORT}
 */
public final class BareBroadcastServer {

  private BareBroadcastServer() {
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    List<ServerWebSocket> sockets = new ArrayList<>();
    vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketFrameSize(1 << 20))
        .webSocketHandler(socket -> {
          sockets.add(socket);
          socket.textMessageHandler(text -> {
            for (ServerWebSocket each : sockets) {
              each.writeTextMessage(text);
            }
          });
          socket.closeHandler(v -> sockets.remove(socket));
        })
        .listen(port, "127.0.0.1")
        .onSuccess(server -> System.out.println("bare broadcast server on port " + server.actualPort()))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }
}

package dev.hub.examples.embedded;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.hub.api.ConnectHook;
import dev.hub.api.Hooks;
import dev.hub.api.HubOptions;
import dev.hub.api.HubServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An application with its own login that embeds the hub in its own Vert.x:
 * <ul>
 *   <li>{@code POST /login?user=NAME} (its own route) sets its session cookie {@code sid};</li>
 *   <li>the hub's connect hook, an object of this application, lets a WebSocket or SSE client in as the user whose
 *   {@code sid} cookie it sees, and refuses any other with 401;</li>
 *   <li>{@code POST /announce?room=R} (its own route) publishes the request's body to the room.</li>
 * </ul>
 * {@link #main} runs it with the application on port 8090 and the hub on 8091.
 */
public final class EmbeddedExample {
  public static final String COOKIE = "sid";

  private final HttpServer app;
  private final HubServer hub;

  private EmbeddedExample(HttpServer app, HubServer hub) {
    this.app = app;
    this.hub = hub;
  }

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    start(vertx, 8090, 8091).onSuccess(example -> System.out.println("app on http://127.0.0.1:"
        + example.appPort() + ", hub on ws://127.0.0.1:" + example.hubPort() + "/ws"))
        .onFailure(e -> {
          e.printStackTrace();
          vertx.close();
        });
  }

  /** Starts the hub, then the application's own routes; port 0 picks a free one for either. */
  public static Future<EmbeddedExample> start(Vertx vertx, int appPort, int hubPort) {
    // The application's sessions: cookie value to user. A real application keeps them in its session store.
    Map<String, String> sessions = new ConcurrentHashMap<>();
    ConnectHook bySessionCookie = asked -> {
      String sid = cookie(asked.header("Cookie"), COOKIE);
      String user = sid == null ? null : sessions.get(sid);
      return Future.succeededFuture(user == null ? ConnectHook.Decision.refuse(401)
          : ConnectHook.Decision.allow(user).withRooms(List.of(">"), List.of()));
    };
    return HubServer.start(vertx, new HubOptions().setPort(hubPort)
            .setHooks(new Hooks().setConnect(bySessionCookie)))
        .compose(hub -> {
          Router router = Router.router(vertx);
          router.post("/login").handler(ctx -> {
            String user = ctx.request().getParam("user");
            if (user == null || user.isBlank()) {
              ctx.response().setStatusCode(400).end("user is required");
              return;
            }
            String sid = UUID.randomUUID().toString();
            sessions.put(sid, user);
            ctx.response().addCookie(Cookie.cookie(COOKIE, sid).setHttpOnly(true).setPath("/")).end("welcome " + user);
          });
          router.post("/announce").handler(BodyHandler.create()).handler(ctx -> {
            String room = ctx.request().getParam("room");
            hub.publish(room, "announcement", TextNode.valueOf(ctx.body().asString()))
                .onSuccess(id -> ctx.response().setStatusCode(202).end(id))
                .onFailure(ctx::fail);
          });
          return vertx.createHttpServer().requestHandler(router).listen(appPort, "127.0.0.1")
              .map(app -> new EmbeddedExample(app, hub))
              .recover(e -> hub.close().transform(v -> Future.failedFuture(e)));
        });
  }

  public int appPort() {
    return app.actualPort();
  }

  public int hubPort() {
    return hub.port();
  }

  public Future<Void> close() {
    return app.close().eventually(hub::close);
  }

  /** A cookie's value in a {@code Cookie} header, or {@code null}. */
  static String cookie(String header, String name) {
    if (header == null) {
      return null;
    }
    for (String pair : header.split(";")) {
      String[] parts = pair.trim().split("=", 2);
      if (parts.length == 2 && parts[0].equals(name)) {
        return parts[1];
      }
    }
    return null;
  }
}

package dev.hub.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hub.auth.Ban;
import dev.hub.control.ControlService;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.EventsBody;
import dev.hub.protocol.FrameParser;
import dev.hub.protocol.Names;
import dev.hub.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API of PROTOCOL.md section 7, for services: disconnect (and ban) a user or disconnect a session,
 * lift and list bans, join or remove a user's sessions to or from a room, and publish one event to many rooms. Each works from any node against
 * sessions on any node and answers with what it reached. Mounted behind the guard of {@code /api/*}.
 */
final class ControlRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ControlRoutes.class);

  @JsonInclude(JsonInclude.Include.NON_NULL)
  private record Reached(int sessions, Long bannedUntil) {
    Reached(int sessions) {
      this(sessions, null);
    }
  }

  private record Lifted(String user, boolean lifted) {
  }

  private record BanPage(List<Ban> bans) {
  }

  /** The longest user name a token's {@code sub} may be, and so the longest a ban names. */
  private static final int MAX_USER_CHARS = 256;

  private record PublishedToRooms(String id, int rooms) {
  }

  private final ApiPorts ports;
  private final ControlService control;

  ControlRoutes(ApiPorts ports) {
    this.ports = ports;
    this.control = ports.control();
  }

  void mount(Router router) {
    router.post("/api/users/:user/disconnect")
        .handler(BodyHandler.create(false).setBodyLimit(ports.config().limits().maxFrameBytes()))
        .handler(this::disconnectUser);
    router.delete("/api/users/:user/ban").handler(this::lift);
    router.get("/api/bans").handler(ctx -> {
      int limit = ApiRoutes.limit(ctx);
      if (limit > 0) {
        HttpReplies.json(ctx, 200, new BanPage(control.bans(limit)));
      }
    });
    router.post("/api/sessions/:session/disconnect")
        .handler(ctx -> reached(ctx, control.disconnectSession(ctx.pathParam("session"))));
    router.post("/api/users/:user/rooms/:room").handler(ctx -> inRoom(ctx, control::joinUser));
    router.delete("/api/users/:user/rooms/:room").handler(ctx -> inRoom(ctx, control::leaveUser));
    router.post("/api/events")
        .handler(BodyHandler.create(false).setBodyLimit(ports.config().limits().maxFrameBytes()))
        .handler(this::publish);
  }

  /** Today's disconnect without a body; with {@code {"banForMs":N}}, a ban first (PROTOCOL.md section 6). */
  private void disconnectUser(RoutingContext ctx) {
    String user = ctx.pathParam("user");
    Long banForMs;
    try {
      banForMs = FrameParser.parseBanForMs(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes(),
          ports.config().auth().maxBanMs());
    } catch (ProtocolException e) {
      HttpReplies.error(ctx, e.code(), e.getMessage());
      return;
    }
    if (banForMs == null) {
      reached(ctx, control.disconnectUser(user));
    } else if (validUser(ctx, user)) {
      control.banUser(user, banForMs)
          .onSuccess(banned -> HttpReplies.json(ctx, 200, new Reached(banned.sessions(), banned.ban().until())))
          .onFailure(e -> failed(ctx, e));
    }
  }

  private void lift(RoutingContext ctx) {
    String user = ctx.pathParam("user");
    if (validUser(ctx, user)) {
      control.liftBan(user)
          .onSuccess(lifted -> HttpReplies.json(ctx, 200, new Lifted(user, lifted)))
          .onFailure(e -> failed(ctx, e));
    }
  }

  /** A name a token's {@code sub} could hold; else 400, so that no ban keeps a name no one can have. */
  private static boolean validUser(RoutingContext ctx, String user) {
    if (user == null || user.isEmpty() || user.length() > MAX_USER_CHARS) {
      HttpReplies.error(ctx, ErrorCode.BAD_FRAME, "a user is 1 to " + MAX_USER_CHARS + " characters");
      return false;
    }
    return true;
  }

  private void inRoom(RoutingContext ctx, BiFunction<String, String, Future<Integer>> action) {
    String room = ctx.pathParam("room");
    if (!Names.isRoom(room)) {
      HttpReplies.error(ctx, ErrorCode.INVALID_ROOM, "not a valid room name");
      return;
    }
    reached(ctx, action.apply(ctx.pathParam("user"), room));
  }

  private void publish(RoutingContext ctx) {
    EventsBody body;
    try {
      body = FrameParser.parseEventsBody(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (ProtocolException e) {
      HttpReplies.error(ctx, e.code(), e.getMessage());
      return;
    }
    ports.publisher().publishToRooms(body.rooms(), body.event(), body.data(), body.id(),
            ctx.get(ApiAccess.CALLER, ApiRoutes.API_IDENTITY))
        .onSuccess(result -> HttpReplies.json(ctx, 202, new PublishedToRooms(result.id(), body.rooms().size())))
        .onFailure(e -> failed(ctx, e));
  }

  private static void reached(RoutingContext ctx, Future<Integer> sessions) {
    sessions.onSuccess(count -> HttpReplies.json(ctx, 200, new Reached(count))).onFailure(e -> failed(ctx, e));
  }

  /** A refusal with its own code ({@code not_found}); anything else is the cluster not answering. */
  private static void failed(RoutingContext ctx, Throwable failure) {
    if (failure instanceof ProtocolException e) {
      HttpReplies.error(ctx, e.code(), e.getMessage());
      return;
    }
    LOG.warn("HTTP {} {} failed", ctx.request().method(), ctx.request().path(), failure);
    HttpReplies.error(ctx, ErrorCode.UNAVAILABLE, "the cluster is not reachable right now; try again");
  }
}

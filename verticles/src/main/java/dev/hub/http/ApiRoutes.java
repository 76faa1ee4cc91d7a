package dev.hub.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.hub.history.KeptEvent;
import dev.hub.history.RoomHistory;
import dev.hub.node.Readiness;
import dev.hub.protocol.Member;
import dev.hub.presence.NodeInfo;
import dev.hub.presence.RoomCount;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.FrameParser;
import dev.hub.protocol.Names;
import dev.hub.protocol.ProtocolException;
import dev.hub.room.Publication;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of PROTOCOL.md section 7, plus {@code /health}, {@code /ready}, {@code /metrics} and the NATS
 * bridge's dead-letter file ({@code GET /api/dlq}, {@code POST /api/dlq/replay}).
 */
public final class ApiRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

  /** {@code limit} of {@code GET /api/rooms} and {@code GET /api/dlq} when absent. */
  public static final int DEFAULT_ROOMS_LIMIT = 100;
  /** Largest {@code limit} of {@code GET /api/rooms} and {@code GET /api/dlq}; larger ones are cut to this. */
  public static final int MAX_ROOMS_LIMIT = 1000;
  /** The identity HTTP publishes are deduplicated under when no token names the caller. */
  public static final String API_IDENTITY = "api";

  private record RoomsPage(List<RoomCount> rooms) {
  }

  private record RoomPresence(String room, int count, List<Member> members) {
  }

  private record NodeList(List<NodeInfo> nodes) {
  }

  private record Published(String id) {
  }

  private record Status(String status) {
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  private record ReadyBody(String status, String reason, Map<String, String> checks, Map<String, Object> details) {
  }

  private record Replayed(int replayed) {
  }

  /** @param next the {@code before} of the next, older page, while older events are kept */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  private record RoomHistoryPage(String room, String epoch, long seq, boolean recovered, List<RawValue> events,
      Long next) {
  }

  private final ApiPorts ports;

  public ApiRoutes(ApiPorts ports) {
    this.ports = ports;
  }

  public void mount(Router router) {
    // Every HTTP error answer counts in hub_errors_total by its code (/ws, before the router, counts its own).
    router.route().handler(ctx -> {
      ctx.addEndHandler(v -> {
        ErrorCode code = ctx.get(HttpReplies.ERROR_CODE);
        if (code != null) {
          ports.metrics().error(code);
        }
      });
      ctx.next();
    });
    if (ports.origins().restricts()) {
      router.route().handler(CorsHandler.create()
          .addOriginsWithRegex(ports.origins().patterns())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE))
          .allowedHeaders(Set.of("Authorization", "X-Api-Key", "Content-Type")));
    }
    router.route("/api/*").handler(new ApiAccess(ports.config().auth(), ports.verifier()));
    router.get("/health").handler(ctx -> HttpReplies.json(ctx, 200, new Status("UP")));
    router.get("/ready").handler(this::ready);
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(ports.metrics().scrape()));

    router.get("/api/presence").handler(ctx -> answer(ctx, ports.presence().totals()));
    router.get("/api/rooms").handler(this::rooms);
    router.get("/api/rooms/:room/presence").handler(this::roomPresence);
    router.get("/api/rooms/:room/history").handler(this::history);
    router.get("/api/users/:user/presence").handler(ctx -> answer(ctx, ports.presence().user(ctx.pathParam("user"))));
    router.get("/api/nodes").handler(ctx -> answer(ctx, ports.presence().nodes().map(NodeList::new)));
    router.post("/api/rooms/:room/events")
        .handler(BodyHandler.create(false).setBodyLimit(ports.config().limits().maxFrameBytes()))
        .handler(this::publish);
    new ControlRoutes(ports).mount(router);
    router.get("/api/dlq").handler(this::deadLetters);
    router.post("/api/dlq/replay").handler(ctx -> ports.deadLetters().replay()
        .onSuccess(count -> HttpReplies.json(ctx, 202, new Replayed(count)))
        .onFailure(e -> failed(ctx, e)));

    // CorsHandler fails a request from an origin the OriginPolicy refuses with 403: answer it as JSON
    // rather than let the router log it, at a visitor's whim, as an unhandled error.
    router.errorHandler(403, ctx -> HttpReplies.error(ctx, ErrorCode.FORBIDDEN, "origin not allowed"));
    router.errorHandler(404, ctx -> HttpReplies.error(ctx, ErrorCode.NOT_FOUND, "no such resource"));
    router.errorHandler(405, ctx -> HttpReplies.error(ctx, ErrorCode.METHOD_NOT_ALLOWED,
        "method " + ctx.request().method() + " is not allowed here"));
    router.errorHandler(413, ctx -> HttpReplies.error(ctx, ErrorCode.TOO_LARGE,
        "body larger than " + ports.config().limits().maxFrameBytes() + " bytes"));
    router.errorHandler(500, ctx -> {
      LOG.warn("HTTP {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      HttpReplies.error(ctx, ErrorCode.INTERNAL, "the request failed on the server");
    });
  }

  private void ready(RoutingContext ctx) {
    Map<String, Readiness> checks = ports.state().readiness();
    String reason = ports.state().draining() ? "draining" : checks.entrySet().stream()
        .filter(e -> e.getValue().blocksTraffic())
        .map(e -> e.getKey() + ": " + e.getValue().reason())
        .findFirst().orElse(null);
    Map<String, String> states = new java.util.LinkedHashMap<>();
    Map<String, Object> details = new java.util.LinkedHashMap<>();
    checks.forEach((name, check) -> {
      states.put(name, check.state());
      if (check.detail() != null) {
        details.put(name, check.detail());
      }
    });
    HttpReplies.json(ctx, reason == null ? 200 : 503, new ReadyBody(reason == null ? "UP" : "DOWN", reason, states,
        details.isEmpty() ? null : details));
  }

  private void rooms(RoutingContext ctx) {
    String prefix = ctx.request().getParam("prefix", "");
    int limit = limit(ctx);
    if (limit > 0) {
      answer(ctx, ports.presence().rooms(prefix, limit).map(RoomsPage::new));
    }
  }

  private void deadLetters(RoutingContext ctx) {
    int limit = limit(ctx);
    if (limit > 0) {
      ports.deadLetters().list(limit)
          .onSuccess(page -> HttpReplies.json(ctx, 200, page))
          .onFailure(e -> failed(ctx, e));
    }
  }

  /** The {@code limit} parameter, cut to the maximum; 0 after answering 400 for a bad one. */
  static int limit(RoutingContext ctx) {
    String limitParam = ctx.request().getParam("limit");
    if (limitParam == null) {
      return DEFAULT_ROOMS_LIMIT;
    }
    int limit;
    try {
      // BigInteger: a limit past the int range is still a whole number, cut to the maximum like any other.
      limit = new BigInteger(limitParam).min(BigInteger.valueOf(MAX_ROOMS_LIMIT)).intValue();
    } catch (NumberFormatException e) {
      limit = 0;
    }
    if (limit < 1) {
      HttpReplies.error(ctx, ErrorCode.BAD_FRAME, "limit must be a whole number from 1 to " + MAX_ROOMS_LIMIT);
      return 0;
    }
    return limit;
  }

  private static void failed(RoutingContext ctx, Throwable failure) {
    if (failure instanceof ProtocolException e) {
      HttpReplies.error(ctx, e.code(), e.getMessage());
    } else {
      LOG.warn("HTTP {} failed", ctx.request().path(), failure);
      HttpReplies.error(ctx, ErrorCode.INTERNAL, "the request failed on the server");
    }
  }

  private void roomPresence(RoutingContext ctx) {
    String room = ctx.pathParam("room");
    if (!Names.isRoom(room)) {
      HttpReplies.error(ctx, ErrorCode.INVALID_ROOM, "not a valid room name");
      return;
    }
    answer(ctx, ports.presence().members(room).map(members -> new RoomPresence(room, members.size(), members)));
  }

  /** PROTOCOL.md section 5: the latest {@code limit} events, or those after {@code since}, oldest first. */
  private void history(RoutingContext ctx) {
    String room = ctx.pathParam("room");
    if (!Names.isRoom(room)) {
      HttpReplies.error(ctx, ErrorCode.INVALID_ROOM, "not a valid room name");
      return;
    }
    if (!ports.history().covers(room)) {
      HttpReplies.error(ctx, ErrorCode.NOT_FOUND, "room " + room + " keeps no history (history.rooms)");
      return;
    }
    int limit = limit(ctx);
    if (limit == 0) {
      return;
    }
    String since = ctx.request().getParam("since");
    String beforeParam = ctx.request().getParam("before");
    boolean reverse = "true".equals(ctx.request().getParam("reverse"));
    Long before = null;
    if (beforeParam != null) {
      try {
        before = Long.parseLong(beforeParam);
      } catch (NumberFormatException e) {
        before = 0L;
      }
      if (before < 1 || since != null) {
        HttpReplies.error(ctx, ErrorCode.BAD_FRAME, since != null ? "since and before page in opposite directions: "
            + "give one" : "before must be a seq from 1");
        return;
      }
    }
    Future<RoomHistoryPage> page = since != null
        ? ports.history().since(room, ClientFrame.Since.eventId(since), limit)
            .map(r -> historyPage(room, r.position(), r.recovered(), r.events(), null, reverse))
        : ports.history().before(room, before != null ? before : Long.MAX_VALUE, limit)
            .map(p -> historyPage(room, p.position(), true, p.events(), p.next(), reverse));
    answer(ctx, page);
  }

  private static RoomHistoryPage historyPage(String room, RoomHistory.Position position, boolean recovered,
      List<KeptEvent> events, Long next, boolean reverse) {
    List<RawValue> frames = new ArrayList<>(events.size());
    events.forEach(e -> frames.add(new RawValue(e.frame().text())));
    if (reverse) {
      Collections.reverse(frames);
    }
    return new RoomHistoryPage(room, position.epoch(), position.seq(), recovered, frames, next);
  }

  private void publish(RoutingContext ctx) {
    String room = ctx.pathParam("room");
    ClientFrame.Publish event;
    try {
      if (!Names.isRoom(room)) {
        throw new ProtocolException(ErrorCode.INVALID_ROOM, "not a valid room name");
      }
      event = FrameParser.parseEventBody(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (ProtocolException e) {
      HttpReplies.error(ctx, e.code(), e.getMessage());
      return;
    }
    answer(ctx, 202, ports.publisher().publish(new Publication.FromApi(room, event.event(), event.data(), event.id(),
            ctx.get(ApiAccess.CALLER, API_IDENTITY))).result()
        .map(result -> new Published(result.id())));
  }

  private void answer(RoutingContext ctx, Future<?> result) {
    answer(ctx, 200, result);
  }

  /** The body when it comes; 503 when the cluster's state cannot be reached. */
  private void answer(RoutingContext ctx, int status, Future<?> result) {
    result.onSuccess(body -> HttpReplies.json(ctx, status, body))
        .onFailure(e -> {
          LOG.warn("HTTP {} failed", ctx.request().path(), e);
          HttpReplies.error(ctx, ErrorCode.UNAVAILABLE, "the cluster is not reachable right now; try again");
        });
  }
}

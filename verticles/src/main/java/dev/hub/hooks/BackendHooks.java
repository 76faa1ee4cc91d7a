package dev.hub.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.api.ConnectHook;
import dev.hub.api.Hooks;
import dev.hub.api.JoinHook;
import dev.hub.api.PublishHook;
import dev.hub.api.RequestHook;
import dev.hub.auth.Identity;
import dev.hub.auth.InvalidTokenException;
import dev.hub.auth.Permissions;
import dev.hub.auth.SubjectPattern;
import dev.hub.config.HooksConfig;
import dev.hub.metrics.HookMetrics;
import dev.hub.metrics.HookMetrics.Failure;
import dev.hub.metrics.HookMetrics.Hook;
import dev.hub.node.RequestRelay;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.NameGlobs;
import dev.hub.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The hooks that decide, as the hub asks them (PROTOCOL.md section 10): each from the embedding application's
 * own object or, failing that, over HTTP at its {@code hooks.*.url}, or not at all. The gateway checks
 * {@code asks*} first, so a hook not configured costs a field read: no call, no allocation. Every call goes
 * through {@link HookCalls} (bound, timeout, metrics); the answers come back as what the gateway works with: an
 * {@link Identity}, or a {@link ProtocolException} with the code the client gets.
 */
public final class BackendHooks {
  /** No hooks at all: what a hub without any is given. */
  public static final BackendHooks NONE = new BackendHooks(null, null, null, null, null, null, null, null);

  private final HookCalls calls;
  private final ConnectHook connect;
  private final JoinHook join;
  private final PublishHook publish;
  private final RequestHook request;
  private final NameGlobs joinRooms;
  private final NameGlobs publishRooms;
  /** Closes the HTTP provider's client, or {@code null}. */
  private final HttpHooks http;

  private BackendHooks(HookCalls calls, ConnectHook connect, JoinHook join, PublishHook publish, RequestHook request,
      NameGlobs joinRooms, NameGlobs publishRooms, HttpHooks http) {
    this.calls = calls;
    this.connect = connect;
    this.join = join;
    this.publish = publish;
    this.request = request;
    this.joinRooms = joinRooms;
    this.publishRooms = publishRooms;
    this.http = http;
  }

  /**
   * The hooks of a node: the application's where it gives one, else HTTP where a url is set.
   *
   * @param application the embedding application's hooks; empty for the hub application
   * @throws IllegalArgumentException when a hook is given both ways
   */
  public static BackendHooks of(Vertx vertx, HooksConfig config, Hooks application, HookMetrics metrics) {
    requireOneWay(application.getConnect() != null, config.connect().url(), "connect");
    requireOneWay(application.getJoin() != null, config.join().url(), "join");
    requireOneWay(application.getPublish() != null, config.publish().url(), "publish");
    requireOneWay(application.getRequest() != null, config.request().url(), "request");
    HttpHooks http = config.anyUrl()
        ? new HttpHooks(vertx, config.secret(), config.timeoutMs(), config.maxInFlight()) : null;
    return new BackendHooks(new HookCalls(vertx, config.timeoutMs(), config.maxInFlight(), metrics),
        application.getConnect() != null ? application.getConnect()
            : config.connect().url() != null ? http.connect(config.connect().url()) : null,
        application.getJoin() != null ? application.getJoin()
            : config.join().url() != null ? http.join(config.join().url()) : null,
        application.getPublish() != null ? application.getPublish()
            : config.publish().url() != null ? http.publish(config.publish().url()) : null,
        application.getRequest() != null ? application.getRequest()
            : config.request().url() != null ? http.request(config.request().url()) : null,
        new NameGlobs(config.join().rooms()), new NameGlobs(config.publish().rooms()), http);
  }

  private static void requireOneWay(boolean inProcess, String url, String hook) {
    if (inProcess && url != null) {
      throw new IllegalArgumentException("hooks." + hook + ".url: the application gives its own " + hook
          + " hook; set one or the other");
    }
  }

  /** Whether a client without a token is asked about. */
  public boolean asksConnect() {
    return connect != null;
  }

  /**
   * Who the client is, by the connect hook: fails with {@link InvalidTokenException} for a 401,
   * {@link ProtocolException} {@code forbidden} for a 403, {@code unavailable} for anything else.
   */
  public Future<Identity> connect(ConnectHook.Request asked) {
    return calls.call(Hook.CONNECT, () -> connect.connect(asked)).transform(done -> {
      if (done.failed()) {
        return Future.failedFuture(unavailable("connect", done.cause()));
      }
      ConnectHook.Decision decision = done.result();
      if (decision == null || decision.status() != 200 && decision.status() != 401 && decision.status() != 403) {
        calls.metrics().failed(Hook.CONNECT, Failure.ERROR);
        return Future.failedFuture(new ProtocolException(ErrorCode.UNAVAILABLE, "the connect hook gave no answer"));
      }
      if (!decision.allowed()) {
        calls.metrics().failed(Hook.CONNECT, Failure.REFUSED);
        return Future.failedFuture(decision.status() == 401
            ? new InvalidTokenException("the connect hook does not know this client")
            : new ProtocolException(ErrorCode.FORBIDDEN, "the connect hook refused this client"));
      }
      try {
        return Future.succeededFuture(identity(decision));
      } catch (IllegalArgumentException e) {
        calls.metrics().failed(Hook.CONNECT, Failure.ERROR);
        return Future.failedFuture(new ProtocolException(ErrorCode.UNAVAILABLE, e.getMessage()));
      }
    });
  }

  /**
   * Whether the join hook decides this join: the room matches {@code hooks.join.rooms} and the permissions do not
   * already allow it (with auth off, they allow every room, and the hook decides).
   */
  public boolean asksJoin(String room, Permissions permissions) {
    return join != null && (permissions.isOpen() || !permissions.mayJoin(room)) && joinRooms.matches(room);
  }

  /** Completes when the join hook allows; fails with {@code forbidden} or {@code unavailable}. */
  public Future<Void> join(String user, String session, String room, JsonNode meta) {
    return calls.call(Hook.JOIN, () -> join.join(new JoinHook.Request(user, session, room, meta))).transform(done -> {
      if (done.failed() || done.result() == null) {
        return Future.failedFuture(unavailable("join", done.cause()));
      }
      if (!done.result().allow()) {
        calls.metrics().failed(Hook.JOIN, Failure.REFUSED);
        return Future.failedFuture(new ProtocolException(ErrorCode.FORBIDDEN, "the join hook refused " + room));
      }
      return Future.succeededFuture();
    });
  }

  public boolean asksPublish(String room) {
    return publish != null && publishRooms.matches(room);
  }

  /** The data to publish (the client's, or the hook's in its place); fails with {@code forbidden} or {@code unavailable}. */
  public Future<JsonNode> publish(PublishHook.Request asked) {
    return calls.call(Hook.PUBLISH, () -> publish.publish(asked)).transform(done -> {
      if (done.failed() || done.result() == null) {
        return Future.failedFuture(unavailable("publish", done.cause()));
      }
      if (!done.result().allow()) {
        calls.metrics().failed(Hook.PUBLISH, Failure.REFUSED);
        return Future.failedFuture(new ProtocolException(ErrorCode.FORBIDDEN,
            "the publish hook refused this event in " + asked.room()));
      }
      return Future.succeededFuture(done.result().data() != null ? done.result().data() : asked.data());
    });
  }

  /** Where {@code request} frames go: the request hook when there is one, else {@code otherwise} (NATS). */
  public RequestRelay requests(RequestRelay otherwise) {
    if (request == null) {
      return otherwise;
    }
    return (event, data, timeoutMs, user, session) -> calls.call(Hook.REQUEST,
            () -> request.request(new RequestHook.Request(user, session, event, data)))
        .transform(done -> done.succeeded() && done.result() != null
            ? Future.succeededFuture(done.result().data() == null
                ? com.fasterxml.jackson.databind.node.NullNode.instance : done.result().data())
            : Future.failedFuture(unavailable("request", done.cause())));
  }

  public Future<Void> close() {
    return http == null ? Future.succeededFuture() : http.close();
  }

  private static ProtocolException unavailable(String hook, Throwable cause) {
    return new ProtocolException(ErrorCode.UNAVAILABLE, cause instanceof HookException e ? e.getMessage()
        : "the " + hook + " hook gave no answer");
  }

  /** The claims of a token, as the connect hook gave them (PROTOCOL.md section 6). */
  private static Identity identity(ConnectHook.Decision decision) {
    String user = decision.user();
    if (user == null || user.isEmpty() || user.length() > 256) {
      throw new IllegalArgumentException("the connect hook's user must be 1 to 256 characters");
    }
    if (decision.meta() != null && !decision.meta().isObject()) {
      throw new IllegalArgumentException("the connect hook's meta must be an object");
    }
    Permissions permissions = Permissions.of(patterns(decision.join(), "rooms.join"),
        patterns(decision.publish(), "rooms.publish"), patterns(decision.requests(), "requests"));
    return new Identity(user, decision.meta() == null ? Identity.anonymous(null).meta() : decision.meta(), permissions,
        false, decision.exp() == null ? null : decision.exp() * 1000);
  }

  private static List<SubjectPattern> patterns(List<String> texts, String name) {
    if (texts == null) {
      return List.of();
    }
    List<SubjectPattern> patterns = new ArrayList<>(texts.size());
    for (String text : texts) {
      try {
        patterns.add(SubjectPattern.parse(text));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the connect hook's " + name + ": " + e.getMessage());
      }
    }
    return patterns;
  }
}

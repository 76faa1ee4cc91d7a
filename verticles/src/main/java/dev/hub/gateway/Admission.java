package dev.hub.gateway;

import dev.hub.auth.Ban;
import dev.hub.auth.BanStore;
import dev.hub.api.ConnectHook;
import dev.hub.auth.BearerTokens;
import dev.hub.auth.ConnectionCounter;
import dev.hub.auth.Identity;
import dev.hub.auth.InvalidTokenException;
import dev.hub.auth.OriginPolicy;
import dev.hub.auth.TokenVerifier;
import dev.hub.hooks.BackendHooks;
import dev.hub.http.ClientAddress;
import dev.hub.http.HttpReplies;
import dev.hub.metrics.HubMetrics;
import dev.hub.node.NodeState;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.Names;
import dev.hub.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may open a session, the same for {@code /ws} and {@code /sse}. Checks, in order: draining (503), origin
 * (403), connections from the address (429), identity (401 for a bad token, 400 for a bad {@code ?user=}; without
 * a token, the connect hook when there is one: its 401 or 403, or 503), a ban on that identity's user (403, read
 * from this node's copy of the bans, without waiting); only then is the session opened, so nothing is registered
 * for a refusal. It works on the bare request, so
 * that {@code /ws} can be taken before Vert.x Web's router (an upgrade needs none of its per-request work), and
 * counts its own refusals in {@code hub_errors_total}.
 */
final class Admission {
  private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

  /** A client let in: who it is and the address counted against {@code limits.connectionsPerIp}. */
  record Admitted(Identity identity, String address) {
  }

  private final NodeState state;
  private final OriginPolicy origins;
  private final ConnectionCounter connections;
  private final Optional<TokenVerifier> verifier;
  private final ClientAddress clientAddress;
  private final HubMetrics metrics;
  private final BanStore bans;
  private final BackendHooks hooks;
  private final List<String> hookHeaders;

  Admission(GatewayPorts ports) {
    this.hooks = ports.hooks();
    this.hookHeaders = ports.config().hooks().connect().headers();
    this.metrics = ports.metrics();
    this.state = ports.state();
    this.origins = ports.origins();
    this.connections = ports.connections();
    this.verifier = ports.verifier();
    this.bans = ports.bans();
    this.clientAddress = new ClientAddress(ports.config().http().trustedProxies());
  }

  /**
   * Runs the checks, then {@code open}; answers the refusal itself, and gives the address back when the checks
   * or {@code open} fail.
   *
   * @param transport {@code websocket} or {@code sse}, as the connect hook is told
   * @param open opens the session; its failure that is not a refusal is answered with {@code unexpected}
   */
  void admit(HttpServerRequest request, String transport, BiFunction<HttpServerRequest, Admitted, Future<?>> open,
      String unexpected) {
    if (state.draining()) {
      refuse(request, ErrorCode.UNAVAILABLE.httpStatus(), ErrorCode.UNAVAILABLE,
          "this node is shutting down; connect to another");
      return;
    }
    if (!origins.allows(request.getHeader("Origin"))) {
      refuse(request, ErrorCode.FORBIDDEN.httpStatus(), ErrorCode.FORBIDDEN, "origin not allowed");
      return;
    }
    String address = clientAddress.of(request);
    if (!connections.tryAcquire(address)) {
      refuse(request, ErrorCode.RATE_LIMITED.httpStatus(), ErrorCode.RATE_LIMITED,
          "too many connections from this address");
      return;
    }
    identify(request, transport, address)
        .compose(this::notBanned)
        .compose(identity -> open.apply(request, new Admitted(identity, address)))
        .onFailure(e -> {
          connections.release(address);
          if (e instanceof InvalidTokenException) {
            refuse(request, 401, ErrorCode.FORBIDDEN, e.getMessage());
          } else if (e instanceof ProtocolException bad) {
            refuse(request, bad.code() == ErrorCode.FORBIDDEN ? 403
                : bad.code() == ErrorCode.UNAVAILABLE ? ErrorCode.UNAVAILABLE.httpStatus() : 400,
                bad.code(), bad.getMessage());
          } else {
            LOG.debug("opening a session for {} failed", address, e);
            refuse(request, 400, ErrorCode.BAD_FRAME, unexpected);
          }
        });
  }

  /** An HTTP error answer as the API gives them (PROTOCOL.md section 7), counted by its code. */
  private void refuse(HttpServerRequest request, int status, ErrorCode code, String message) {
    if (!request.response().ended()) {
      metrics.error(code);
      HttpReplies.error(request, status, code, message);
    }
  }

  /**
   * The identity, unless its user is banned: the user a token's {@code sub} names, or {@code ?user=} with auth
   * off; an anonymous session has a name of its own, which no ban can know in advance.
   */
  private Future<Identity> notBanned(Identity identity) {
    Ban ban = identity.user() == null ? null : bans.banOf(identity.user());
    if (ban == null) {
      return Future.succeededFuture(identity);
    }
    metrics.banRefused();
    return Future.failedFuture(new ProtocolException(ErrorCode.FORBIDDEN,
        "banned until " + Instant.ofEpochMilli(ban.until())));
  }

  /**
   * The token's identity when there is one (auth on); without one, the connect hook's when there is a hook; else
   * with auth on a refusal, with auth off the {@code ?user=} name or an anonymous one.
   */
  private Future<Identity> identify(HttpServerRequest request, String transport, String address) {
    String token = hooks.asksConnect() || verifier.isPresent() ? BearerTokens.of(request) : null;
    if (token == null && hooks.asksConnect()) {
      if ("websocket".equals(transport)) {
        // Held until the answer: an upgrade request that has ended meanwhile can no longer become a WebSocket.
        request.pause();
      }
      return hooks.connect(new ConnectHook.Request(transport, address, hookHeaders(request), query(request)));
    }
    if (verifier.isPresent()) {
      return verifier.get().verify(token);
    }
    String user = request.getParam("user");
    if (user != null && !Names.isUser(user)) {
      return Future.failedFuture(new ProtocolException(ErrorCode.BAD_FRAME,
          "user must be 1 to 128 characters of A-Z a-z 0-9 _ - : ."));
    }
    return Future.succeededFuture(Identity.anonymous(user));
  }

  /** The headers {@code hooks.connect.headers} names, under the configured names. */
  private Map<String, String> hookHeaders(HttpServerRequest request) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : hookHeaders) {
      String value = request.getHeader(name);
      if (value != null) {
        headers.put(name, value);
      }
    }
    return headers;
  }

  private static Map<String, String> query(HttpServerRequest request) {
    Map<String, String> query = new LinkedHashMap<>();
    request.params().forEach(param -> query.putIfAbsent(param.getKey(), param.getValue()));
    return query;
  }
}

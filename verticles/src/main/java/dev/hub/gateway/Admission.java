package dev.hub.gateway;

import dev.hub.auth.BearerTokens;
import dev.hub.auth.ConnectionCounter;
import dev.hub.auth.Identity;
import dev.hub.auth.InvalidTokenException;
import dev.hub.auth.OriginPolicy;
import dev.hub.auth.TokenVerifier;
import dev.hub.http.ClientAddress;
import dev.hub.http.HttpReplies;
import dev.hub.node.NodeState;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.Names;
import dev.hub.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may open a session, the same for {@code /ws} and {@code /sse}. Checks, in order: draining (503), origin
 * (403), connections from the address (429), identity (401 for a bad token, 400 for a bad {@code ?user=});
 * only then is the session opened, so nothing is registered for a refusal.
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

  Admission(GatewayPorts ports) {
    this.state = ports.state();
    this.origins = ports.origins();
    this.connections = ports.connections();
    this.verifier = ports.verifier();
    this.clientAddress = new ClientAddress(ports.config().http().trustedProxies());
  }

  /**
   * Runs the checks, then {@code open}; answers the refusal itself, and gives the address back when the checks
   * or {@code open} fail.
   *
   * @param open opens the session; its failure that is not a refusal is answered with {@code unexpected}
   */
  void admit(RoutingContext ctx, BiFunction<RoutingContext, Admitted, Future<?>> open, String unexpected) {
    if (state.draining()) {
      HttpReplies.error(ctx, ErrorCode.UNAVAILABLE, "this node is shutting down; connect to another");
      return;
    }
    if (!origins.allows(ctx.request().getHeader("Origin"))) {
      HttpReplies.error(ctx, ErrorCode.FORBIDDEN, "origin not allowed");
      return;
    }
    String address = clientAddress.of(ctx.request());
    if (!connections.tryAcquire(address)) {
      HttpReplies.error(ctx, ErrorCode.RATE_LIMITED, "too many connections from this address");
      return;
    }
    identify(ctx)
        .compose(identity -> open.apply(ctx, new Admitted(identity, address)))
        .onFailure(e -> {
          connections.release(address);
          if (e instanceof InvalidTokenException) {
            HttpReplies.error(ctx, 401, ErrorCode.FORBIDDEN, e.getMessage());
          } else if (e instanceof ProtocolException bad) {
            HttpReplies.error(ctx, bad.code() == ErrorCode.FORBIDDEN ? 403 : 400, bad.code(), bad.getMessage());
          } else {
            LOG.debug("opening a session for {} failed", address, e);
            HttpReplies.error(ctx, 400, ErrorCode.BAD_FRAME, unexpected);
          }
        });
  }

  /** The token's identity with auth on; with auth off, the {@code ?user=} name or an anonymous one. */
  private Future<Identity> identify(RoutingContext ctx) {
    if (verifier.isPresent()) {
      return verifier.get().verify(BearerTokens.of(ctx.request()));
    }
    String user = ctx.request().getParam("user");
    if (user != null && !Names.isUser(user)) {
      return Future.failedFuture(new ProtocolException(ErrorCode.BAD_FRAME,
          "user must be 1 to 128 characters of A-Z a-z 0-9 _ - : ."));
    }
    return Future.succeededFuture(Identity.anonymous(user));
  }
}

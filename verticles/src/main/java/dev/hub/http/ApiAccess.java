package dev.hub.http;

import dev.hub.auth.BearerTokens;
import dev.hub.auth.InvalidTokenException;
import dev.hub.auth.TokenVerifier;
import dev.hub.config.AuthConfig;
import dev.hub.protocol.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Guards {@code /api/*} (PROTOCOL.md section 6): a bearer token with {@code admin: true}, or {@code X-Api-Key}
 * equal to {@code auth.apiKey}. 401 without valid credentials, 403 for a valid token that is not an admin's.
 * Open when neither auth nor an API key is configured (the loopback-only default).
 */
final class ApiAccess implements Handler<RoutingContext> {
  /** The caller's identity for dedup, put on the routing context. */
  static final String CALLER = "hub.caller";

  private final AuthConfig config;
  private final Optional<TokenVerifier> verifier;

  ApiAccess(AuthConfig config, Optional<TokenVerifier> verifier) {
    this.config = config;
    this.verifier = verifier;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!config.protectsApi()) {
      ctx.put(CALLER, ApiRoutes.API_IDENTITY).next();
      return;
    }
    String key = ctx.request().getHeader("X-Api-Key");
    if (key != null && config.apiKey() != null && constantTimeEquals(key, config.apiKey())) {
      ctx.put(CALLER, ApiRoutes.API_IDENTITY).next();
      return;
    }
    String token = BearerTokens.of(ctx.request());
    if (token == null || verifier.isEmpty()) {
      HttpReplies.error(ctx, 401, ErrorCode.FORBIDDEN, "send X-Api-Key or an admin's bearer token");
      return;
    }
    verifier.get().verify(token)
        .onSuccess(identity -> {
          if (identity.admin()) {
            ctx.put(CALLER, identity.user()).next();
          } else {
            HttpReplies.error(ctx, 403, ErrorCode.FORBIDDEN, "the token is not an admin's");
          }
        })
        .onFailure(e -> HttpReplies.error(ctx, 401, ErrorCode.FORBIDDEN,
            e instanceof InvalidTokenException ? e.getMessage() : "invalid token"));
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}

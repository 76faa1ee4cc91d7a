package dev.hub.auth;

import io.vertx.core.http.HttpServerRequest;

/** Where a request carries its token: {@code Authorization: Bearer T} or, for browsers, {@code ?token=T}. */
public final class BearerTokens {
  private static final String BEARER = "bearer ";

  private BearerTokens() {
  }

  /** The token, or {@code null} when the request has none. */
  public static String of(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return header.substring(BEARER.length()).trim();
    }
    return request.getParam("token");
  }
}

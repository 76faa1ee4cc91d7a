package dev.hub.auth;

import java.util.List;
import java.util.Set;

/**
 * {@code http.allowedOrigins}: which browser origins may open a WebSocket or call the API. A request without an
 * {@code Origin} header does not come from a browser page and is not held to it.
 */
public final class OriginPolicy {
  private final Set<String> allowed;

  public OriginPolicy(List<String> allowedOrigins) {
    this.allowed = Set.copyOf(allowedOrigins);
  }

  public boolean restricts() {
    return !allowed.isEmpty();
  }

  public boolean allows(String origin) {
    return origin == null || allowed.isEmpty() || allowed.contains(origin);
  }

  public Set<String> origins() {
    return allowed;
  }
}

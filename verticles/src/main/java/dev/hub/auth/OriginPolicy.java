package dev.hub.auth;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which browser origins may open a WebSocket or call the HTTP API (PROTOCOL.md section 6): those of
 * {@code http.allowedOrigins} when it lists any; with it empty, any origin while auth is on (the token guards
 * the hub), and only loopback pages while auth is off, so a page of another site cannot drive a local hub
 * through its visitor's browser. A request without an {@code Origin} header does not come from a browser page
 * and is not held to it.
 */
public final class OriginPolicy {
  /** {@code localhost}, {@code 127.0.0.1} or {@code [::1]}, over HTTP or HTTPS, on any port. */
  public static final String LOOPBACK = "(?i)https?://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[0-9]{1,5})?";

  private final List<String> patterns;
  private final List<Pattern> compiled;

  /**
   * @param allowedOrigins {@code http.allowedOrigins}
   * @param authEnabled whether clients must present a token
   */
  public OriginPolicy(List<String> allowedOrigins, boolean authEnabled) {
    if (!allowedOrigins.isEmpty()) {
      this.patterns = allowedOrigins.stream().map(Pattern::quote).toList();
    } else {
      this.patterns = authEnabled ? List.of() : List.of(LOOPBACK);
    }
    this.compiled = patterns.stream().map(Pattern::compile).toList();
  }

  /** Whether some origins are refused; if not, any page may connect. */
  public boolean restricts() {
    return !patterns.isEmpty();
  }

  public boolean allows(String origin) {
    return origin == null || patterns.isEmpty() || compiled.stream().anyMatch(p -> p.matcher(origin).matches());
  }

  /** The allowed origins as regular expressions that match a whole {@code Origin} value, for CORS. */
  public List<String> patterns() {
    return patterns;
  }
}

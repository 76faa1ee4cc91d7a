package dev.hub.config;

import java.util.List;

/**
 * The HTTP and WebSocket listener.
 *
 * @param host the address to bind; loopback by default so a fresh hub is not reachable from the network
 * @param port the port to bind; 0 picks a free one
 * @param allowedOrigins browser origins allowed to connect and call the API; empty: any. Requests without an
 *     {@code Origin} header (non-browser clients) are not held to it
 * @param vertxInternals whether the WebSocket hot path may reach into Vert.x internals (probed at start; the
 *     public API is used when the probe fails or this is false)
 */
public record HttpConfig(String host, int port, List<String> allowedOrigins, boolean vertxInternals) {

  /** Loopback: a hub with auth off must not be exposed by accident. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The port a single node listens on. */
  public static final int DEFAULT_PORT = 8080;
  /** On: frames are written without re-encoding and flushes are consolidated; off only to rule them out. */
  public static final boolean DEFAULT_VERTX_INTERNALS = true;

  public static HttpConfig defaults() {
    return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT, List.of(), DEFAULT_VERTX_INTERNALS);
  }

  /** Whether the listener is reachable only from this machine. */
  public boolean isLoopback() {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, host != null && !host.isBlank(), "http.host", "must not be empty");
    HubConfig.require(problems, port >= 0 && port <= 65535, "http.port", "must be 0 to 65535");
    HubConfig.require(problems, allowedOrigins != null
        && allowedOrigins.stream().allMatch(o -> o != null && o.matches("https?://[^/\\s]+")),
        "http.allowedOrigins", "must be a list of origins like https://app.example.com");
  }
}

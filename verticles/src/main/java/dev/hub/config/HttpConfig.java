package dev.hub.config;

import io.netty.util.NetUtil;
import java.util.List;

/**
 * The HTTP and WebSocket listener.
 *
 * @param host the address to bind; loopback by default so a fresh hub is not reachable from the network
 * @param port the port to bind; 0 picks a free one
 * @param allowedOrigins browser origins allowed to connect and call the API; empty: any while auth is on, only
 *     loopback pages while it is off. Requests without an {@code Origin} header (non-browser clients) are not
 *     held to it
 * @param trustedProxies CIDRs (or single addresses) of the proxies whose {@code X-Forwarded-For} names the
 *     client; from any other peer the header is ignored
 * @param vertxInternals whether the WebSocket hot path may reach into Vert.x internals (probed at start; the
 *     public API is used when the probe fails or this is false)
 */
public record HttpConfig(String host, int port, List<String> allowedOrigins, List<String> trustedProxies,
    boolean vertxInternals) {

  /** Loopback: a hub with auth off must not be exposed by accident. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The port a single node listens on. */
  public static final int DEFAULT_PORT = 8080;
  /** On: frames are written without re-encoding and flushes are consolidated; off only to rule them out. */
  public static final boolean DEFAULT_VERTX_INTERNALS = true;

  /** No allow-list, no trusted proxies: every peer is its own client. */
  public static HttpConfig defaults() {
    return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT, List.of(), List.of(), DEFAULT_VERTX_INTERNALS);
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
    HubConfig.require(problems, trustedProxies != null && trustedProxies.stream().allMatch(HttpConfig::isCidr),
        "http.trustedProxies", "must be a list of addresses or CIDRs like 10.0.0.0/8");
  }

  /** An IP literal (no name: nothing is looked up), optionally with a prefix that fits it. */
  private static boolean isCidr(String value) {
    if (value == null) {
      return false;
    }
    int slash = value.indexOf('/');
    String address = slash < 0 ? value : value.substring(0, slash);
    int bits = NetUtil.isValidIpV4Address(address) ? 32 : NetUtil.isValidIpV6Address(address) ? 128 : 0;
    if (bits == 0 || slash < 0) {
      return bits > 0;
    }
    try {
      int prefix = Integer.parseInt(value.substring(slash + 1));
      return prefix >= 0 && prefix <= bits;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}

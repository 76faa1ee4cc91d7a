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
 * @param allowedHosts host names or addresses (no port) a request's {@code Host} may name besides loopback ones
 *     while auth is off; with auth on any {@code Host} is served
 * @param trustedProxies CIDRs (or single addresses) of the proxies whose {@code X-Forwarded-For} names the
 *     client; from any other peer the header is ignored
 * @param idleTimeoutMs a connection on which nothing is read and no write completes for this long is closed;
 *     0: never
 * @param vertxInternals whether the WebSocket hot path may reach into Vert.x internals (probed at start; the
 *     public API is used when the probe fails or this is false)
 */
public record HttpConfig(String host, int port, List<String> allowedOrigins, List<String> allowedHosts,
    List<String> trustedProxies, long idleTimeoutMs, boolean vertxInternals) {

  /** The same settings on another address. */
  public HttpConfig at(String otherHost, int otherPort) {
    return new HttpConfig(otherHost, otherPort, allowedOrigins, allowedHosts, trustedProxies, idleTimeoutMs,
        vertxInternals);
  }

  /** Loopback: a hub with auth off must not be exposed by accident. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The port a single node listens on. */
  public static final int DEFAULT_PORT = 8080;
  /**
   * 90 s: three heartbeat intervals, so a reader that reads is never cut (each ping or {@code : hb} completes a
   * write), while a client that stopped reading holds its buffers a minute and a half at most.
   */
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 90_000;
  /** On: frames are written without re-encoding and flushes are consolidated; off only to rule them out. */
  public static final boolean DEFAULT_VERTX_INTERNALS = true;

  /** No allow-lists, no trusted proxies: every peer is its own client; with auth off only loopback hosts. */
  public static HttpConfig defaults() {
    return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT, List.of(), List.of(), List.of(), DEFAULT_IDLE_TIMEOUT_MS,
        DEFAULT_VERTX_INTERNALS);
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
    HubConfig.require(problems, allowedHosts != null && allowedHosts.stream().allMatch(HttpConfig::isHost),
        "http.allowedHosts", "must be a list of host names or addresses without a port, like hub.example.com");
    HubConfig.require(problems, idleTimeoutMs == 0 || idleTimeoutMs >= 100 && idleTimeoutMs <= Integer.MAX_VALUE,
        "http.idleTimeoutMs", "must be 0 (never) or 100 to " + Integer.MAX_VALUE);
    HubConfig.require(problems, trustedProxies != null && trustedProxies.stream().allMatch(HttpConfig::isCidr),
        "http.trustedProxies", "must be a list of addresses or CIDRs like 10.0.0.0/8");
  }

  /** A DNS name, or an IP literal (an IPv6 one in brackets or not), without a port. */
  private static boolean isHost(String value) {
    if (value == null) {
      return false;
    }
    String bare = value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value;
    return NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare)
        || value.matches("(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.?")
        && value.length() <= 253;
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

package dev.hub.config;

import java.net.URI;
import java.util.List;

/**
 * The hooks that decide (PROTOCOL.md section 10): connect, join, publish and request, each asked over HTTP at its
 * {@code url} when one is set. An embedding application may give the same hooks as Java objects instead
 * ({@code dev.hub.api.Hooks}); the room globs, the timeout and the bound below hold for both.
 *
 * @param secret HMAC-SHA256 key of every HTTP hook request's {@code X-Hub-Signature}; required once a url is set
 * @param timeoutMs the longest the hub waits for a hook's answer; past it the hook is {@code unavailable}
 * @param maxInFlight hook calls that may wait at once on this node; one more is {@code unavailable} at once
 * @param connect asked for a WebSocket upgrade or SSE stream that carries no token
 * @param join asked for a join the session's permissions do not already allow, in the rooms it names
 * @param publish asked for every client publish to the rooms it names, after permissions
 * @param request answers {@code request} frames instead of NATS
 */
public record HooksConfig(String secret, long timeoutMs, int maxInFlight, Connect connect, Rooms join,
    Rooms publish, Request request) {

  /** 5 s: a backend slower than that is down as far as a waiting client can tell. */
  public static final long DEFAULT_TIMEOUT_MS = 5000;
  /** 1000 calls waiting per node: a slow backend holds at most that many requests, not every client's. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1000;
  /** The headers a connect hook sees by default: enough to recognise a browser's session or a bearer. */
  public static final List<String> DEFAULT_CONNECT_HEADERS = List.of("Cookie", "Authorization", "User-Agent");
  /** Every room, once the hook's url is set. */
  public static final List<String> DEFAULT_ROOMS = List.of("*");

  /**
   * @param url where the hook is asked (POST), or {@code null} for no HTTP connect hook
   * @param headers the request headers passed on to the hook, by name (case does not matter)
   */
  public record Connect(String url, List<String> headers) {
  }

  /**
   * @param url where the hook is asked (POST), or {@code null} for no HTTP hook
   * @param rooms globs of the room names the hook is asked for ({@code *} matches any run of characters)
   */
  public record Rooms(String url, List<String> rooms) {
  }

  /** @param url where {@code request} frames go (POST) instead of NATS, or {@code null} */
  public record Request(String url) {
  }

  public static HooksConfig defaults() {
    return new HooksConfig(null, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_IN_FLIGHT,
        new Connect(null, DEFAULT_CONNECT_HEADERS), new Rooms(null, DEFAULT_ROOMS), new Rooms(null, DEFAULT_ROOMS),
        new Request(null));
  }

  /** Whether any hook is asked over HTTP. */
  public boolean anyUrl() {
    return connect.url() != null || join.url() != null || publish.url() != null || request.url() != null;
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, timeoutMs >= 1 && timeoutMs <= 600_000, "hooks.timeoutMs", "must be 1 to 600000");
    HubConfig.require(problems, maxInFlight >= 1, "hooks.maxInFlight", "must be at least 1");
    HubConfig.require(problems, isUrl(connect.url()), "hooks.connect.url", "must be an http(s) URL or null");
    HubConfig.require(problems, isUrl(join.url()), "hooks.join.url", "must be an http(s) URL or null");
    HubConfig.require(problems, isUrl(publish.url()), "hooks.publish.url", "must be an http(s) URL or null");
    HubConfig.require(problems, isUrl(request.url()), "hooks.request.url", "must be an http(s) URL or null");
    HubConfig.require(problems, connect.headers() != null
        && connect.headers().stream().noneMatch(h -> h == null || h.isBlank()), "hooks.connect.headers",
        "must be a list of header names");
    HubConfig.require(problems, isGlobs(join.rooms()), "hooks.join.rooms", "must be a list of non-empty globs");
    HubConfig.require(problems, isGlobs(publish.rooms()), "hooks.publish.rooms", "must be a list of non-empty globs");
    HubConfig.require(problems, !anyUrl() || (secret != null && secret.length() >= 16), "hooks.secret",
        "must be at least 16 characters once a hooks.*.url is set (the backend checks X-Hub-Signature with it)");
  }

  private static boolean isGlobs(List<String> globs) {
    return globs != null && globs.stream().noneMatch(g -> g == null || g.isBlank());
  }

  private static boolean isUrl(String url) {
    if (url == null) {
      return true;
    }
    try {
      URI uri = URI.create(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}

package dev.hub.config;

import java.util.List;

/**
 * The HTTP and WebSocket listener.
 *
 * @param host the address to bind; loopback by default so a fresh hub is not reachable from the network
 * @param port the port to bind; 0 picks a free one
 */
public record HttpConfig(String host, int port) {

  /** Loopback: a hub with auth off must not be exposed by accident. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The port a single node listens on. */
  public static final int DEFAULT_PORT = 8080;

  public static HttpConfig defaults() {
    return new HttpConfig(DEFAULT_HOST, DEFAULT_PORT);
  }

  void validate(List<String> problems) {
    HubConfig.require(problems, host != null && !host.isBlank(), "http.host", "must not be empty");
    HubConfig.require(problems, port >= 0 && port <= 65535, "http.port", "must be 0 to 65535");
  }
}

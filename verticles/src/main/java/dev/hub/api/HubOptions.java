package dev.hub.api;

import dev.hub.config.HttpConfig;
import dev.hub.config.HubConfig;

/**
 * How to start an embedded hub ({@link HubServer#start}): its whole configuration ({@link HubConfig}, the same
 * keys as {@code config/hub.yaml}, defaults included), the address it listens on, and the application's own
 * hooks. Like Vert.x's options: a mutable data object with fluent setters, read once at start.
 */
public final class HubOptions {
  /** Loopback: an embedded hub is not reachable from the network unless the application says so. */
  public static final String DEFAULT_HOST = HttpConfig.DEFAULT_HOST;
  /** The port the hub listens on; 0 picks a free one ({@link HubServer#port} tells which). */
  public static final int DEFAULT_PORT = HttpConfig.DEFAULT_PORT;

  private HubConfig config = HubConfig.defaults();
  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private Hooks hooks = new Hooks();

  /** Every key of {@code config/hub.yaml}; {@link #setHost} and {@link #setPort} override its {@code http} ones. */
  public HubOptions setConfig(HubConfig config) {
    this.config = config;
    this.host = config.http().host();
    this.port = config.http().port();
    return this;
  }

  public HubOptions setHost(String host) {
    this.host = host;
    return this;
  }

  public HubOptions setPort(int port) {
    this.port = port;
    return this;
  }

  /** The application's hooks; those not set are asked over HTTP when their {@code hooks.*.url} is, else never. */
  public HubOptions setHooks(Hooks hooks) {
    this.hooks = hooks;
    return this;
  }

  public String getHost() {
    return host;
  }

  public int getPort() {
    return port;
  }

  public Hooks getHooks() {
    return hooks;
  }

  /** The configuration the hub starts with: the one given, with this host and port. */
  public HubConfig getConfig() {
    HttpConfig http = config.http();
    return new HubConfig(config.node(), http.at(host, port), config.heartbeat(), config.limits(), config.presence(), config.batch(),
        config.history(), config.dedup(), config.shutdown(), config.cluster(), config.auth(), config.nats(),
        config.hooks());
  }
}

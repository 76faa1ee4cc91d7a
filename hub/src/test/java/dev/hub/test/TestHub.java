package dev.hub.test;

import dev.hub.app.ConfigLoader;
import dev.hub.boot.Hub;
import dev.hub.config.HubConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real hub on a free loopback port, configured by dotted keys as the command line would. A single node runs on
 * the test's Vert.x ({@link #start(Vertx, String...)}, one that {@code VertxExtension} gives and closes), and its
 * WebSocket clients connect through that Vert.x too; stopping the hub undeploys its verticles and leaves that
 * Vert.x to the extension. A cluster member runs on its own clustered Vert.x ({@link TestCluster}).
 */
public final class TestHub implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Hub hub;
  /** The WebSocket client of the test's Vert.x. */
  private final WebSocketClient webSockets;
  private boolean stopped;

  private TestHub(Hub hub, WebSocketClient webSockets) {
    this.hub = hub;
    this.webSockets = webSockets;
  }

  /**
   * Starts a single node on {@code vertx} with the embedded defaults changed by {@code overrides}, e.g.
   * {@code "batch.maxEvents", "3"}; its clients connect through {@code vertx} as well.
   */
  public static TestHub start(Vertx vertx, String... overrides) {
    try {
      return new TestHub(Hub.start(config(overrides), vertx).await(60, TimeUnit.SECONDS), WsClient.clientOn(vertx));
    } catch (Exception e) {
      throw new IllegalStateException("hub did not start", e);
    }
  }

  /** As {@link #start(Vertx, String...)}, with an embedding application's own hooks. */
  public static TestHub start(Vertx vertx, dev.hub.api.Hooks hooks, String... overrides) {
    try {
      return new TestHub(Hub.start(config(overrides), vertx, hooks).await(60, TimeUnit.SECONDS),
          WsClient.clientOn(vertx));
    } catch (Exception e) {
      throw new IllegalStateException("hub did not start", e);
    }
  }

  /** Starts a cluster member on a clustered Vert.x of its own without waiting, so several can start together. */
  public static io.vertx.core.Future<Hub> startAsync(String... overrides) {
    return Hub.start(config(overrides));
  }

  private static HubConfig config(String... overrides) {
    Map<String, String> flags = new HashMap<>();
    flags.put("http.port", "0");
    for (int i = 0; i < overrides.length; i += 2) {
      flags.put(overrides[i], overrides[i + 1]);
    }
    return new ConfigLoader().load(null, Map.of(), flags);
  }

  /** Wraps a hub started with {@link #startAsync}; its clients connect through {@code webSockets}. */
  public static TestHub of(Hub hub, WebSocketClient webSockets) {
    return new TestHub(hub, webSockets);
  }

  public Hub hub() {
    return hub;
  }

  public int port() {
    return hub.port();
  }

  /** A WebSocket client connected to {@code /ws} with the given query, e.g. {@code "user=ann"}. */
  public WsClient connect(String query) {
    return connect(query, Map.of());
  }

  /** A WebSocket client connected with extra request headers, e.g. {@code Authorization} or {@code Origin}. */
  public WsClient connect(String query, Map<String, String> headers) {
    return WsClient.connect(webSockets, port(), query, headers);
  }

  /** The failure of an upgrade the hub must refuse, e.g. its HTTP status. */
  public Throwable refusal(String query) {
    return WsClient.refusal(webSockets, port(), query);
  }

  /** The WebSocket client this hub's {@link #connect} uses, for a test that drives sockets itself. */
  public WebSocketClient webSockets() {
    return webSockets;
  }

  public WsClient connect() {
    return connect("");
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public HttpResponse<String> post(String path, String body) {
    return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/json"));
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException("HTTP request failed", e);
    }
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  /** Graceful stop, as SIGTERM does. */
  public void stop() {
    if (!stopped) {
      stopped = true;
      try {
        hub.stop().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("hub did not stop", e);
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}

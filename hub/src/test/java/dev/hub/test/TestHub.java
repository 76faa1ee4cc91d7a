package dev.hub.test;

import dev.hub.app.ConfigLoader;
import dev.hub.app.Hub;
import dev.hub.config.HubConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real hub on a free loopback port, configured by dotted keys as the command line would. */
public final class TestHub implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Hub hub;
  private boolean stopped;

  private TestHub(Hub hub) {
    this.hub = hub;
  }

  /** Starts a hub with the embedded defaults changed by {@code overrides}, e.g. {@code "batch.maxEvents", "3"}. */
  public static TestHub start(String... overrides) {
    try {
      return new TestHub(startAsync(overrides).await(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException("hub did not start", e);
    }
  }

  /** Starts a hub without waiting, so several cluster members can start together. */
  public static io.vertx.core.Future<Hub> startAsync(String... overrides) {
    Map<String, String> flags = new HashMap<>();
    flags.put("http.port", "0");
    for (int i = 0; i < overrides.length; i += 2) {
      flags.put(overrides[i], overrides[i + 1]);
    }
    HubConfig config = new ConfigLoader().load(null, Map.of(), flags);
    return Hub.start(config);
  }

  /** Wraps a hub started with {@link #startAsync}. */
  public static TestHub of(Hub hub) {
    return new TestHub(hub);
  }

  public Hub hub() {
    return hub;
  }

  public int port() {
    return hub.port();
  }

  /** A WebSocket client connected to {@code /ws} with the given query, e.g. {@code "user=ann"}. */
  public WsClient connect(String query) {
    return WsClient.connect(port(), query);
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

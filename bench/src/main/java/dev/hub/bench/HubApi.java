package dev.hub.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * GETs on one hub node's HTTP API ({@code /api/*}) the way a backend calls it: HTTP/1.1 on one kept-alive
 * connection, authorised with {@code X-Api-Key} (PROTOCOL.md section 6). Start the node with {@link #ENV}.
 */
final class HubApi {
  private static final String KEY = "bench-api-key-0123456789";
  /** The environment that gives a node this client's API key. */
  static final Map<String, String> ENV = Map.of("HUB_AUTH_API_KEY", KEY);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;

  HubApi(int port) {
    this.port = port;
  }

  /** The body of a 200 answer to {@code GET path}; any other status is an error naming it. */
  byte[] get(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("X-Api-Key", KEY).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + answer.statusCode() + ": "
          + new String(answer.body(), StandardCharsets.UTF_8));
    }
    return answer.body();
  }
}

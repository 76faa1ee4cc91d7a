package dev.hub.test;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A plain HTTP client reading a Server-Sent Events stream line by line, as {@code curl -N} would: what it
 * received is taken in order, each wait bounded.
 */
public final class SseReader implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String END = "\u0000end";

  /** One SSE message: its fields as sent. */
  public record Message(String id, String event, String data) {
  }

  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final HttpResponse<Stream<String>> response;
  private final Thread reading;

  private SseReader(HttpResponse<Stream<String>> response) {
    this.response = response;
    this.reading = new Thread(() -> {
      try (Stream<String> body = response.body()) {
        body.forEach(lines::add);
      } catch (RuntimeException e) {
        // The stream was cut: its end is what the test sees.
      }
      lines.add(END);
    }, "sse-reader");
    reading.setDaemon(true);
    reading.start();
  }

  /** Opens {@code /sse?QUERY} with extra headers and returns once the response's headers are in. */
  public static SseReader open(int port, String query, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sse?" + query));
    headers.forEach(request::header);
    try {
      return new SseReader(HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines()));
    } catch (Exception e) {
      throw new IllegalStateException("GET /sse failed", e);
    }
  }

  public int status() {
    return response.statusCode();
  }

  public HttpResponse<Stream<String>> response() {
    return response;
  }

  /** The next line, or fails after {@code WsClient.WAIT_MS}; {@code null} once the stream has ended. */
  public String line() {
    try {
      String line = lines.poll(WsClient.WAIT_MS, TimeUnit.MILLISECONDS);
      if (line == null) {
        return fail("no line within " + WsClient.WAIT_MS + " ms");
      }
      return line.equals(END) ? null : line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  /** The next message of the stream, skipping comments and {@code retry:}; {@code null} once it has ended. */
  public Message message() {
    List<String> fields = new ArrayList<>();
    while (true) {
      String line = line();
      if (line == null) {
        return null;
      }
      if (line.isEmpty()) {
        if (!fields.isEmpty()) {
          String id = null;
          String event = null;
          String data = null;
          for (String field : fields) {
            if (field.startsWith("id: ")) {
              id = field.substring(4);
            } else if (field.startsWith("event: ")) {
              event = field.substring(7);
            } else if (field.startsWith("data: ")) {
              data = field.substring(6);
            }
          }
          if (event != null || data != null) {
            return new Message(id, event, data);
          }
          fields.clear();
        }
        continue;
      }
      if (!line.startsWith(":") && !line.startsWith("retry:")) {
        fields.add(line);
      }
    }
  }

  /** Waits for the next line that is exactly {@code expected}, skipping others. */
  public void awaitLine(String expected) {
    while (true) {
      String line = line();
      if (line == null) {
        fail("the stream ended before the line " + expected);
      }
      if (line.equals(expected)) {
        return;
      }
    }
  }

  @Override
  public void close() {
    reading.interrupt();
    response.body().close();
  }
}

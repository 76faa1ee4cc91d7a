package dev.hub.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * GETs on one hub node's HTTP API ({@code /api/*}) the way a backend calls it: HTTP/1.1 on one kept-alive
 * connection, authorised with {@code X-Api-Key} (PROTOCOL.md section 6). Start the node with {@link #ENV}.
 *
 * <p>A plain socket, not {@code java.net.http.HttpClient}: for a megabyte answer the JDK client's buffers and
 * threads cost the generator, which shares its core with thousands of sessions, more than the hub's own work,
 * and its collections showed up as the measured tail. Here the body is read straight into one array.
 */
final class HubApi implements AutoCloseable {
  private static final String KEY = "bench-api-key-0123456789";
  /** The environment that gives a node this client's API key. */
  static final Map<String, String> ENV = Map.of("HUB_AUTH_API_KEY", KEY);
  private static final int TIMEOUT_MS = 30_000;

  private final int port;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  HubApi(int port) {
    this.port = port;
  }

  /** The body of a 200 answer to {@code GET path}; any other status is an error naming it. */
  byte[] get(String path) throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(TIMEOUT_MS);
      socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      out = socket.getOutputStream();
    }
    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Api-Key: " + KEY + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String status = line();
    int length = -1;
    boolean closes = false;
    for (String header = line(); !header.isEmpty(); header = line()) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(lower.substring("content-length:".length()).trim());
      } else if (lower.startsWith("transfer-encoding:") || lower.equals("connection: close")) {
        closes = true;
      }
    }
    if (length < 0 || closes) {
      close();
      throw new IllegalStateException("GET " + path + " answered without a Content-Length on a kept-alive "
          + "connection: " + status);
    }
    byte[] body = in.readNBytes(length);
    if (body.length != length) {
      close();
      throw new IOException("GET " + path + ": connection closed after " + body.length + " of " + length + " bytes");
    }
    if (!status.startsWith("HTTP/1.1 200")) {
      throw new IllegalStateException("GET " + path + " answered " + status + ": "
          + new String(body, StandardCharsets.UTF_8));
    }
    return body;
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed in the middle of an HTTP answer's head");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        socket = null;
      }
    }
  }
}

package dev.hub.test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request on a bare socket, with exactly the {@code Host} the test gives (the JDK's client and Vert.x's
 * set it from the address), as a browser whose page rebound its DNS name to 127.0.0.1 would send it. Reads the
 * status, the head, and a body of known length; a stream's body is not waited for.
 */
public final class RawHttp {

  /** What the server answered: its status, the head as sent, and the body when it had a length. */
  public record Answer(int status, String head, String body) {
  }

  private RawHttp() {
  }

  /**
   * {@code GET path} with this {@code Host} ({@code null}: none, as HTTP/1.0 allows) and extra headers.
   */
  public static Answer get(int port, String path, String host, Map<String, String> headers) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) WsClient.WAIT_MS);
      StringBuilder request = new StringBuilder("GET " + path + (host == null ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n"));
      if (host != null) {
        request.append("Host: ").append(host).append("\r\n");
      }
      headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      int status = Integer.parseInt(head.split(" ", 3)[1]);
      int length = contentLength(head);
      return new Answer(status, head, length < 0 ? "" : new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return -1;
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed before the response's head: " + head);
      }
      head.write(b);
      matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}

package dev.hub.test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * A WebSocket client on a bare socket that does only the handshake and then reads: it never answers a ping,
 * which no library client can be made to do.
 */
public final class RawWebSocket implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private int pingsSeen;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
  }

  public static RawWebSocket connect(int port, String query) throws IOException {
    return connect(port, query, Map.of());
  }

  /** Upgrades with exactly these extra headers (a library client would add or strip some, such as Origin). */
  public static RawWebSocket connect(int port, String query, Map<String, String> headers) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    RawWebSocket raw = new RawWebSocket(socket);
    String status = raw.handshake(port, query, headers);
    if (!status.contains(" 101 ")) {
      socket.close();
      throw new IOException("upgrade refused: " + status);
    }
    return raw;
  }

  /** The HTTP status the server answers an upgrade with these headers. */
  public static int upgradeStatus(int port, String query, Map<String, String> headers) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      String status = new RawWebSocket(socket).handshake(port, query, headers);
      return Integer.parseInt(status.split(" ")[1]);
    }
  }

  private String handshake(int port, String query, Map<String, String> headers) throws IOException {
    String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    StringBuilder request = new StringBuilder("GET /ws" + (query.isEmpty() ? "" : "?" + query)
        + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
        + "\r\nSec-WebSocket-Version: 13\r\n");
    headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    OutputStream out = socket.getOutputStream();
    out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return readHeaders();
  }

  private String readHeaders() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during the handshake");
      }
      head.write(b);
      matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
    }
    return head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
  }

  /**
   * Reads frames, answering none, until a close frame arrives.
   *
   * @return the close code, or 1006 when the connection ended without one
   */
  public int readUntilClose() throws IOException {
    try {
      while (true) {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
          length = in.readUnsignedShort();
        } else if (length == 127) {
          length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        int opcode = first & 0x0f;
        if (opcode == 0x9) {
          pingsSeen++;
        } else if (opcode == 0x8) {
          return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
      }
    } catch (EOFException | SocketTimeoutException e) {
      return 1006;
    }
  }

  /** Pings the server sent and this client ignored. */
  public int pingsSeen() {
    return pingsSeen;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

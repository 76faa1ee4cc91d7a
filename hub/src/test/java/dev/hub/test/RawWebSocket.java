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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a bare socket that does the handshake, then reads and writes frames exactly as the test
 * says: it never answers a ping, and it sends whatever opcode, fragmentation and payload it is given, such as a
 * text frame that is not valid UTF-8, which no library client can be made to do. Frames it sends are masked, as
 * RFC 6455 requires of a client.
 */
public final class RawWebSocket implements AutoCloseable {
  public static final int OP_CONTINUATION = 0x0;
  public static final int OP_TEXT = 0x1;
  public static final int OP_BINARY = 0x2;
  public static final int OP_CLOSE = 0x8;
  public static final int OP_PING = 0x9;

  /** One frame as the server sent it; payloads arrive unmasked. */
  public record Frame(int opcode, boolean fin, byte[] payload) {
    /** The payload read as UTF-8. */
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The code of a close frame, 1005 when it carries none. */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private int pingsSeen;
  private Frame closeFrame;

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
    return Integer.parseInt(upgradeHead(port, query, headers).lines().findFirst().orElse("").split(" ")[1]);
  }

  /** The status line and headers the server answers an upgrade with these headers, as sent. */
  public static String upgradeHead(int port, String query, Map<String, String> headers) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      RawWebSocket raw = new RawWebSocket(socket);
      raw.sendHandshake(port, query, headers);
      return raw.readHead();
    }
  }

  private String handshake(int port, String query, Map<String, String> headers) throws IOException {
    sendHandshake(port, query, headers);
    return readHead().lines().findFirst().orElse("");
  }

  private void sendHandshake(int port, String query, Map<String, String> headers) throws IOException {
    String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    // A Host among the headers replaces the socket's own address: a page whose DNS name was rebound sends its own.
    boolean ownHost = headers.keySet().stream().anyMatch("Host"::equalsIgnoreCase);
    StringBuilder request = new StringBuilder("GET /ws" + (query.isEmpty() ? "" : "?" + query)
        + " HTTP/1.1\r\n" + (ownHost ? "" : "Host: 127.0.0.1:" + port + "\r\n")
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
        + "\r\nSec-WebSocket-Version: 13\r\n");
    headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    OutputStream out = socket.getOutputStream();
    out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private String readHead() throws IOException {
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
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Sends one complete text message with exactly these payload bytes, valid UTF-8 or not. */
  public void sendText(byte[] payload) throws IOException {
    sendFrame(OP_TEXT, true, payload);
  }

  /**
   * Sends one frame, masked with a fresh key.
   *
   * @param fin false for a fragment that a {@link #OP_CONTINUATION} frame continues
   */
  public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
    OutputStream out = socket.getOutputStream();
    encode(opcode, fin, payload).writeTo(out);
    out.flush();
  }

  /**
   * Sends complete text messages in one write, so that the server reads them together (one loopback segment):
   * what a client does that sends faster than the server reads.
   */
  public void sendTextsAtOnce(List<byte[]> payloads) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] payload : payloads) {
      encode(OP_TEXT, true, payload).writeTo(all);
    }
    OutputStream out = socket.getOutputStream();
    all.writeTo(out);
    out.flush();
  }

  private static ByteArrayOutputStream encode(int opcode, boolean fin, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write((fin ? 0x80 : 0) | (opcode & 0x0f));
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length <= 0xffff) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask, 0, mask.length);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    return frame;
  }

  /**
   * The next frame the server sends, pings included and not answered.
   *
   * @throws EOFException when the connection ends first
   */
  public Frame readFrame() throws IOException {
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
    if (opcode == OP_PING) {
      pingsSeen++;
    }
    return new Frame(opcode, (first & 0x80) != 0, payload);
  }

  /**
   * The next text message, skipping pings. Each message must come in one frame, as the hub sends them.
   *
   * @return the message, or {@code null} when the server closed first; {@link #readUntilClose} then tells how
   */
  public String readText() throws IOException {
    while (true) {
      Frame frame = readFrame();
      if (frame.opcode() == OP_TEXT) {
        return frame.text();
      }
      if (frame.opcode() == OP_CLOSE) {
        closeFrame = frame;
        return null;
      }
    }
  }

  /**
   * Reads frames, answering none, until a close frame arrives.
   *
   * @return the close code, or 1006 when the connection ended without one
   */
  public int readUntilClose() throws IOException {
    try {
      while (closeFrame == null) {
        Frame frame = readFrame();
        if (frame.opcode() == OP_CLOSE) {
          closeFrame = frame;
        }
      }
      return closeFrame.closeCode();
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

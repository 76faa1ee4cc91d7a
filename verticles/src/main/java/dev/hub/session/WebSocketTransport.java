package dev.hub.session;

import dev.hub.protocol.EncodedFrame;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A session over {@code /ws}: each frame one WebSocket text message, held events one {@code batch} frame. */
public final class WebSocketTransport implements Transport {
  private static final byte[] BATCH_HEAD = "{\"type\":\"batch\",\"events\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BATCH_TAIL = "]}".getBytes(StandardCharsets.UTF_8);

  private final ServerWebSocket socket;
  private final VertxInternals writer;

  public WebSocketTransport(ServerWebSocket socket, VertxInternals writer) {
    this.socket = socket;
    this.writer = writer;
  }

  @Override
  public void frame(EncodedFrame frame) {
    writer.writeText(socket, frame.utf8());
  }

  @Override
  public void batch(List<EncodedFrame> events) {
    int size = BATCH_HEAD.length + BATCH_TAIL.length + events.size() - 1;
    for (EncodedFrame event : events) {
      size += event.utf8().length;
    }
    byte[] batch = new byte[size];
    System.arraycopy(BATCH_HEAD, 0, batch, 0, BATCH_HEAD.length);
    int at = BATCH_HEAD.length;
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        batch[at++] = ',';
      }
      byte[] event = events.get(i).utf8();
      System.arraycopy(event, 0, batch, at, event.length);
      at += event.length;
    }
    System.arraycopy(BATCH_TAIL, 0, batch, at, BATCH_TAIL.length);
    writer.writeText(socket, batch);
  }

  @Override
  public void ping() {
    socket.writePing(Buffer.buffer());
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public void close(short code, String reason) {
    if (!socket.isClosed()) {
      socket.close(code, reason);
    }
  }

  @Override
  public boolean isClosed() {
    return socket.isClosed();
  }
}

package dev.hub.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hub.protocol.CloseCode;
import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A session over {@code /sse} (PROTOCOL.md section 3): each event one SSE message ({@code id}, {@code event},
 * {@code data: {"room","data","ts"}} with {@code seq} and {@code from} where set), a held batch its events one
 * by one, a ping the comment {@code : hb}, shutdown's {@code bye} an {@code event: bye} message. Replies and
 * presence diffs have no place in the stream and are not written.
 *
 * <p>A stream ends with its TCP connection (PROTOCOL.md section 6): an {@code EventSource} never sends a second
 * request on it, and a connection kept alive after the end would hold whatever the reader left unread, in the
 * hub's buffers and the kernel's, for as long as the reader likes. A clean end ({@code bye} on shutdown or on a
 * disconnect, or the reader gone) ends the response and closes the connection once that end is written; every
 * other close (slow consumer, expired token) drops the connection at once with what it still had queued
 * ({@link VertxInternals#drop}). A reader that never reads the clean end is cut by the server's idle timeout
 * ({@code http.idleTimeoutMs}), and so is a dropped connection where the internals are off.
 */
public final class SseTransport implements Transport {
  private static final String EVENT_PREFIX = "{\"type\":\"event\"";
  private static final String BYE_PREFIX = "{\"type\":\"bye\"";
  private static final Buffer HEARTBEAT = Buffer.buffer(": hb\n\n");

  private final HttpServerResponse response;
  private final HttpConnection connection;
  private final VertxInternals internals;
  private boolean closed;

  /**
   * @param request the {@code GET /sse} whose response is the stream, its headers already set
   * @param internals how a connection is dropped at once
   */
  public SseTransport(HttpServerRequest request, VertxInternals internals) {
    this.response = request.response();
    this.connection = request.connection();
    this.internals = internals;
  }

  @Override
  public void frame(EncodedFrame frame) {
    String text = frame.text();
    if (text.startsWith(EVENT_PREFIX)) {
      response.write(Buffer.buffer(frame.translated(SseTransport::message)));
    } else if (text.startsWith(BYE_PREFIX)) {
      response.write("event: bye\ndata: " + text + "\n\n");
    }
  }

  @Override
  public void batch(List<EncodedFrame> events) {
    Buffer messages = Buffer.buffer();
    for (EncodedFrame event : events) {
      messages.appendBytes(event.translated(SseTransport::message));
    }
    response.write(messages);
  }

  @Override
  public void ping() {
    response.write(HEARTBEAT.copy());
  }

  /** An SSE reader says nothing back; the connection itself is its liveness. */
  @Override
  public boolean answersPings() {
    return false;
  }

  @Override
  public boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  @Override
  public void close(short code, String reason) {
    if (isClosed()) {
      return;
    }
    closed = true;
    if (endsCleanly(code)) {
      response.end().onComplete(written -> connection.close());
    } else {
      internals.drop(connection);
    }
  }

  /** Whether the reader is owed the end of the stream: what was written before it, {@code bye} included. */
  private static boolean endsCleanly(short code) {
    return code == CloseCode.NORMAL || code == CloseCode.GOING_AWAY || code == CloseCode.DISCONNECTED;
  }

  @Override
  public boolean isClosed() {
    return closed || response.ended() || response.closed();
  }

  /** An event frame as one SSE message: made once per broadcast on this node, whatever its readers. */
  private static byte[] message(String eventFrame) {
    JsonNode event;
    try {
      event = Json.MAPPER.readTree(eventFrame);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an event frame the hub encoded is not JSON", e);
    }
    ObjectNode data = Json.MAPPER.createObjectNode();
    data.set("room", event.get("room"));
    data.set("data", event.get("data"));
    data.set("ts", event.get("ts"));
    if (event.has("seq")) {
      data.set("seq", event.get("seq"));
    }
    if (event.has("from")) {
      data.set("from", event.get("from"));
    }
    return ("id: " + event.get("id").asText() + "\nevent: " + event.get("event").asText() + "\ndata: "
        + Json.encode(data) + "\n\n").getBytes(StandardCharsets.UTF_8);
  }
}

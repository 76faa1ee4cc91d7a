package dev.hub.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;

/**
 * Joins a session's fragmented frames into messages and enforces {@code limits.maxFrameBytes} on the whole
 * message, not just on each fragment.
 */
final class MessageAssembler {

  /** What one frame completed. */
  enum Outcome { NOTHING, TEXT, BINARY, TOO_LARGE }

  private final int maxBytes;
  private Buffer partial;
  private boolean partialIsText;
  private byte[] message;

  MessageAssembler(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  Outcome accept(WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary()) {
      partial = null;
      partialIsText = frame.isText();
      if (frame.isFinal()) {
        return complete(frame.binaryData(), partialIsText);
      }
      partial = Buffer.buffer().appendBuffer(frame.binaryData());
      return partial.length() > maxBytes ? tooLarge() : Outcome.NOTHING;
    }
    if (frame.isContinuation() && partial != null) {
      partial.appendBuffer(frame.binaryData());
      if (partial.length() > maxBytes) {
        return tooLarge();
      }
      if (frame.isFinal()) {
        Buffer whole = partial;
        partial = null;
        return complete(whole, partialIsText);
      }
    }
    return Outcome.NOTHING;
  }

  /** The message the last TEXT or BINARY outcome completed. */
  byte[] message() {
    return message;
  }

  private Outcome complete(Buffer data, boolean text) {
    if (data.length() > maxBytes) {
      return tooLarge();
    }
    message = data.getBytes();
    return text ? Outcome.TEXT : Outcome.BINARY;
  }

  private Outcome tooLarge() {
    partial = null;
    message = null;
    return Outcome.TOO_LARGE;
  }
}

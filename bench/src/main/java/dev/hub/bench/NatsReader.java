package dev.hub.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The server side of the NATS client protocol as a byte stream, whatever the WebSocket frames that carried it:
 * {@code MSG subject sid [reply] size} with its payload, {@code PING}, {@code PONG}, {@code INFO}, {@code +OK},
 * {@code -ERR}. Each payload's stamps go to the listener, and each frame that completed messages counts as one.
 */
final class NatsReader {
  private final Dialect.Listener listener;
  private final Runnable ping;
  private final Runnable pong;
  private final Consumer<String> error;
  private byte[] pending = new byte[0];
  private int length;

  /**
   * @param ping answers the server's {@code PING}
   * @param pong hears the server's {@code PONG}
   * @param error hears a {@code -ERR} line
   */
  NatsReader(Dialect.Listener listener, Runnable ping, Runnable pong, Consumer<String> error) {
    this.listener = listener;
    this.ping = ping;
    this.pong = pong;
    this.error = error;
  }

  /** Reads one frame's bytes: complete protocol messages are handled, a partial one waits for the next frame. */
  void feed(Buffer frame) {
    append(frame.getBytes());
    int at = 0;
    int messages = 0;
    while (true) {
      int eol = lineEnd(at);
      if (eol < 0) {
        break;
      }
      if (startsWith(at, "MSG ")) {
        int size = lastNumber(at, eol);
        int end = eol + 2 + size + 2;
        if (end > length) {
          break;
        }
        messages += Stamps.scan(pending, eol + 2, eol + 2 + size, listener);
        at = end;
        continue;
      }
      if (startsWith(at, "PING")) {
        ping.run();
      } else if (startsWith(at, "PONG")) {
        pong.run();
      } else if (startsWith(at, "-ERR")) {
        error.accept(new String(pending, at, eol - at, StandardCharsets.UTF_8));
      }
      at = eol + 2;
    }
    System.arraycopy(pending, at, pending, 0, length - at);
    length -= at;
    if (messages > 0) {
      listener.frame(messages);
    }
  }

  private void append(byte[] bytes) {
    if (length + bytes.length > pending.length) {
      byte[] grown = new byte[Math.max(pending.length * 2, length + bytes.length)];
      System.arraycopy(pending, 0, grown, 0, length);
      pending = grown;
    }
    System.arraycopy(bytes, 0, pending, length, bytes.length);
    length += bytes.length;
  }

  /** Where the line starting at {@code from} ends (its CR), or -1 when it has not all arrived. */
  private int lineEnd(int from) {
    for (int i = from; i + 1 < length; i++) {
      if (pending[i] == '\r' && pending[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private boolean startsWith(int at, String word) {
    if (at + word.length() > length) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (pending[at + i] != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The payload size, the last field of a {@code MSG} line. */
  private int lastNumber(int from, int eol) {
    int start = eol;
    while (start > from && pending[start - 1] != ' ') {
      start--;
    }
    int value = 0;
    for (int i = start; i < eol; i++) {
      value = value * 10 + (pending[i] - '0');
    }
    return value;
  }
}

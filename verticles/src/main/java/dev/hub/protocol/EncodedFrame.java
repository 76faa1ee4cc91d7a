package dev.hub.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A server frame encoded once for all its recipients on this node: the JSON text and its UTF-8 bytes, which
 * every local session writes as they are. On the cluster bus it travels as its text alone. The bytes come from
 * the text, so an unpaired surrogate that a client sent as a JSON escape goes out as {@code ?}, valid UTF-8.
 */
public final class EncodedFrame {
  private final String text;
  private final byte[] utf8;
  /** What another transport makes of this frame (an SSE message), made by the first of its readers. */
  private volatile byte[] translated;

  @JsonCreator
  public EncodedFrame(String text) {
    this.text = text;
    this.utf8 = text.getBytes(StandardCharsets.UTF_8);
  }

  /** Encodes a frame record or tree. */
  public static EncodedFrame of(Object frame) {
    return new EncodedFrame(Json.encode(frame));
  }

  @JsonValue
  public String text() {
    return text;
  }

  /** Shared by every recipient: read it, never write it. */
  public byte[] utf8() {
    return utf8;
  }

  /**
   * This frame as {@code translate} puts it for another wire (the SSE transport's message), made once for every
   * recipient of the frame on this node, not once per recipient. Two first readers on two loops may both make
   * it; they make the same bytes. Shared: read it, never write it.
   */
  public byte[] translated(Function<String, byte[]> translate) {
    byte[] made = translated;
    if (made == null) {
      made = translate.apply(text);
      translated = made;
    }
    return made;
  }

  @Override
  public String toString() {
    return text;
  }
}

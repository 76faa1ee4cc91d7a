package dev.hub.nats;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hub.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One line of the dead-letter file, waiting in the {@link DeadLetterWriter}'s queue: an outbound message with
 * why it was not delivered, or a line of an older file kept as it was. The JSON is built on the writer's thread,
 * not on the event loop that overflowed.
 */
final class DeadLetter {
  private final Outgoing message;
  private final String error;
  private final int attempts;
  private final long failedAt;
  private final String kept;

  private DeadLetter(Outgoing message, String error, String kept) {
    this.message = message;
    this.error = error;
    this.attempts = message != null ? message.attempts : 0;
    this.failedAt = System.currentTimeMillis();
    this.kept = kept;
  }

  /** An outbound message that NATS did not take, and why. */
  static DeadLetter of(Outgoing message, String error) {
    return new DeadLetter(message, error, null);
  }

  /** A line that is not an entry of ours (cut short by a crash): kept, as it was, in the new file. */
  static DeadLetter kept(String line) {
    return new DeadLetter(null, null, line);
  }

  /** What it counts against {@code nats.dlqQueueBytes}. */
  long size() {
    return message != null ? message.size() + error.length() + 64L : kept.length() + 1L;
  }

  /** The message id, for logs; {@code null} for a kept line. */
  String msgId() {
    return message != null ? message.msgId : null;
  }

  /** The file's line, newline included. */
  byte[] line() {
    if (message == null) {
      return (kept + "\n").getBytes(StandardCharsets.UTF_8);
    }
    byte[] payload = message.payload;
    if (payload.length < 2 || payload[0] != '{' || payload[payload.length - 1] != '}') {
      return (treeJson() + "\n").getBytes(StandardCharsets.UTF_8);
    }
    // The bridge's own payloads are JSON objects without these fields: the fields go in before the closing brace,
    // byte for byte, so that a burst of overflow costs the writer a copy, not a parse and an encode.
    ByteArrayOutputStream line = new ByteArrayOutputStream(payload.length + message.subject.length() + 160);
    line.write(payload, 0, payload.length - 1);
    field(line, payload.length > 2 ? ",\"subject\":" : "\"subject\":", message.subject);
    field(line, ",\"msgId\":", message.msgId);
    field(line, ",\"error\":", error);
    ascii(line, ",\"attempts\":" + attempts + ",\"failedAt\":" + failedAt + "}\n");
    return line.toByteArray();
  }

  /**
   * The entry: the event's own JSON plus {@code subject}, {@code msgId}, {@code error}, {@code attempts} and
   * {@code failedAt} ({@link DeadLetterSink#original} takes them off again).
   */
  String json() {
    byte[] line = line();
    return new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
  }

  private String treeJson() {
    JsonNode payload = InboundPayload.json(message.payload);
    ObjectNode entry = payload.isObject() ? ((ObjectNode) payload).deepCopy() : Json.MAPPER.createObjectNode()
        .set("payload", payload);
    entry.put("subject", message.subject);
    entry.put("msgId", message.msgId);
    entry.put("error", error);
    entry.put("attempts", attempts);
    entry.put("failedAt", failedAt);
    return Json.encode(entry);
  }

  private static void field(ByteArrayOutputStream line, String name, String value) {
    ascii(line, name);
    line.write('"');
    line.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(value));
    line.write('"');
  }

  private static void ascii(ByteArrayOutputStream line, String text) {
    line.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
  }
}

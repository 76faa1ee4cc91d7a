package dev.hub.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hub.protocol.Json;
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
    return (json() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The entry: the event's own JSON plus {@code subject}, {@code msgId}, {@code error}, {@code attempts} and
   * {@code failedAt} ({@link DeadLetterSink#original} takes them off again).
   */
  String json() {
    if (message == null) {
      return kept;
    }
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
}

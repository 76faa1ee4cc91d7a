package dev.hub.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hub.protocol.Json;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where undeliverable outbound events go: {@code <prefix>.dlq} while NATS takes it (a stream's ack in JetStream
 * mode, the server's confirmation otherwise), else the {@link DeadLetterFile}. Never silent: each one is counted
 * and logged. Blocking; called on the sender thread or a worker.
 *
 * <p>An entry is the event's own JSON plus {@code subject}, {@code msgId}, {@code error}, {@code attempts} and
 * {@code failedAt}; {@link #original} takes those off again for a replay.
 */
final class DeadLetterSink {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSink.class);
  private static final String[] ADDED = {"subject", "msgId", "error", "attempts", "failedAt"};

  private final String subject;
  private final DeadLetterFile file;
  private final boolean jetstream;
  private final Duration ackTimeout;
  private final NatsMetrics metrics;

  DeadLetterSink(String subject, DeadLetterFile file, boolean jetstream, Duration ackTimeout, NatsMetrics metrics) {
    this.subject = subject;
    this.file = file;
    this.jetstream = jetstream;
    this.ackTimeout = ackTimeout;
    this.metrics = metrics;
  }

  /** Dead-letters one message, through NATS when {@code connection} is given and takes it, else to the file. */
  void deadLetter(Connection connection, Outgoing message, String error) {
    ObjectNode entry = entry(message, error);
    LOG.warn("NATS: {} to {} dead-lettered after {} attempts: {}", message.msgId, message.subject,
        message.attempts, error);
    if (connection != null && sendToNats(connection, entry, message)) {
      metrics.deadLettered("nats");
      return;
    }
    file.append(entry);
    metrics.deadLettered("file");
  }

  /** Straight to the file, e.g. when the buffer is full or the bridge stops. */
  void toFile(Outgoing message, String error) {
    LOG.warn("NATS: {} to {} written to the dead-letter file: {}", message.msgId, message.subject, error);
    file.append(entry(message, error));
    metrics.deadLettered("file");
  }

  /** A dead-letter entry back as the message it was, for a replay. */
  static Outgoing original(JsonNode entry) {
    if (!entry.isObject() || !entry.path("subject").isTextual() || !entry.path("msgId").isTextual()) {
      return null;
    }
    ObjectNode payload = ((ObjectNode) entry).deepCopy();
    payload.remove(java.util.List.of(ADDED));
    String user = payload.path("user").isTextual() ? payload.path("user").textValue() : null;
    return new Outgoing(entry.get("subject").textValue(), entry.get("msgId").textValue(), user,
        Json.encode(payload).getBytes(StandardCharsets.UTF_8));
  }

  private boolean sendToNats(Connection connection, ObjectNode entry, Outgoing message) {
    byte[] body = Json.encode(entry).getBytes(StandardCharsets.UTF_8);
    try {
      if (jetstream) {
        JetStream js = connection.jetStream();
        js.publishAsync(subject, message.userHeader(), body)
            .get(ackTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } else {
        connection.publish(subject, message.userHeader(), body);
        connection.flush(ackTimeout);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      LOG.debug("NATS: {} not reachable, using the file: {}", subject, e.toString());
      return false;
    }
  }

  private static ObjectNode entry(Outgoing message, String error) {
    JsonNode payload = InboundPayload.json(message.payload);
    ObjectNode entry = payload.isObject() ? ((ObjectNode) payload).deepCopy() : Json.MAPPER.createObjectNode()
        .set("payload", payload);
    entry.put("subject", message.subject);
    entry.put("msgId", message.msgId);
    entry.put("error", error);
    entry.put("attempts", message.attempts);
    entry.put("failedAt", System.currentTimeMillis());
    return entry;
  }
}

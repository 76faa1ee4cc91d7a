package dev.hub.nats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hub.protocol.Json;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where undeliverable outbound events go: {@code <prefix>.dlq} while NATS takes it (a stream's ack in JetStream
 * mode, the server's confirmation otherwise), else the {@link DeadLetterWriter}'s queue for the file; at a stop,
 * what even the file could not take is written to the log, whole, as the very last resort. Never silent: each
 * one is counted, and logged (the overflow of a full buffer in a summary every {@link #SUMMARY_EVERY_MS}).
 *
 * <p>An entry is the event's own JSON plus {@code subject}, {@code msgId}, {@code error}, {@code attempts} and
 * {@code failedAt} ({@link DeadLetter#json}); {@link #original} takes those off again for a replay.
 */
final class DeadLetterSink {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSink.class);
  private static final String[] ADDED = {"subject", "msgId", "error", "attempts", "failedAt"};
  private static final long SUMMARY_EVERY_MS = 10_000;

  private final String subject;
  private final DeadLetterWriter writer;
  private final boolean jetstream;
  private final Duration ackTimeout;
  private final NatsMetrics metrics;
  private final AtomicLong overflowSinceSummary = new AtomicLong();
  private final AtomicLong lastSummary = new AtomicLong();
  private final AtomicLong droppedSinceSummary = new AtomicLong();
  private final AtomicLong lastDropSummary = new AtomicLong();

  DeadLetterSink(String subject, DeadLetterWriter writer, boolean jetstream, Duration ackTimeout,
      NatsMetrics metrics) {
    this.subject = subject;
    this.writer = writer;
    this.jetstream = jetstream;
    this.ackTimeout = ackTimeout;
    this.metrics = metrics;
  }

  /**
   * On the sender thread: dead-letters one message, through NATS when {@code connection} is given and takes it,
   * else into the file's queue, waiting for room there.
   *
   * @return false when the bridge is stopping and the file takes no more: the message is still the buffer's
   */
  boolean deadLetter(Connection connection, Outgoing message, String error) throws InterruptedException {
    DeadLetter letter = DeadLetter.of(message, error);
    LOG.warn("NATS: {} to {} dead-lettered after {} attempts: {}", message.msgId, message.subject,
        message.attempts, error);
    if (connection != null && sendToNats(connection, letter, message)) {
      metrics.deadLettered("nats");
      return true;
    }
    return writer.submitWhenRoom(letter);
  }

  /**
   * On an event loop: a message the buffer had no room for, into the file's queue without waiting (the publish
   * was admitted while the queue had room). At a stop, when the file takes no more, to the log.
   */
  void overflow(Outgoing message, String error) {
    DeadLetter letter = DeadLetter.of(message, error);
    if (!writer.submit(letter)) {
      logged(List.of(letter));
      return;
    }
    overflowed(message, error);
  }

  /**
   * On an event loop: a presence change the buffer had no room for, into the file's queue while it is below its
   * bound; otherwise dropped, counted ({@code hub_nats_presence_dropped_total}) and logged in a summary. At a stop,
   * when the file takes no more, to the log.
   */
  void overflowOrDrop(Outgoing message, String error) {
    DeadLetter letter = DeadLetter.of(message, error);
    switch (writer.submitIfRoom(letter)) {
      case QUEUED -> overflowed(message, error);
      case CLOSING -> logged(List.of(letter));
      case FULL -> dropped(message);
    }
  }

  private void overflowed(Outgoing message, String error) {
    overflowSinceSummary.incrementAndGet();
    long now = System.currentTimeMillis();
    long last = lastSummary.get();
    if (now - last >= SUMMARY_EVERY_MS && lastSummary.compareAndSet(last, now)) {
      LOG.warn("NATS: {} more events for the dead-letter file ({}), the latest {} to {}",
          overflowSinceSummary.getAndSet(0), error, message.msgId, message.subject);
    }
  }

  private void dropped(Outgoing message) {
    metrics.presenceDropped();
    droppedSinceSummary.incrementAndGet();
    long now = System.currentTimeMillis();
    long last = lastDropSummary.get();
    if (now - last >= SUMMARY_EVERY_MS && lastDropSummary.compareAndSet(last, now)) {
      LOG.warn("NATS: {} presence changes dropped: the outbound buffer and the dead-letter file's queue are full;"
          + " the latest to {}", droppedSinceSummary.getAndSet(0), message.subject);
    }
  }

  /** What even the file could not take: each whole entry on the log, where an operator can still find it. */
  void logged(List<DeadLetter> letters) {
    for (DeadLetter letter : letters) {
      LOG.error("NATS: dead letter not written to the file, kept here: {}", letter.json());
    }
    if (!letters.isEmpty()) {
      metrics.deadLettered("log", letters.size());
    }
  }

  /** A dead-letter entry back as the message it was, for a replay; {@code null} for a line not of ours. */
  static Outgoing original(JsonNode entry) {
    if (!entry.isObject() || !entry.path("subject").isTextual() || !entry.path("msgId").isTextual()) {
      return null;
    }
    ObjectNode payload = ((ObjectNode) entry).deepCopy();
    payload.remove(List.of(ADDED));
    String user = payload.path("user").isTextual() ? payload.path("user").textValue() : null;
    return new Outgoing(entry.get("subject").textValue(), entry.get("msgId").textValue(), user,
        Json.encode(payload).getBytes(StandardCharsets.UTF_8));
  }

  private boolean sendToNats(Connection connection, DeadLetter letter, Outgoing message)
      throws InterruptedException {
    byte[] body = letter.json().getBytes(StandardCharsets.UTF_8);
    String tooLarge = Outgoing.overMaxPayload(connection, message.userHeader(), body);
    if (tooLarge != null) {
      LOG.debug("NATS: the dead letter of {} does not fit {} ({}), using the file", message.msgId, subject, tooLarge);
      return false;
    }
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
      throw e;
    } catch (Exception e) {
      LOG.debug("NATS: {} not reachable, using the file: {}", subject, e.toString());
      return false;
    }
  }
}

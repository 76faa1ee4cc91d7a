package dev.hub.nats;

import dev.hub.config.NatsConfig;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's one outbound thread: takes batches from the {@link OutboundBuffer} in order and gets each
 * confirmed, connecting first through the {@link NatsLink} whenever there is no connection, and moving off a
 * server in lame-duck mode between batches.
 *
 * <p>Core mode: a batch is published, then flushed (a PING the server answers only after it has read all of
 * it); no answer within {@code nats.ackTimeoutMs} ends the connection and the whole batch is sent again on the
 * next one. JetStream mode: each message waits for its stream's ack; while the link is up, a refused or
 * unacknowledged message is retried with doubling waits and dead-lettered after {@code nats.maxAttempts}; when
 * the link went down meanwhile, nothing counts as an attempt and everything unacknowledged is resent after the
 * reconnect. Either way a resend carries the same {@code Nats-Msg-Id}, so a stream stores it once.
 *
 * <p>A message that NATS refuses by itself, whatever the connection ({@link BatchHandOff}), is dead-lettered at
 * once and the rest of its batch goes on. The thread survives every other failure too, after a pause; only an interrupt it was not asked
 * for ends it, and {@link #stoppedBecause} then says so for {@code /ready}.
 */
final class NatsSender implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(NatsSender.class);
  /** Messages per batch: enough to fill the socket between confirmations, few enough to resend cheaply. */
  static final int MAX_BATCH = 256;
  /** How long an idle sender waits for work before looking at the link again. */
  private static final long IDLE_WAIT_MS = 200;

  private final NatsLink link;
  private final OutboundBuffer buffer;
  private final DeadLetterSink deadLetters;
  private final NatsConfig config;
  private final NatsMetrics metrics;
  private final Backoff retryBackoff;
  private final Duration ackTimeout;
  private volatile boolean running = true;
  private volatile String stoppedBecause;
  private int unexpectedInARow;

  NatsSender(NatsLink link, OutboundBuffer buffer, DeadLetterSink deadLetters, NatsConfig config,
      NatsMetrics metrics) {
    this.link = link;
    this.buffer = buffer;
    this.deadLetters = deadLetters;
    this.config = config;
    this.metrics = metrics;
    this.retryBackoff = new Backoff(config.retryWaitMs(), config.maxWaitMs(), config.jitterMs());
    this.ackTimeout = Duration.ofMillis(config.ackTimeoutMs());
  }

  /**
   * Makes {@link #run} return; whatever it holds stays in the buffer, which {@link OutboundBuffer#close} hands
   * over. The caller may interrupt the thread too, to cut a wait for a silent server short.
   */
  void stop() {
    running = false;
    buffer.wake();
  }

  /** Why the sender ended without being asked to, or {@code null} while it runs (or after {@link #stop}). */
  String stoppedBecause() {
    return stoppedBecause;
  }

  @Override
  public void run() {
    try {
      while (running && !Thread.currentThread().isInterrupted()) {
        try {
          sendNextBatch();
          unexpectedInARow = 0;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
          survive(e);
        }
      }
    } finally {
      if (running) {
        stoppedBecause = Thread.currentThread().isInterrupted() ? "interrupted" : "ended";
        metrics.senderStopped();
        LOG.error("NATS: the outbound sender stopped ({}); events are held until the buffer is full, then filed",
            stoppedBecause);
      }
    }
  }

  private void sendNextBatch() throws InterruptedException {
    Connection connection = link.awaitConnected(ms -> running && buffer.pause(ms));
    if (connection == null) {
      return;
    }
    connection = link.leaveLameDuck(connection);
    List<Outgoing> batch = buffer.take(MAX_BATCH, IDLE_WAIT_MS);
    if (!batch.isEmpty()) {
      if (config.jetstream()) {
        sendToStream(connection, batch);
      } else {
        sendToServer(connection, batch);
      }
    }
  }

  /** Whatever it was, the batch goes back in order and the sender waits a little longer each time in a row. */
  private void survive(Throwable e) {
    metrics.senderError();
    unexpectedInARow++;
    LOG.warn("NATS: the outbound sender failed unexpectedly; it goes on after a pause", e);
    buffer.putBackInFlight();
    buffer.pause(retryBackoff.delayMs(unexpectedInARow));
  }

  private void sendToServer(Connection connection, List<Outgoing> batch) throws InterruptedException {
    BatchHandOff handOff = new BatchHandOff(connection, link);
    try {
      handOff.send(batch, (message, headers) -> connection.publish(message.subject, headers, message.payload));
      connection.flush(ackTimeout);
    } catch (TimeoutException | RuntimeException e) {
      buffer.putBack(BatchHandOff.without(batch, handOff.refused));
      link.lost(connection, "no confirmation: " + e.getMessage());
      reject(null, handOff.refused);
      return;
    }
    buffer.done(handOff.taken);
    metrics.sent(handOff.taken.size());
    reject(connection, handOff.refused);
  }

  private void sendToStream(Connection connection, List<Outgoing> batch) throws InterruptedException {
    JetStream js;
    try {
      js = connection.jetStream();
    } catch (IOException | RuntimeException e) {
      buffer.putBack(batch);
      link.lost(connection, "no JetStream context: " + e);
      return;
    }
    BatchHandOff handOff = new BatchHandOff(connection, link);
    List<CompletableFuture<PublishAck>> acks = new ArrayList<>(batch.size());
    List<Outgoing> failed = new ArrayList<>();
    try {
      handOff.send(batch, (message, headers) -> acks.add(js.publishAsync(message.subject, headers,
          message.payload)));
    } catch (RuntimeException e) {
      // The connection refused the write: this message and the rest of the batch were never sent.
      failed.addAll(BatchHandOff.without(BatchHandOff.without(batch, handOff.taken), handOff.refused));
    }
    List<Outgoing> acked = new ArrayList<>();
    long deadline = System.nanoTime() + ackTimeout.toNanos();
    for (int i = 0; i < handOff.taken.size(); i++) {
      Outgoing message = handOff.taken.get(i);
      String error = awaitAck(acks.get(i), deadline);
      if (error == null) {
        acked.add(message);
      } else {
        message.lastError = error;
        failed.add(message);
      }
    }
    buffer.done(acked);
    metrics.sent(acked.size());
    reject(link.connected(), handOff.refused);
    if (!failed.isEmpty()) {
      retryOrDeadLetter(connection, BatchHandOff.only(batch, failed));
    }
  }

  /** Dead letters for what NATS refused; on {@code connection}'s dlq subject when given. */
  private void reject(Connection connection, List<Outgoing> refused) throws InterruptedException {
    for (Outgoing message : refused) {
      metrics.rejected();
      if (!deadLetters.deadLetter(connection, message, message.lastError)) {
        return;
      }
      buffer.done(List.of(message));
    }
  }

  /** {@code null} once acknowledged, else why not. */
  private static String awaitAck(CompletableFuture<PublishAck> ack, long deadline) throws InterruptedException {
    try {
      ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return null;
    } catch (TimeoutException e) {
      ack.cancel(true);
      return "no ack within the ack timeout";
    } catch (ExecutionException e) {
      // jnats wraps the publish failure (e.g. "503 No Responders") in a RuntimeException inside this one.
      Throwable cause = e.getCause();
      return String.valueOf(cause != null && cause.getCause() != null ? cause.getCause() : cause);
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  private void retryOrDeadLetter(Connection connection, List<Outgoing> failed) throws InterruptedException {
    if (link.connected() != connection) {
      // The link went down: an outage, not a refusal. Held, not counted; all of it goes again after reconnect.
      buffer.putBack(failed);
      link.lost(connection, "acks missing while the link failed");
      return;
    }
    List<Outgoing> retry = new ArrayList<>();
    List<Outgoing> exhausted = new ArrayList<>();
    for (Outgoing message : failed) {
      message.attempts++;
      (message.attempts >= config.maxAttempts() ? exhausted : retry).add(message);
    }
    if (!retry.isEmpty()) {
      metrics.retried(retry.size());
      buffer.putBack(retry);
    }
    for (Outgoing message : exhausted) {
      if (!deadLetters.deadLetter(connection, message, message.lastError)) {
        return;
      }
      buffer.done(List.of(message));
    }
    if (!retry.isEmpty()) {
      int attempt = retry.stream().mapToInt(m -> m.attempts).min().orElse(1);
      buffer.pause(retryBackoff.delayMs(attempt));
    }
  }
}

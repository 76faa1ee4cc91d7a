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

/**
 * The bridge's one outbound thread: takes batches from the {@link OutboundBuffer} in order and gets each
 * confirmed, connecting first through the {@link NatsLink} whenever there is no connection.
 *
 * <p>Core mode: a batch is published, then flushed (a PING the server answers only after it has read all of
 * it); no answer within {@code nats.ackTimeoutMs} ends the connection and the whole batch is sent again on the
 * next one. JetStream mode: each message waits for its stream's ack; while the link is up, a refused or
 * unacknowledged message is retried with doubling waits and dead-lettered after {@code nats.maxAttempts}; when
 * the link went down meanwhile, nothing counts as an attempt and everything unacknowledged is resent after the
 * reconnect. Either way a resend carries the same {@code Nats-Msg-Id}, so a stream stores it once.
 */
final class NatsSender implements Runnable {
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

  /** Makes {@link #run} return after the batch in hand, which goes back to the buffer if unconfirmed. */
  void stop() {
    running = false;
    buffer.wake();
  }

  @Override
  public void run() {
    while (running) {
      Connection connection = link.awaitConnected(ms -> running && buffer.pause(ms));
      if (connection == null) {
        return;
      }
      List<Outgoing> batch;
      try {
        batch = buffer.take(MAX_BATCH, IDLE_WAIT_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (!batch.isEmpty()) {
        if (config.jetstream()) {
          sendToStream(connection, batch);
        } else {
          sendToServer(connection, batch);
        }
      }
    }
  }

  private void sendToServer(Connection connection, List<Outgoing> batch) {
    try {
      for (Outgoing message : batch) {
        connection.publish(message.subject, message.headers(), message.payload);
      }
      connection.flush(ackTimeout);
      buffer.done(batch);
      metrics.sent(batch.size());
    } catch (TimeoutException | RuntimeException e) {
      buffer.putBack(batch);
      link.lost(connection, "no confirmation: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      buffer.putBack(batch);
      running = false;
    }
  }

  private void sendToStream(Connection connection, List<Outgoing> batch) {
    List<CompletableFuture<PublishAck>> acks = new ArrayList<>(batch.size());
    try {
      JetStream js = connection.jetStream();
      for (Outgoing message : batch) {
        acks.add(js.publishAsync(message.subject, message.headers(), message.payload));
      }
    } catch (IOException | RuntimeException e) {
      // The connection refused the write: the rest of the batch was never sent.
      while (acks.size() < batch.size()) {
        acks.add(CompletableFuture.failedFuture(e));
      }
    }
    List<Outgoing> acked = new ArrayList<>();
    List<Outgoing> failed = new ArrayList<>();
    long deadline = System.nanoTime() + ackTimeout.toNanos();
    for (int i = 0; i < batch.size(); i++) {
      String error = awaitAck(acks.get(i), deadline);
      if (error == null) {
        acked.add(batch.get(i));
      } else {
        batch.get(i).lastError = error;
        failed.add(batch.get(i));
      }
    }
    buffer.done(acked);
    metrics.sent(acked.size());
    if (!failed.isEmpty()) {
      retryOrDeadLetter(connection, failed);
    }
  }

  /** {@code null} once acknowledged, else why not. */
  private static String awaitAck(CompletableFuture<PublishAck> ack, long deadline) {
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  private void retryOrDeadLetter(Connection connection, List<Outgoing> failed) {
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
    for (Outgoing message : exhausted) {
      deadLetters.deadLetter(connection, message, message.lastError);
    }
    buffer.done(exhausted);
    if (!retry.isEmpty()) {
      metrics.retried(retry.size());
      buffer.putBack(retry);
      int attempt = retry.stream().mapToInt(m -> m.attempts).min().orElse(1);
      buffer.pause(retryBackoff.delayMs(attempt));
    }
  }
}

package dev.hub.nats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The bridge's meters, on the node's registry, so {@code /metrics} shows them with the rest. */
final class NatsMetrics {
  private final MeterRegistry registry;
  private final Counter received;
  private final Counter dropped;
  private final Counter sent;
  private final Counter retries;
  private final Counter reconnects;
  private final Counter errors;
  private final Counter rejected;
  private final Counter refused;
  private final Counter senderErrors;
  private final Counter senderStops;
  private final Counter dlqWriteErrors;
  private final Counter dlqSyncs;
  private final Counter lameDuckMoves;
  private final Counter presenceDropped;
  private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();

  /**
   * @param state the link's state, read at each scrape
   * @param pendingBytes the outbound bytes not yet confirmed, read at each scrape
   */
  NatsMetrics(MeterRegistry registry, Supplier<NatsLink.State> state, LongSupplier pendingBytes) {
    this.registry = registry;
    for (NatsLink.State each : NatsLink.State.values()) {
      Gauge.builder("hub.nats.state", () -> state.get() == each ? 1 : 0).strongReference(true)
          .tag("state", each.wire()).description("1 for the NATS link's current state").register(registry);
    }
    Gauge.builder("hub.nats.pending.bytes", pendingBytes::getAsLong).strongReference(true)
        .description("Outbound bytes held or not yet confirmed by NATS").register(registry);
    received = Counter.builder("hub.nats.messages").tag("direction", "in")
        .description("NATS messages delivered into rooms, or sent out").register(registry);
    sent = Counter.builder("hub.nats.messages").tag("direction", "out")
        .description("NATS messages delivered into rooms, or sent out").register(registry);
    dropped = Counter.builder("hub.nats.dropped")
        .description("Inbound messages on a subject that names no valid room").register(registry);
    retries = Counter.builder("hub.nats.retries")
        .description("Outbound messages sent again after a refusal or a missing ack").register(registry);
    reconnects = Counter.builder("hub.nats.reconnects")
        .description("Connections made after the first").register(registry);
    errors = Counter.builder("hub.nats.errors")
        .description("Asynchronous errors reported by the NATS client").register(registry);
    rejected = Counter.builder("hub.nats.rejected")
        .description("Outbound messages NATS refuses outright (over max_payload, say), dead-lettered at once")
        .register(registry);
    refused = Counter.builder("hub.nats.refused")
        .description("Client publishes refused with unavailable: neither the buffer nor the dead-letter file had room")
        .register(registry);
    senderErrors = Counter.builder("hub.nats.sender.errors")
        .description("Unexpected errors the outbound sender survived").register(registry);
    senderStops = Counter.builder("hub.nats.sender.stops")
        .description("Times the outbound sender stopped without being asked to").register(registry);
    dlqWriteErrors = Counter.builder("hub.nats.dlq.write.errors")
        .description("Failed writes of the dead-letter file; the letters stay queued and are tried again")
        .register(registry);
    dlqSyncs = Counter.builder("hub.nats.dlq.syncs")
        .description("Groups of dead letters appended to the file, one fsync each").register(registry);
    lameDuckMoves = Counter.builder("hub.nats.lame.duck.moves")
        .description("Moves to another server after the connected one announced lame-duck mode").register(registry);
    presenceDropped = Counter.builder("hub.nats.presence.dropped")
        .description("Presence changes not sent: the outbound buffer and the dead-letter file's queue were full")
        .register(registry);
  }

  /** The dead-letter file's queue, read at each scrape. */
  void dlqQueue(LongSupplier queuedBytes) {
    Gauge.builder("hub.nats.dlq.queued.bytes", queuedBytes::getAsLong).strongReference(true)
        .description("Dead letters waiting to be written to the file, in bytes").register(registry);
  }

  void rejected() {
    rejected.increment();
  }

  void refused() {
    refused.increment();
  }

  void senderError() {
    senderErrors.increment();
  }

  void senderStopped() {
    senderStops.increment();
  }

  void dlqWriteFailed() {
    dlqWriteErrors.increment();
  }

  void dlqSynced() {
    dlqSyncs.increment();
  }

  void presenceDropped() {
    presenceDropped.increment();
  }

  void lameDuckMoved() {
    lameDuckMoves.increment();
  }

  void received() {
    received.increment();
  }

  void dropped() {
    dropped.increment();
  }

  void sent(int count) {
    sent.increment(count);
  }

  void retried(int count) {
    retries.increment(count);
  }

  void reconnected() {
    reconnects.increment();
  }

  void error() {
    errors.increment();
  }

  /** @param target {@code nats}, {@code file}, or {@code log} when even the file could not be written at a stop */
  void deadLettered(String target) {
    deadLettered(target, 1);
  }

  void deadLettered(String target, int count) {
    deadLetters.computeIfAbsent(target, t -> Counter.builder("hub.nats.dead.letters").tag("target", t)
        .description("Outbound messages dead-lettered, by where they went").register(registry)).increment(count);
  }

  /** @param outcome {@code reply} or an error code */
  void request(String outcome) {
    requests.computeIfAbsent(outcome, o -> Counter.builder("hub.nats.requests").tag("outcome", o)
        .description("Client requests through NATS, by outcome").register(registry)).increment();
  }
}

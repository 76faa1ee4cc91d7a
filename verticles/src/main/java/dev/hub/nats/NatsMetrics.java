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

  /** @param target {@code nats} or {@code file} */
  void deadLettered(String target) {
    deadLetters.computeIfAbsent(target, t -> Counter.builder("hub.nats.dead.letters").tag("target", t)
        .description("Outbound messages dead-lettered, by where they went").register(registry)).increment();
  }

  /** @param outcome {@code reply} or an error code */
  void request(String outcome) {
    requests.computeIfAbsent(outcome, o -> Counter.builder("hub.nats.requests").tag("outcome", o)
        .description("Client requests through NATS, by outcome").register(registry)).increment();
  }
}

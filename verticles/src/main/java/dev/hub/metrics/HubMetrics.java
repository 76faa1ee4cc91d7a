package dev.hub.metrics;

import dev.hub.protocol.CloseCode;
import dev.hub.protocol.ErrorCode;
import dev.hub.room.PublishMeter;
import dev.hub.room.RoomPublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/** The hub's own meters, exposed in Prometheus text format on {@code /metrics}. */
public final class HubMetrics implements PublishMeter {
  /**
   * The label of every value a client chose that the protocol does not name (PROTOCOL.md section 6): each
   * label value is a time series kept for the life of the process, so none may come from a client unbounded.
   */
  public static final String OTHER = "other";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger connections = new AtomicInteger();
  private final Counter framesIn;
  private final Counter framesOut;
  private final Counter batches;
  private final Counter duplicates;
  private final Counter vouches;
  private final Counter banRefusals;
  private final Map<RoomPublisher.Source, Counter> published = new EnumMap<>(RoomPublisher.Source.class);
  private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
  /** By label: the protocol's own close codes and {@link #OTHER}, so a client cannot add labels. */
  private final Map<String, Counter> closes = new ConcurrentHashMap<>();

  public HubMetrics(IntSupplier localRooms) {
    Gauge.builder("hub.connections", connections, AtomicInteger::get)
        .description("WebSocket sessions open on this node").register(registry);
    // Strong: nothing else holds the supplier (a method reference), and a weakly held one reads NaN after a GC.
    Gauge.builder("hub.rooms", localRooms, IntSupplier::getAsInt).strongReference(true)
        .description("Rooms with members on this node").register(registry);
    framesIn = Counter.builder("hub.frames.in").description("Client frames received").register(registry);
    framesOut = Counter.builder("hub.frames.out").description("Frames written to clients").register(registry);
    batches = Counter.builder("hub.batches").description("Batch frames written").register(registry);
    duplicates = Counter.builder("hub.publish.duplicates")
        .description("Publishes dropped as repeats within the dedup window").register(registry);
    vouches = Counter.builder("hub.presence.vouches")
        .description("Times this node vouched for all its sessions in presence").register(registry);
    banRefusals = Counter.builder("hub.bans.refused")
        .description("Upgrades to /ws and /sse refused because their user is banned").register(registry);
    for (RoomPublisher.Source source : RoomPublisher.Source.values()) {
      published.put(source, Counter.builder("hub.events.published").tag("source", source.name().toLowerCase())
          .description("Events accepted for delivery").register(registry));
    }
    for (ErrorCode code : ErrorCode.values()) {
      errors.put(code, Counter.builder("hub.errors").tag("code", code.wire())
          .description("Error replies sent, by code").register(registry));
    }
  }

  public void connectionOpened() {
    connections.incrementAndGet();
  }

  /**
   * @param closeCode the close frame's code, which a client chooses when it closes: counted under its number only
   *     when the protocol names it
   */
  public void connectionClosed(int closeCode) {
    connections.decrementAndGet();
    String label = CloseCode.isKnown(closeCode) ? Integer.toString(closeCode) : OTHER;
    closes.computeIfAbsent(label, code -> Counter.builder("hub.closes").tag("code", code)
        .description("WebSocket sessions closed, by close code (codes the protocol does not name: other)")
        .register(registry)).increment();
  }

  public void frameIn() {
    framesIn.increment();
  }

  public void frameOut() {
    framesOut.increment();
  }

  public void batchOut() {
    batches.increment();
  }

  public void error(ErrorCode code) {
    errors.get(code).increment();
  }

  @Override
  public void published(RoomPublisher.Source source) {
    published.get(source).increment();
  }

  @Override
  public void duplicatePublish() {
    duplicates.increment();
  }

  public void presenceVouched() {
    vouches.increment();
  }

  /** An upgrade of a banned user refused (also counted in {@code hub_errors_total{code="forbidden"}}). */
  public void banRefused() {
    banRefusals.increment();
  }

  /** The bans in force as this node knows them, read at each scrape. */
  public void bansInForce(IntSupplier inForce) {
    Gauge.builder("hub.bans", inForce, IntSupplier::getAsInt).strongReference(true)
        .description("Bans in force (POST /api/users/{user}/disconnect with banForMs)").register(registry);
  }

  /** Whether frames are written through Vert.x internals (1) or the public API only (0). */
  public void vertxInternals(boolean active) {
    Gauge.builder("hub.vertx.internals", () -> active ? 1 : 0)
        .description("1 when the Vert.x internals probe passed; 0 when running on the public API only")
        .register(registry);
  }

  /** The registry, for parts that keep meters of their own (the NATS bridge). */
  public io.micrometer.core.instrument.MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }
}

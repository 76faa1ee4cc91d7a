package dev.hub.nats;

import dev.hub.config.NatsConfig;
import dev.hub.node.DeadLetters;
import dev.hub.node.Readiness;
import dev.hub.node.RequestRelay;
import dev.hub.presence.NodeInfo;
import dev.hub.presence.PresenceListener;
import dev.hub.protocol.Json;
import dev.hub.protocol.Member;
import dev.hub.room.LocalPublisher;
import dev.hub.room.PublishListener;
import dev.hub.room.RoomBroker;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.NUID;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NATS bridge of PROTOCOL.md section 8: {@code <prefix>.rooms.>} into local rooms; accepted client publishes
 * and every presence change out on {@code <prefix>.events.<room>} and {@code <prefix>.presence.<room>};
 * {@code request} frames as request-reply; what cannot be delivered to {@code <prefix>.dlq} or the dead-letter
 * file. Deployed when {@code nats.url} is set.
 *
 * <p>Built before the parts that feed it, so that they are given its seams ({@link #outbound()},
 * {@link #presenceChanged}, {@link #requests()}, {@link #deadLetters()}) when they are built. Start does not
 * wait for NATS: the link connects, and reconnects, on the bridge's own thread, and its state shows in
 * {@code /ready} (503 while {@code nats.required} and not connected), {@code /metrics} and {@code /api/nodes}.
 * Outbound events wait in a bounded buffer until NATS confirms them, across outages, in order.
 */
public final class NatsBridge extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NatsBridge.class);
  private final String nodeName;
  private final NatsConfig config;
  private final long shutdownGraceMs;
  private final NatsSubjects subjects;
  private final RoomBroker broker;
  private final LocalPublisher inbound;
  private final NatsMetrics metrics;
  private final OutboundBuffer buffer;
  private final DeadLetterSink sink;
  private final NatsLink link;
  private final DeadLetterWriter writer;
  private final NatsSender sender;
  private final Thread senderThread;
  private final Thread writerThread;
  private final NatsHandOver handOver;
  private final NatsRequests requests;
  private final BridgeDeadLetters deadLetters;
  private Future<Void> stopped;
  private final java.util.concurrent.atomic.AtomicLong lastSlowWarning = new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param registry where the bridge's meters go ({@code /metrics})
   * @param broker asked whether a room has members here before an inbound event is decoded
   * @param inbound where {@code <prefix>.rooms.<room>} events go
   */
  public NatsBridge(Vertx vertx, NatsConfig config, String nodeName, long shutdownGraceMs, MeterRegistry registry,
      RoomBroker broker, LocalPublisher inbound) {
    this.nodeName = nodeName;
    this.config = config;
    this.shutdownGraceMs = shutdownGraceMs;
    this.subjects = new NatsSubjects(config.prefix());
    this.broker = broker;
    this.inbound = inbound;
    this.buffer = new OutboundBuffer(config.bufferBytes());
    this.link = new NatsLink(new Backoff(config.reconnectWaitMs(), config.maxWaitMs(), config.jitterMs()),
        this::subscribe, buffer::wake, this::reconnected, this::lameDuckMoved);
    this.metrics = new NatsMetrics(registry, link::state, buffer::pendingBytes);
    link.options(config.url(), servers -> NatsOptions.build(config, servers, "hub " + nodeName, link.listener(),
        errorListener()));
    DeadLetterFile file = new DeadLetterFile(Path.of(config.dlqDir()), nodeName);
    this.writer = new DeadLetterWriter(file, metrics, config.dlqQueueBytes(),
        new Backoff(config.retryWaitMs(), config.maxWaitMs(), config.jitterMs()));
    metrics.dlqQueue(writer::queuedBytes);
    this.sink = new DeadLetterSink(subjects.dlq(), writer, config.jetstream(), Duration.ofMillis(config.ackTimeoutMs()),
        metrics);
    this.sender = new NatsSender(link, buffer, sink, config, metrics);
    this.senderThread = daemon(sender, "hub-nats-sender-" + nodeName);
    this.writerThread = daemon(writer, "hub-nats-dlq-" + nodeName);
    this.handOver = new NatsHandOver(buffer, sender, senderThread, writer, sink, link, config.ackTimeoutMs());
    this.requests = new NatsRequests(vertx, link, subjects, config, metrics);
    this.deadLetters = new BridgeDeadLetters(vertx, file, writer, buffer, config.ackTimeoutMs());
  }

  @Override
  public Future<?> start() {
    senderThread.start();
    writerThread.start();
    LOG.info("NATS bridge on {} (prefix {}, {} mode)", config.url(), config.prefix(),
        config.jetstream() ? "JetStream" : "core");
    return Future.succeededFuture();
  }

  private void reconnected() {
    metrics.reconnected();
  }

  private void lameDuckMoved() {
    metrics.lameDuckMoved();
  }

  /** Where {@code request} frames go. */
  public RequestRelay requests() {
    return requests;
  }

  /** The dead-letter file, for {@code GET /api/dlq} and {@code POST /api/dlq/replay}. */
  public DeadLetters deadLetters() {
    return deadLetters;
  }

  /** Without {@link #stopBy(long)} first (a test's undeploy, say): half of {@code shutdown.graceMs} for it. */
  @Override
  public Future<?> stop() {
    return stopBy(System.currentTimeMillis() + shutdownGraceMs / 2);
  }

  /**
   * Stops the bridge by {@code deadlineMillis}: what NATS confirms by then is sent, everything else the hub
   * acknowledged is written to the dead-letter file ({@link NatsHandOver}). Called once by the application's
   * stop with the bridge's share of {@code shutdown.graceMs}; any later call gets the same future.
   */
  public synchronized Future<Void> stopBy(long deadlineMillis) {
    if (stopped == null) {
      long deadlineNanos = System.nanoTime() + Math.max(0, deadlineMillis - System.currentTimeMillis()) * 1_000_000;
      stopped = vertx.executeBlocking(() -> {
        handOver.run(deadlineNanos);
        return null;
      }, false);
    }
    return stopped;
  }

  /** A daemon thread for one of the bridge's own loops, started with the verticle. */
  private static Thread daemon(Runnable job, String name) {
    Thread thread = new Thread(job, name);
    thread.setDaemon(true);
    return thread;
  }

  /** Inbound: one subscription to the whole prefix on each new connection, registered before it is used. */
  private void subscribe(Connection connection) {
    Dispatcher dispatcher = connection.createDispatcher(new NatsInbound(subjects, broker, inbound, metrics));
    dispatcher.subscribe(subjects.allRooms());
    try {
      connection.flush(Duration.ofMillis(config.connectTimeoutMs()));
    } catch (TimeoutException e) {
      throw new IllegalStateException("the subscription was not confirmed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Client publishes: admitted while the buffer or the file's queue has room, then held, in order. */
  public PublishListener outbound() {
    return new PublishListener() {
      @Override
      public void accepted(Published event) {
        NatsPayloads.ClientEvent body = new NatsPayloads.ClientEvent(event.room(), event.event(), event.data(),
            event.id(), event.ts(), event.user(), event.session(), nodeName);
        offer(new Outgoing(subjects.events(event.room()), event.id(), event.user(), bytes(body)));
      }

      @Override
      public boolean admits() {
        boolean room = buffer.hasRoom() || writer.hasRoom();
        if (!room) {
          metrics.refused();
        }
        return room;
      }
    };
  }

  /**
   * Every presence change, out on {@code <prefix>.presence.<room>}, held within the same bounds as events: into
   * the buffer, else the dead-letter file's queue while it is below its bound, else dropped and counted. A
   * presence change cannot be refused as a publish is (a leave, a close happens whatever NATS does), and nothing
   * of it may grow the node without bound while NATS is away.
   */
  public void presenceChanged(PresenceListener.Change change) {
    Member member = change.member();
    NatsPayloads.PresenceEvent body = new NatsPayloads.PresenceEvent(change.kind().wire(), change.room(),
        member.user(), member.session(), member.node(), change.ts(),
        change.kind() == PresenceListener.Kind.UPDATE ? member.state() : null);
    Outgoing message = new Outgoing(subjects.presence(change.room()), NUID.nextGlobal(), member.user(), bytes(body));
    if (!buffer.offer(message)) {
      sink.overflowOrDrop(message, overflowReason());
    }
  }

  /**
   * Into the buffer, or, when it is full (or the bridge stopped), into the dead-letter file's queue, in the order
   * of the calling event loop's offers. Neither waits. Only for admitted client publishes ({@link #outbound()}).
   */
  private void offer(Outgoing message) {
    if (!buffer.offer(message)) {
      sink.overflow(message, overflowReason());
    }
  }

  private String overflowReason() {
    return buffer.isClosed() ? "the NATS bridge had stopped" : "outbound buffer full (" + config.bufferBytes()
        + " bytes)";
  }

  /** The {@code nats} line of {@code /ready}. */
  public Readiness readiness() {
    NodeInfo.Nats status = status();
    String stopped = sender.stoppedBecause();
    if (stopped != null) {
      return new Readiness("DOWN", "the NATS sender stopped (" + stopped + "); nothing more goes out", status);
    }
    if (link.state() == NatsLink.State.CONNECTED) {
      return new Readiness("UP", null, status);
    }
    String reason = "NATS " + status.state();
    return new Readiness(config.required() ? "DOWN" : "DEGRADED", reason, status);
  }

  /** The link's state as {@code /api/nodes} shows it. */
  public NodeInfo.Nats status() {
    return new NodeInfo.Nats(link.state().wire(), link.server(), buffer.pendingBytes());
  }

  private ErrorListener errorListener() {
    return new ErrorListener() {
      @Override
      public void errorOccurred(Connection connection, String error) {
        metrics.error();
        LOG.debug("NATS: server error: {}", error);
      }

      @Override
      public void exceptionOccurred(Connection connection, Exception exception) {
        metrics.error();
        LOG.debug("NATS: client error: {}", exception.toString());
      }

      @Override
      public void slowConsumerDetected(Connection connection, Consumer consumer) {
        metrics.error();
        // jnats tells of every dropped message; one line a minute says enough, the counter says how many.
        long now = System.currentTimeMillis();
        long last = lastSlowWarning.get();
        if (now - last >= 60_000 && lastSlowWarning.compareAndSet(last, now)) {
          LOG.warn("NATS: inbound messages arrive faster than rooms take them; some were dropped (hub_nats_errors)");
        }
      }
    };
  }

  private static byte[] bytes(Object body) {
    return Json.encode(body).getBytes(StandardCharsets.UTF_8);
  }
}

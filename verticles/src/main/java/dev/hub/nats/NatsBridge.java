package dev.hub.nats;

import dev.hub.config.NatsConfig;
import dev.hub.node.HubNode;
import dev.hub.node.Readiness;
import dev.hub.presence.Member;
import dev.hub.presence.NodeInfo;
import dev.hub.presence.PresenceListener;
import dev.hub.protocol.Json;
import dev.hub.room.PublishListener;
import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.NUID;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NATS bridge of PROTOCOL.md section 8: {@code <prefix>.rooms.>} into local rooms; accepted client publishes
 * and every presence change out on {@code <prefix>.events.<room>} and {@code <prefix>.presence.<room>};
 * {@code request} frames as request-reply; what cannot be delivered to {@code <prefix>.dlq} or the dead-letter
 * file. Deployed when {@code nats.url} is set.
 *
 * <p>Start does not wait for NATS: the link connects, and reconnects, on the bridge's own thread, and its state
 * shows in {@code /ready} (503 while {@code nats.required} and not connected), {@code /metrics} and
 * {@code /api/nodes}. Outbound events wait in a bounded buffer until NATS confirms them, across outages, in order.
 */
public final class NatsBridge extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NatsBridge.class);
  /** How often the link's state is written to presence for {@code /api/nodes}, when it changed. */
  private static final long STATUS_EVERY_MS = 1_000;

  private final HubNode node;
  private final NodeInfo self;
  private final NatsConfig config;
  private final NatsSubjects subjects;
  private NatsMetrics metrics;
  private OutboundBuffer buffer;
  private DeadLetterSink sink;
  private NatsLink link;
  private NatsSender sender;
  private Thread senderThread;
  private long statusTimer = -1;
  private NodeInfo.Nats lastStatus;
  private final java.util.concurrent.atomic.AtomicLong lastSlowWarning = new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param self this node as {@code /api/nodes} lists it; the bridge adds the link's state
   */
  public NatsBridge(HubNode node, NodeInfo self) {
    this.node = node;
    this.self = self;
    this.config = node.config().nats();
    this.subjects = new NatsSubjects(config.prefix());
  }

  @Override
  public Future<?> start() {
    buffer = new OutboundBuffer(config.bufferBytes());
    link = new NatsLink(new Backoff(config.reconnectWaitMs(), config.maxWaitMs(), config.jitterMs()),
        this::subscribe, buffer::wake, () -> metrics.reconnected());
    metrics = new NatsMetrics(node.metrics().registry(), link::state, buffer::pendingBytes);
    link.options(NatsOptions.build(config, "hub " + node.name(), link.listener(), errorListener()));
    DeadLetterFile file = new DeadLetterFile(Path.of(config.dlqDir()), node.name());
    sink = new DeadLetterSink(subjects.dlq(), file, config.jetstream(), Duration.ofMillis(config.ackTimeoutMs()),
        metrics);
    sender = new NatsSender(link, buffer, sink, config, metrics);
    senderThread = new Thread(sender, "hub-nats-sender");
    senderThread.setDaemon(true);
    senderThread.start();

    node.readinessCheck("nats", this::readiness);
    node.attachBridge(this::published, this::presenceChanged, new NatsRequests(vertx, link, subjects, config, metrics),
        new BridgeDeadLetters(vertx, file, sink, buffer, config.ackTimeoutMs()));
    statusTimer = vertx.setPeriodic(STATUS_EVERY_MS, id -> reportStatus());
    LOG.info("NATS bridge on {} (prefix {}, {} mode)", config.url(), config.prefix(),
        config.jetstream() ? "JetStream" : "core");
    return Future.succeededFuture();
  }

  /**
   * Gives the sender a moment to get what is held confirmed, then stops it; whatever is still unconfirmed goes to
   * the dead-letter file, so that a stop loses nothing either.
   */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(statusTimer);
    long drainMs = Math.min(config.ackTimeoutMs(), node.config().shutdown().graceMs() / 4);
    return vertx.executeBlocking(() -> {
      if (link.connected() != null) {
        buffer.awaitEmpty(drainMs);
      }
      sender.stop();
      List<Outgoing> queued = buffer.close();
      senderThread.join(config.ackTimeoutMs() + 1_000);
      link.close();
      // What the sender had taken and put back is older than what was still queued: it goes first.
      List<Outgoing> unconfirmed = new java.util.ArrayList<>(buffer.close());
      unconfirmed.addAll(queued);
      for (Outgoing message : unconfirmed) {
        sink.toFile(message, "not confirmed by NATS before the node stopped");
      }
      return null;
    }, false);
  }

  /** Inbound: one subscription to the whole prefix on each new connection, registered before it is used. */
  private void subscribe(Connection connection) {
    Dispatcher dispatcher = connection.createDispatcher(
        new NatsInbound(subjects, node.broker(), node.publisher(), metrics));
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

  private void published(PublishListener.Published event) {
    NatsPayloads.ClientEvent body = new NatsPayloads.ClientEvent(event.room(), event.event(), event.data(),
        event.id(), event.ts(), event.user(), event.session(), node.name());
    offer(new Outgoing(subjects.events(event.room()), event.id(), event.user(), bytes(body)));
  }

  private void presenceChanged(PresenceListener.Change change) {
    Member member = change.member();
    NatsPayloads.PresenceEvent body = new NatsPayloads.PresenceEvent(change.joined() ? "join" : "leave",
        change.room(), member.user(), member.session(), member.node(), change.ts());
    offer(new Outgoing(subjects.presence(change.room()), NUID.nextGlobal(), member.user(), bytes(body)));
  }

  /**
   * Into the buffer, or, when it is full (or the bridge stopped), to the dead-letter file off the event loop, in
   * the order of the calling event loop's offers.
   */
  private void offer(Outgoing message) {
    if (!buffer.offer(message)) {
      vertx.executeBlocking(() -> {
        sink.toFile(message, buffer.isClosed() ? "the NATS bridge had stopped" : "outbound buffer full ("
            + config.bufferBytes() + " bytes)");
        return null;
      }, true).onFailure(e -> LOG.error("NATS: {} to {} lost: {}", message.msgId, message.subject, e.toString()));
    }
  }

  private Readiness readiness() {
    NodeInfo.Nats status = status();
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

  /**
   * Writes the link's state into this node's presence entry when it changed; never once the node drains (the
   * entry is being removed).
   */
  private void reportStatus() {
    NodeInfo.Nats status = status();
    if (node.draining() || status.equals(lastStatus)) {
      return;
    }
    lastStatus = status;
    node.presence().registerNode(self.withNats(status)).onFailure(e -> lastStatus = null);
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

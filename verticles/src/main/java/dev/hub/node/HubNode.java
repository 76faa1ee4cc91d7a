package dev.hub.node;

import dev.hub.auth.ConnectionCounter;
import dev.hub.auth.OriginPolicy;
import dev.hub.auth.TokenVerifier;
import dev.hub.config.HubConfig;
import dev.hub.metrics.HubMetrics;
import dev.hub.presence.PresenceAnnouncer;
import dev.hub.presence.PresenceListener;
import dev.hub.presence.PresenceStore;
import dev.hub.room.EventIds;
import dev.hub.room.LocalDedup;
import dev.hub.room.PublishListener;
import dev.hub.room.RoomBroker;
import dev.hub.room.RoomPublisher;
import dev.hub.session.BatchPolicy;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The services one node's verticles share: configuration, identity, presence, room fan-out, metrics. Built
 * once by the application and handed to every verticle instance it deploys. The NATS bridge plugs in through
 * {@link #attachBridge}; until then (and on a node without one) its seams do nothing, or answer
 * {@code unavailable}.
 */
public final class HubNode {
  private final HubConfig config;
  private final String name;
  private final String tag;
  private final long startedAt = System.currentTimeMillis();
  private final PresenceStore presence;
  private final RoomBroker broker;
  private final HubMetrics metrics;
  private final RoomPublisher publisher;
  private final PresenceAnnouncer announcer;
  private final BatchPolicy batchPolicy;
  private final TokenVerifier verifier;
  private final ConnectionCounter connections;
  private final OriginPolicy origins;
  private final AtomicLong sessionCounter = new AtomicLong();
  private final Map<String, Supplier<Readiness>> readinessChecks = new ConcurrentHashMap<>();
  private volatile boolean draining;
  private volatile PublishListener publishListener = PublishListener.NONE;
  private volatile PresenceListener presenceListener = PresenceListener.NONE;
  private volatile RequestRelay requests = RequestRelay.UNAVAILABLE;
  private volatile DeadLetters deadLetters = DeadLetters.NONE;

  /**
   * @param verifier checks clients' tokens; {@code null} with auth off
   */
  public HubNode(HubConfig config, String name, SharedState shared, TokenVerifier verifier) {
    this.config = config;
    this.name = name;
    this.tag = randomTag();
    this.presence = shared.presence();
    this.broker = shared.broker();
    this.metrics = new HubMetrics(broker::localRooms);
    // The listeners are read at each call, so a bridge attached after start hears everything from then on.
    this.publisher = new RoomPublisher(broker, new EventIds(tag), shared.dedup(), new LocalDedup(config.dedup()),
        metrics, new PublishListener() {
          @Override
          public void accepted(Published event) {
            publishListener.accepted(event);
          }

          @Override
          public boolean admits() {
            return publishListener.admits();
          }
        });
    this.announcer = new PresenceAnnouncer(broker, config.presence().diffMaxMembers(),
        change -> presenceListener.changed(change));
    this.batchPolicy = new BatchPolicy(config.batch().events());
    this.verifier = verifier;
    this.connections = new ConnectionCounter(config.limits().connectionsPerIp());
    this.origins = new OriginPolicy(config.http().allowedOrigins());
  }

  public HubConfig config() {
    return config;
  }

  /** The node's name, as clients and the API see it. */
  public String name() {
    return name;
  }

  public long startedAt() {
    return startedAt;
  }

  public PresenceStore presence() {
    return presence;
  }

  public RoomBroker broker() {
    return broker;
  }

  public HubMetrics metrics() {
    return metrics;
  }

  public RoomPublisher publisher() {
    return publisher;
  }

  public PresenceAnnouncer announcer() {
    return announcer;
  }

  public BatchPolicy batchPolicy() {
    return batchPolicy;
  }

  /** The token verifier, present while auth is on. */
  public Optional<TokenVerifier> verifier() {
    return Optional.ofNullable(verifier);
  }

  /** WebSocket sessions per remote address on this node. */
  public ConnectionCounter connections() {
    return connections;
  }

  public OriginPolicy origins() {
    return origins;
  }

  /** Where {@code request} frames go: the NATS bridge, or {@link RequestRelay#UNAVAILABLE}. */
  public RequestRelay requests() {
    return requests;
  }

  /** The dead-letter file of the NATS bridge, or {@link DeadLetters#NONE}. */
  public DeadLetters deadLetters() {
    return deadLetters;
  }

  /** Connects the NATS bridge's seams: outbound events and presence, request-reply, the dead-letter API. */
  public void attachBridge(PublishListener publishes, PresenceListener presenceChanges, RequestRelay relay,
      DeadLetters letters) {
    this.publishListener = publishes;
    this.presenceListener = presenceChanges;
    this.requests = relay;
    this.deadLetters = letters;
  }

  /** A session id unique across the cluster: this start's random tag and a counter. */
  public String newSessionId() {
    return tag + "-" + Long.toString(sessionCounter.incrementAndGet(), 36);
  }

  /** True from the start of shutdown: upgrades are refused and {@code /ready} is down. */
  public boolean draining() {
    return draining;
  }

  public void startDraining() {
    draining = true;
  }

  /** Adds a line to {@code /ready}, e.g. {@code cluster} or {@code nats}. */
  public void readinessCheck(String name, Supplier<Readiness> check) {
    readinessChecks.put(name, check);
  }

  /** The current state of every readiness check, by name. */
  public Map<String, Readiness> readiness() {
    Map<String, Readiness> states = new LinkedHashMap<>();
    readinessChecks.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> states.put(e.getKey(), e.getValue().get()));
    return states;
  }

  private static String randomTag() {
    SecureRandom random = new SecureRandom();
    StringBuilder tag = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      tag.append(Character.forDigit(random.nextInt(36), 36));
    }
    return tag.toString();
  }
}

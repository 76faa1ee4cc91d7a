package dev.hub.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import dev.hub.protocol.Json;
import dev.hub.room.Broadcast;
import dev.hub.room.LocalRoomBroker;
import dev.hub.room.RoomBroker;
import dev.hub.room.RoomReceiver;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Room fan-out across nodes over the clustered event bus, one message per interested node per broadcast.
 *
 * <p>Which node has members in which room is told explicitly, not through the event bus's own registrations
 * (which other nodes learn of asynchronously, so a publish made just after an acknowledged join could miss the
 * joiner). The guarantees, by construction rather than by timing:
 * <ul>
 *   <li>A node's first local member of a room makes it tell every other node, and the subscription (so the
 *       join's ack) completes only once each node that is a member of the cluster has confirmed; a node that
 *       does not answer is asked again until it does or leaves the cluster.</li>
 *   <li>A starting node, and a node that sees another come back after a split, asks each other node for its
 *       rooms ({@link #synced()} completes once every node has answered at start; {@code /ready} waits for it).
 *       A node that was asked counts the asker as a peer from then on, even before Hazelcast shows it the new
 *       member; since answering and announcing take the same lock, a join either is in the answer or is sent
 *       to the asker.</li>
 *   <li>Every change carries the node's incarnation and a version, so a leave on one event loop and a join on
 *       another, or a retried message, cannot reorder on a peer.</li>
 * </ul>
 *
 * <p>Broadcasts themselves are sent fire-and-forget: the clustered event bus delivers each at most once, in
 * order per pair of nodes; a connection reset between two nodes loses what was in flight.
 */
public final class ClusterRoomBroker implements RoomBroker {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRoomBroker.class);
  private static final long FIRST_RETRY_MS = 50;
  private static final long MAX_RETRY_MS = 1_000;

  /** One room of a node turned on or off. */
  record InterestChange(String node, long incarnation, String room, boolean on, long version) {
  }

  /** A node asks for another's rooms. */
  record SyncRequest(String node) {
  }

  /** A node's rooms with the version each was turned on at, as of its version {@code asOf}. */
  record Snapshot(String node, long incarnation, Map<String, Long> rooms, long asOf) {
  }

  private final Vertx vertx;
  private final EventBus eventBus;
  private final HazelcastInstance hazelcast;
  private final String node;
  private final long incarnation = System.currentTimeMillis();
  private final long peerGraceMs;
  /** How often peers' interest that is off and old enough is forgotten. */
  private final long sweepEveryMs;
  private final LocalRoomBroker local = new LocalRoomBroker();
  private final DeliveryOptions requestOptions;
  private final PeerInterest peers;
  /** Nodes that asked for this node's rooms, by when; they are peers before Hazelcast shows them. */
  private final Map<String, Long> askedBy = new ConcurrentHashMap<>();
  /** The version each room of this node was turned on at; guarded by {@code this}. */
  private final Map<String, Long> versions = new HashMap<>();
  private final Map<String, Future<Void>> announced = new HashMap<>();
  private final Promise<Void> synced = Promise.promise();
  private long version;
  private MessageConsumer<String> broadcasts;
  private MessageConsumer<String> interests;
  private MessageConsumer<String> syncs;
  private UUID membershipListener;
  private long sweeper = -1;

  /**
   * @param failureDetectionMs how long a node may stay silent before the cluster drops it; bounds each request
   *     and how long a node that asked but is not yet a member counts as a peer
   */
  public ClusterRoomBroker(Vertx vertx, HazelcastInstance hazelcast, String node, long failureDetectionMs) {
    this.vertx = vertx;
    this.eventBus = vertx.eventBus();
    this.hazelcast = hazelcast;
    this.node = node;
    this.peerGraceMs = 2 * failureDetectionMs;
    this.sweepEveryMs = failureDetectionMs;
    this.requestOptions = new DeliveryOptions().setSendTimeout(failureDetectionMs);
    // A change is retried only while it is current, and each try times out after failureDetectionMs: an older
    // message of a node cannot arrive much later than that after a newer one. Twice that is kept, for margin.
    this.peers = new PeerInterest(2 * failureDetectionMs, () -> System.nanoTime() / 1_000_000);
  }

  static String broadcastAddress(String node) {
    return "hub.node." + node + ".broadcast";
  }

  static String interestAddress(String node) {
    return "hub.node." + node + ".interest";
  }

  static String syncAddress(String node) {
    return "hub.node." + node + ".sync";
  }

  /** Registers this node's addresses cluster-wide, then learns every other node's rooms (see {@link #synced}). */
  public Future<Void> start() {
    broadcasts = eventBus.consumer(broadcastAddress(node), msg -> local.publish(decode(msg.body(), Broadcast.class)));
    interests = eventBus.consumer(interestAddress(node), msg -> {
      InterestChange change = decode(msg.body(), InterestChange.class);
      peers.apply(change.node(), change.incarnation(), change.room(), change.on(), change.version());
      msg.reply("ok");
    });
    syncs = eventBus.consumer(syncAddress(node), msg -> msg.reply(Json.encode(snapshotFor(
        decode(msg.body(), SyncRequest.class).node()))));
    membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        String peer = ClusterNodes.nameOf(event.getMember());
        if (peer != null) {
          // New, or back after a split: each side asks the other, so both know both.
          syncWith(peer);
        }
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String peer = ClusterNodes.nameOf(event.getMember());
        if (peer != null) {
          askedBy.remove(peer);
          peers.forget(peer);
        }
      }
    });
    sweeper = vertx.setPeriodic(sweepEveryMs, id -> peers.sweep());
    return Future.join(broadcasts.completion(), interests.completion(), syncs.completion())
        .onSuccess(v -> Future.join(ClusterNodes.peers(hazelcast).stream().map(this::syncWith).toList())
            .onComplete(done -> synced.tryComplete()))
        .mapEmpty();
  }

  /** Completes once this node knows the rooms of every node that was in the cluster when it started. */
  public Future<Void> synced() {
    return synced.future();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(sweeper);
    if (membershipListener != null) {
      hazelcast.getCluster().removeMembershipListener(membershipListener);
    }
    return Future.join(broadcasts.unregister(), interests.unregister(), syncs.unregister()).mapEmpty();
  }

  @Override
  public synchronized Future<Void> subscribe(String room, RoomReceiver receiver) {
    boolean first = !local.isSubscribed(room);
    local.subscribe(room, receiver);
    return interestOn(room, first);
  }

  @Override
  public synchronized void unsubscribe(String room, RoomReceiver receiver) {
    local.unsubscribe(room, receiver);
    interestOff(room, local.isSubscribed(room));
  }

  /**
   * A pattern is interest like a room, announced and confirmed the same way under its own string (a pattern's
   * {@code *} or {@code >} token keeps it apart from every room name); peers match their events against it.
   */
  @Override
  public synchronized Future<Void> subscribePattern(String pattern, RoomReceiver receiver) {
    boolean first = !local.isSubscribedToPattern(pattern);
    local.subscribePattern(pattern, receiver);
    return interestOn(pattern, first);
  }

  @Override
  public synchronized void unsubscribePattern(String pattern, RoomReceiver receiver) {
    local.unsubscribePattern(pattern, receiver);
    interestOff(pattern, local.isSubscribedToPattern(pattern));
  }

  /** The interest in a room or pattern: announced by its first local receiver, shared by those after. */
  private Future<Void> interestOn(String key, boolean first) {
    if (first) {
      announced.put(key, announce(key, true));
    }
    return announced.get(key);
  }

  /** Turned off when the last local receiver of a room or pattern went. */
  private void interestOff(String key, boolean stillHeld) {
    if (!stillHeld && announced.remove(key) != null) {
      announce(key, false);
    }
  }

  @Override
  public void publish(Broadcast broadcast) {
    local.publish(broadcast);
    Set<String> nodes = peers.nodesFor(broadcast.room(), broadcast.event() != null);
    if (nodes == null || nodes.isEmpty()) {
      return;
    }
    String message = Json.encode(broadcast);
    for (String peer : nodes) {
      eventBus.send(broadcastAddress(peer), message);
    }
  }

  @Override
  public void publishLocal(Broadcast broadcast) {
    local.publish(broadcast);
  }

  @Override
  public int localRooms() {
    return local.localRooms();
  }

  @Override
  public boolean hasReceivers(String room) {
    return local.hasReceivers(room);
  }

  /** Called with the lock held, so that a snapshot taken for an asker either has this change or its asker. */
  private Future<Void> announce(String room, boolean on) {
    long v = ++version;
    if (on) {
      versions.put(room, v);
    } else {
      versions.remove(room);
    }
    String message = Json.encode(new InterestChange(node, incarnation, room, on, v));
    List<Future<Void>> confirmed = currentPeers().stream()
        .map(peer -> deliver(peer, interestAddress(peer), message, () -> isCurrent(room, on, v))
            .<Void>mapEmpty())
        .toList();
    return Future.join(confirmed).mapEmpty();
  }

  /** A change is worth retrying while it still says what this node has; a later one carries a higher version. */
  private synchronized boolean isCurrent(String room, boolean on, long v) {
    Long now = versions.get(room);
    return on ? now != null && now == v : now == null;
  }

  private synchronized Snapshot snapshotFor(String asker) {
    askedBy.put(asker, System.currentTimeMillis());
    return new Snapshot(node, incarnation, Map.copyOf(versions), version);
  }

  /** Asks a peer for its rooms until it answers or leaves; answering makes this node its peer too. */
  private Future<Void> syncWith(String peer) {
    return deliver(peer, syncAddress(peer), Json.encode(new SyncRequest(node)), () -> true)
        .map(reply -> {
          if (reply != null) {
            Snapshot snapshot = decode(reply, Snapshot.class);
            peers.replace(snapshot.node(), snapshot.incarnation(), snapshot.rooms(), snapshot.asOf());
          }
          return null;
        });
  }

  /**
   * Sends a request until the peer answers, it is no longer a peer, or {@code stillNeeded} says a newer change
   * replaced this one; completes with the answer, or {@code null} when it gave up for one of those reasons.
   */
  private Future<String> deliver(String peer, String address, String message, BooleanSupplier
      stillNeeded) {
    Promise<String> done = Promise.promise();
    attempt(peer, address, message, stillNeeded, done, FIRST_RETRY_MS, 1);
    return done.future();
  }

  private void attempt(String peer, String address, String message, BooleanSupplier stillNeeded,
      Promise<String> done, long retryMs, int attempt) {
    // Asked again just before a retry goes: no change is sent after a newer one of the same room was.
    if (attempt > 1 && (!isPeer(peer) || !stillNeeded.getAsBoolean())) {
      done.complete(null);
      return;
    }
    eventBus.<String>request(address, message, requestOptions).onComplete(result -> {
      if (result.succeeded()) {
        done.complete(result.result().body());
      } else if (!isPeer(peer) || !stillNeeded.getAsBoolean()) {
        done.complete(null);
      } else {
        if (attempt == 10) {
          LOG.warn("{} has not confirmed {} after {} tries ({}); still trying while it is a member", peer, address,
              attempt, result.cause().getMessage());
        }
        vertx.setTimer(retryMs, t -> attempt(peer, address, message, stillNeeded, done,
            Math.min(MAX_RETRY_MS, retryMs * 2), attempt + 1));
      }
    });
  }

  private List<String> currentPeers() {
    Set<String> all = new LinkedHashSet<>(ClusterNodes.peers(hazelcast));
    long now = System.currentTimeMillis();
    askedBy.forEach((peer, at) -> {
      if (now - at <= peerGraceMs) {
        all.add(peer);
      }
    });
    return List.copyOf(all);
  }

  private boolean isPeer(String peer) {
    return currentPeers().contains(peer);
  }

  private static <T> T decode(String json, Class<T> type) {
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}

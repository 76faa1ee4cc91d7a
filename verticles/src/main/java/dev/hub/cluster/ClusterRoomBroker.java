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
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Room fan-out across nodes over the clustered event bus, one message per interested node per broadcast.
 *
 * <p>Each node listens on two addresses of its own, registered once at start. A node that gets its first
 * local member of a room tells every other node ("interest on") and completes the subscription only when all
 * have answered, so a join is acknowledged only once a publish from any node will reach it. The event bus's
 * own per-address registrations are not used for rooms: other nodes learn of them asynchronously, which would
 * let a publish made just after an acknowledged join miss the joiner. A node that leaves the cluster is
 * dropped at once; a node that joins, or comes back after a split, is sent every room this node has.
 */
public final class ClusterRoomBroker implements RoomBroker {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRoomBroker.class);
  private static final int SNAPSHOT_ATTEMPTS = 240;
  private static final long SNAPSHOT_RETRY_MS = 250;

  /** A node's interest in rooms changed. */
  record InterestChange(String node, List<String> rooms, boolean on) {
  }

  private final Vertx vertx;
  private final EventBus eventBus;
  private final HazelcastInstance hazelcast;
  private final String node;
  private final LocalRoomBroker local = new LocalRoomBroker();
  private final DeliveryOptions announceOptions;
  private final ConcurrentHashMap<String, Set<String>> interested = new ConcurrentHashMap<>();
  private final Map<String, Future<Void>> announced = new HashMap<>();
  private MessageConsumer<String> broadcasts;
  private MessageConsumer<String> interests;
  private UUID membershipListener;

  /**
   * @param announceTimeoutMs how long a join waits for a node that does not answer (a dying one)
   */
  public ClusterRoomBroker(Vertx vertx, HazelcastInstance hazelcast, String node, long announceTimeoutMs) {
    this.vertx = vertx;
    this.eventBus = vertx.eventBus();
    this.hazelcast = hazelcast;
    this.node = node;
    this.announceOptions = new DeliveryOptions().setSendTimeout(announceTimeoutMs);
  }

  static String broadcastAddress(String node) {
    return "hub.node." + node + ".broadcast";
  }

  static String interestAddress(String node) {
    return "hub.node." + node + ".interest";
  }

  /** Registers this node's addresses cluster-wide and starts following membership. */
  public Future<Void> start() {
    broadcasts = eventBus.consumer(broadcastAddress(node), msg -> local.publish(decode(msg.body(), Broadcast.class)));
    interests = eventBus.consumer(interestAddress(node), msg -> {
      apply(decode(msg.body(), InterestChange.class));
      msg.reply("ok");
    });
    membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        String peer = ClusterNodes.nameOf(event.getMember());
        if (peer != null) {
          sendRooms(peer, 1);
        }
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String peer = ClusterNodes.nameOf(event.getMember());
        if (peer != null) {
          interested.values().forEach(nodes -> nodes.remove(peer));
        }
      }
    });
    return Future.join(broadcasts.completion(), interests.completion()).mapEmpty();
  }

  public Future<Void> stop() {
    if (membershipListener != null) {
      hazelcast.getCluster().removeMembershipListener(membershipListener);
    }
    return Future.join(broadcasts.unregister(), interests.unregister()).mapEmpty();
  }

  @Override
  public synchronized Future<Void> subscribe(String room, RoomReceiver receiver) {
    boolean first = !local.hasReceivers(room);
    local.subscribe(room, receiver);
    if (first) {
      announced.put(room, announce(room, true));
    }
    return announced.get(room);
  }

  @Override
  public synchronized void unsubscribe(String room, RoomReceiver receiver) {
    local.unsubscribe(room, receiver);
    if (!local.hasReceivers(room)) {
      announced.remove(room);
      announce(room, false);
    }
  }

  @Override
  public void publish(Broadcast broadcast) {
    local.publish(broadcast);
    Set<String> nodes = interested.get(broadcast.room());
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

  private Future<Void> announce(String room, boolean on) {
    String message = Json.encode(new InterestChange(node, List.of(room), on));
    List<Future<Object>> answers = ClusterNodes.peers(hazelcast).stream()
        .map(peer -> eventBus.request(interestAddress(peer), message, announceOptions)
            .map(reply -> (Object) reply)
            .otherwise(failure -> {
              // A node that is still starting gets every room once it is up (memberAdded); a dying one is dropped.
              LOG.debug("interest in {} not confirmed by {}: {}", room, peer, failure.getMessage());
              return null;
            }))
        .toList();
    return Future.join(answers).mapEmpty();
  }

  private void apply(InterestChange change) {
    for (String room : change.rooms()) {
      if (change.on()) {
        interested.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(change.node());
      } else {
        interested.computeIfPresent(room, (r, nodes) -> {
          nodes.remove(change.node());
          return nodes.isEmpty() ? null : nodes;
        });
      }
    }
  }

  /** Tells a new or returning member every room this node has members in, retrying while it starts. */
  private void sendRooms(String peer, int attempt) {
    List<String> rooms = local.rooms();
    if (rooms.isEmpty()) {
      return;
    }
    eventBus.request(interestAddress(peer), Json.encode(new InterestChange(node, rooms, true)), announceOptions)
        .onFailure(failure -> {
          if (attempt < SNAPSHOT_ATTEMPTS && ClusterNodes.peers(hazelcast).contains(peer)) {
            vertx.setTimer(SNAPSHOT_RETRY_MS, t -> sendRooms(peer, attempt + 1));
          } else {
            LOG.warn("could not tell {} about this node's rooms: {}", peer, failure.getMessage());
          }
        });
  }

  private static <T> T decode(String json, Class<T> type) {
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}

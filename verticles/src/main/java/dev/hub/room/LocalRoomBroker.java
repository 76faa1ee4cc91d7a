package dev.hub.room;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fan-out between the gateway event loops of one node: one task per event loop per broadcast, however many
 * members that loop holds. The single-node broker, and the local half of the clustered one. Rooms are looked up
 * by name; patterns in a {@link SubjectTrie}, and only for events, so a node without patterns pays nothing for
 * them.
 */
public final class LocalRoomBroker implements RoomBroker {

  private static final RoomReceiver[] NONE = new RoomReceiver[0];

  private final ConcurrentHashMap<String, RoomReceiver[]> receivers = new ConcurrentHashMap<>();
  private final SubjectTrie<RoomReceiver[]> patterns = new SubjectTrie<>();

  @Override
  public Future<Void> subscribe(String room, RoomReceiver receiver) {
    receivers.compute(room, (r, current) -> with(current, receiver));
    return Future.succeededFuture();
  }

  @Override
  public void unsubscribe(String room, RoomReceiver receiver) {
    receivers.computeIfPresent(room, (r, list) -> without(list, receiver));
  }

  @Override
  public Future<Void> subscribePattern(String pattern, RoomReceiver receiver) {
    patterns.update(pattern, current -> with(current, receiver));
    return Future.succeededFuture();
  }

  @Override
  public void unsubscribePattern(String pattern, RoomReceiver receiver) {
    patterns.update(pattern, current -> current == null ? null : without(current, receiver));
  }

  private static RoomReceiver[] with(RoomReceiver[] current, RoomReceiver receiver) {
    RoomReceiver[] list = current == null ? NONE : current;
    if (Arrays.asList(list).contains(receiver)) {
      return list;
    }
    RoomReceiver[] grown = Arrays.copyOf(list, list.length + 1);
    grown[list.length] = receiver;
    return grown;
  }

  private static RoomReceiver[] without(RoomReceiver[] list, RoomReceiver receiver) {
    RoomReceiver[] shrunk = Arrays.stream(list).filter(x -> x != receiver).toArray(RoomReceiver[]::new);
    return shrunk.length == 0 ? null : shrunk;
  }

  @Override
  public void publish(Broadcast broadcast) {
    RoomReceiver[] list = receivers.get(broadcast.room());
    if (broadcast.event() != null && !patterns.isEmpty()) {
      list = withPatterns(broadcast.room(), list);
    }
    if (list == null) {
      return;
    }
    Context current = Vertx.currentContext();
    for (RoomReceiver receiver : list) {
      if (receiver.context() == current) {
        receiver.receive(broadcast);
      } else {
        receiver.context().runOnContext(v -> receiver.receive(broadcast));
      }
    }
  }

  /** The room's receivers and those of the patterns matching it, each once (there are a few: one per loop). */
  private RoomReceiver[] withPatterns(String room, RoomReceiver[] ofRoom) {
    RoomReceiver[][] all = {ofRoom};
    patterns.match(room, matched -> {
      for (RoomReceiver receiver : matched) {
        all[0] = with(all[0], receiver);
      }
    });
    return all[0];
  }

  /** On a single node every receiver is local. */
  @Override
  public void publishLocal(Broadcast broadcast) {
    publish(broadcast);
  }

  @Override
  public boolean hasReceivers(String room) {
    return receivers.containsKey(room) || patterns.matchesAny(room);
  }

  /** Whether some receiver is subscribed to the room itself (patterns aside). */
  public boolean isSubscribed(String room) {
    return receivers.containsKey(room);
  }

  /** Whether some receiver is subscribed to the pattern. */
  public boolean isSubscribedToPattern(String pattern) {
    return patterns.get(pattern) != null;
  }

  /** The rooms some receiver of this node is subscribed to. */
  public java.util.List<String> rooms() {
    return java.util.List.copyOf(receivers.keySet());
  }

  @Override
  public int localRooms() {
    return receivers.size();
  }
}

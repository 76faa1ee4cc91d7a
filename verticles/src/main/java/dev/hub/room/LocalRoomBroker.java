package dev.hub.room;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fan-out between the gateway event loops of one node: one task per event loop per broadcast, however many
 * members that loop holds. The single-node broker, and the local half of the clustered one.
 */
public final class LocalRoomBroker implements RoomBroker {

  private static final RoomReceiver[] NONE = new RoomReceiver[0];

  private final ConcurrentHashMap<String, RoomReceiver[]> receivers = new ConcurrentHashMap<>();

  @Override
  public Future<Void> subscribe(String room, RoomReceiver receiver) {
    receivers.compute(room, (r, current) -> {
      RoomReceiver[] list = current == null ? NONE : current;
      if (Arrays.asList(list).contains(receiver)) {
        return list;
      }
      RoomReceiver[] grown = Arrays.copyOf(list, list.length + 1);
      grown[list.length] = receiver;
      return grown;
    });
    return Future.succeededFuture();
  }

  @Override
  public void unsubscribe(String room, RoomReceiver receiver) {
    receivers.computeIfPresent(room, (r, list) -> {
      RoomReceiver[] shrunk = Arrays.stream(list).filter(x -> x != receiver).toArray(RoomReceiver[]::new);
      return shrunk.length == 0 ? null : shrunk;
    });
  }

  @Override
  public void publish(Broadcast broadcast) {
    RoomReceiver[] list = receivers.get(broadcast.room());
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

  /** On a single node every receiver is local. */
  @Override
  public void publishLocal(Broadcast broadcast) {
    publish(broadcast);
  }

  @Override
  public boolean hasReceivers(String room) {
    return receivers.containsKey(room);
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

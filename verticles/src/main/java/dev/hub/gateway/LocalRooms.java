package dev.hub.gateway;

import dev.hub.room.Broadcast;
import dev.hub.room.RoomBroker;
import dev.hub.room.RoomReceiver;
import dev.hub.session.BatchPolicy;
import dev.hub.session.Session;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.Map;

/**
 * Room membership of the sessions on one event loop, and their end of the room broker: subscribed to a room
 * while it has a member here, and to a pattern while a session here has it (PROTOCOL.md section 9).
 */
final class LocalRooms implements RoomReceiver {
  private final Context context;
  private final RoomBroker broker;
  private final BatchPolicy batchPolicy;
  private final Map<String, RoomMembers> rooms = new HashMap<>();
  private final Map<String, Future<Void>> subscriptions = new HashMap<>();
  private final PatternMembers patterns = new PatternMembers();
  private final Map<String, Future<Void>> patternSubscriptions = new HashMap<>();

  LocalRooms(Context context, RoomBroker broker, BatchPolicy batchPolicy) {
    this.context = context;
    this.broker = broker;
    this.batchPolicy = batchPolicy;
  }

  /** Adds a member; completes, on this loop, once the room's broadcasts from anywhere reach this loop. */
  Future<Void> add(String room, Session session) {
    rooms.computeIfAbsent(room, r -> new RoomMembers()).add(session);
    Future<Void> subscribed = subscriptions.get(room);
    if (subscribed == null) {
      subscribed = onThisLoop(broker.subscribe(room, this));
      subscriptions.put(room, subscribed);
    }
    return subscribed;
  }

  /**
   * The broker may hand several loops one shared future; whatever a session does next must run on the
   * session's own loop, so completion is passed on here.
   */
  private Future<Void> onThisLoop(Future<Void> future) {
    if (future.isComplete()) {
      return future;
    }
    Promise<Void> here = Promise.promise();
    future.onComplete(result -> context.runOnContext(v -> here.handle(result)));
    return here.future();
  }

  /** Adds a pattern's subscriber; completes, on this loop, once the events of every room it matches reach here. */
  Future<Void> addPattern(String pattern, Session session) {
    if (patterns.add(pattern, session)) {
      patternSubscriptions.put(pattern, onThisLoop(broker.subscribePattern(pattern, this)));
    }
    return patternSubscriptions.get(pattern);
  }

  void removePattern(String pattern, Session session) {
    if (patterns.remove(pattern, session)) {
      patternSubscriptions.remove(pattern);
      broker.unsubscribePattern(pattern, this);
    }
  }

  void remove(String room, Session session) {
    RoomMembers members = rooms.get(room);
    if (members == null) {
      return;
    }
    members.remove(session);
    if (members.isEmpty()) {
      rooms.remove(room);
      subscriptions.remove(room);
      broker.unsubscribe(room, this);
    }
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public void receive(Broadcast broadcast) {
    RoomMembers members = rooms.get(broadcast.room());
    String event = broadcast.event();
    boolean byPattern = event != null && !patterns.isEmpty();
    if (members == null && !byPattern) {
      return;
    }
    boolean batchable = event != null && batchPolicy.matches(event);
    String exclude = broadcast.excludeSession();
    if (byPattern) {
      patterns.recipients(broadcast.room(), members != null, session -> {
        if (exclude == null || !exclude.equals(session.id())) {
          session.outbox().event(broadcast.frame(), batchable);
        }
      });
    }
    if (members == null) {
      return;
    }
    for (Session session : members.snapshot()) {
      if (exclude != null && exclude.equals(session.id())) {
        continue;
      }
      if (event == null) {
        if (!session.heldRoomFrame(broadcast.room(), broadcast.frame())) {
          session.outbox().ordered(broadcast.frame());
        }
      } else {
        session.outbox().event(broadcast.frame(), batchable);
      }
    }
  }
}

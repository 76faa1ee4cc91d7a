package dev.hub.gateway;

import dev.hub.history.KeptEvent;
import dev.hub.history.RoomHistory;
import dev.hub.room.Broadcast;
import dev.hub.room.RoomBroker;
import dev.hub.room.RoomReceiver;
import dev.hub.session.BatchPolicy;
import dev.hub.session.Session;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Room membership of the sessions on one event loop, and their end of the room broker: subscribed to a room
 * while it has a member here, and to a pattern while a session here has it (PROTOCOL.md section 9). Events of
 * history rooms go to the room's members through a {@link SequencedRoom}, in seq order.
 */
final class LocalRooms implements RoomReceiver, SequencedRoom.MemberWriter {
  private final Context context;
  private final RoomBroker broker;
  private final RoomHistory history;
  private final BatchPolicy batchPolicy;
  private final Map<String, RoomMembers> rooms = new HashMap<>();
  private final Map<String, Future<Void>> subscriptions = new HashMap<>();
  private final Map<String, SequencedRoom> sequenced = new HashMap<>();
  private final PatternMembers patterns = new PatternMembers();
  private final Map<String, Future<Void>> patternSubscriptions = new HashMap<>();

  LocalRooms(Context context, RoomBroker broker, RoomHistory history, BatchPolicy batchPolicy) {
    this.context = context;
    this.broker = broker;
    this.history = history;
    this.batchPolicy = batchPolicy;
    // After this node's side of a split merged, each room's members here check the line they follow.
    history.whenLinesMayHaveChanged(() -> context.runOnContext(v -> sequenced.values().forEach(SequencedRoom::resync)));
  }

  /**
   * Adds a member; completes, on this loop, once the room's broadcasts from anywhere reach this loop. A member of
   * a history room gets nothing until {@link #live}.
   */
  Future<Void> add(String room, Session session) {
    rooms.computeIfAbsent(room, r -> new RoomMembers()).add(session);
    if (history.covers(room)) {
      sequenced.computeIfAbsent(room, r -> new SequencedRoom(r, history, context.owner(), this)).joining(session);
    }
    Future<Void> subscribed = subscriptions.get(room);
    if (subscribed == null) {
      subscribed = onThisLoop(broker.subscribe(room, this));
      subscriptions.put(room, subscribed);
    }
    return subscribed;
  }

  /**
   * A member of a history room whose join read the room at {@code read}: it gets {@code replay}, then live
   * events past it.
   */
  void live(String room, Session session, RoomHistory.Position read, List<KeptEvent> replay) {
    SequencedRoom sequence = sequenced.get(room);
    if (sequence != null) {
      sequence.live(session, read, replay);
    }
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
    SequencedRoom sequence = sequenced.get(room);
    if (sequence != null) {
      sequence.forget(session);
    }
    if (members.isEmpty()) {
      rooms.remove(room);
      subscriptions.remove(room);
      SequencedRoom gone = sequenced.remove(room);
      if (gone != null) {
        gone.stop();
      }
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
    boolean byPattern = broadcast.event() != null && !patterns.isEmpty();
    if (members == null && !byPattern) {
      return;
    }
    boolean batchable = batchable(broadcast);
    if (byPattern) {
      // Patterns are not presence and have no history: their subscribers get each event as it comes.
      patterns.recipients(broadcast.room(), members != null, session -> write(session, broadcast, batchable));
    }
    if (members == null) {
      return;
    }
    if (broadcast.seq() != null) {
      SequencedRoom sequence = sequenced.get(broadcast.room());
      if (sequence != null) {
        sequence.arrive(broadcast);
      }
      return;
    }
    for (Session session : members.snapshot()) {
      write(session, broadcast, batchable);
    }
  }

  @Override
  public void eachMember(String room, Consumer<Session> action) {
    RoomMembers members = rooms.get(room);
    if (members != null) {
      for (Session session : members.snapshot()) {
        action.accept(session);
      }
    }
  }

  @Override
  public boolean batchable(Broadcast broadcast) {
    return broadcast.event() != null && batchPolicy.matches(broadcast.event());
  }

  @Override
  public void write(Session session, Broadcast broadcast, boolean batchable) {
    String exclude = broadcast.excludeSession();
    if (exclude != null && exclude.equals(session.id())) {
      return;
    }
    if (broadcast.event() == null) {
      if (!session.heldRoomFrame(broadcast.room(), broadcast.frame())) {
        session.outbox().ordered(broadcast.frame());
      }
    } else {
      session.outbox().event(broadcast.frame(), batchable);
    }
  }
}

package dev.hub.room;

import io.vertx.core.Future;

/**
 * Carries room broadcasts to every member, wherever it is connected. A receiver subscribes to a room while it
 * has local members in it; a node receives a room's traffic only while some receiver there is subscribed.
 */
public interface RoomBroker {

  /**
   * Starts delivering the room's broadcasts to {@code receiver}.
   *
   * @return completes once every publish made afterwards, on any node, reaches the receiver; it may complete on
   *     any thread and may be shared by several receivers, so a caller hops back onto its own event loop
   */
  Future<Void> subscribe(String room, RoomReceiver receiver);

  /** Stops delivering the room's broadcasts to {@code receiver}. */
  void unsubscribe(String room, RoomReceiver receiver);

  /**
   * Starts delivering to {@code receiver} the events of every room the pattern matches (PROTOCOL.md section 9),
   * from any node; presence frames are not sent to patterns. A receiver that is subscribed to a room and to
   * patterns matching it gets each broadcast once.
   *
   * @return completes as {@link #subscribe} does
   */
  Future<Void> subscribePattern(String pattern, RoomReceiver receiver);

  /** Stops delivering the pattern's events to {@code receiver}. */
  void unsubscribePattern(String pattern, RoomReceiver receiver);

  /** Delivers to every subscribed receiver of the room, each once. */
  void publish(Broadcast broadcast);

  /**
   * Delivers to this node's subscribed receivers of the room only: for events every node receives by itself
   * (NATS), so that each member gets them once.
   */
  void publishLocal(Broadcast broadcast);

  /** Rooms with at least one subscribed receiver on this node. */
  int localRooms();

  /**
   * Whether some receiver of this node would get an event of the room, by the room or by a pattern: a cheap look
   * before any work for it.
   */
  boolean hasReceivers(String room);
}

package dev.hub.room;

import io.vertx.core.Context;

/** Where a room's broadcasts end up on this node: one per gateway event loop, holding its local members. */
public interface RoomReceiver {

  /** The event loop the receiver lives on; {@link #receive} is only ever called there. */
  Context context();

  /** Writes the broadcast to the receiver's local members of the room. */
  void receive(Broadcast broadcast);
}

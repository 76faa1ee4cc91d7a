package dev.hub.room;

import dev.hub.history.KeptEvent;
import dev.hub.protocol.EncodedFrame;

/**
 * A frame for the members of a room, encoded once for all of them.
 *
 * @param event the event name for an {@code event} frame (it decides batching), or {@code null} for any other
 *     frame, which is never batched and never overtakes held events
 * @param frame the frame, encoded once for every member on this node
 * @param excludeSession a session that must not receive it (the sender with {@code echo:false}, the joiner of a
 *     {@code presence_diff}), or {@code null}
 * @param seq the event's number in its room's history, or {@code null} for a room without history (and for any
 *     frame but an event): members of a history room get its events in this order, without gaps
 * @param epoch the line of history {@code seq} belongs to, with {@code seq}
 */
public record Broadcast(String room, String event, EncodedFrame frame, String excludeSession, Long seq,
    String epoch) {

  /** A frame of a room without history, or one that is not an event. */
  public Broadcast(String room, String event, EncodedFrame frame, String excludeSession) {
    this(room, event, frame, excludeSession, null, null);
  }

  /** A kept event of a history room, as its members get it. */
  public static Broadcast kept(String room, String epoch, KeptEvent event) {
    return new Broadcast(room, event.draft().event(), event.frame(), event.draft().excludeSession(), event.seq(),
        epoch);
  }
}

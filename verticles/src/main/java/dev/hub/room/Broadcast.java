package dev.hub.room;

import dev.hub.protocol.EncodedFrame;

/**
 * A frame for the members of a room, encoded once for all of them.
 *
 * @param event the event name for an {@code event} frame (it decides batching), or {@code null} for any other
 *     frame, which is never batched and never overtakes held events
 * @param frame the frame, encoded once for every member on this node
 * @param excludeSession a session that must not receive it (the sender with {@code echo:false}, the joiner of a
 *     {@code presence_diff}), or {@code null}
 */
public record Broadcast(String room, String event, EncodedFrame frame, String excludeSession) {
}

package dev.hub.gateway;

import dev.hub.presence.PresenceService;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.Json;
import dev.hub.protocol.ProtocolException;
import dev.hub.protocol.ServerFrame;
import dev.hub.session.Session;
import io.vertx.core.Future;

/**
 * {@code state}: a session sets its own presence state in a room it joined, replacing the one before, at most
 * {@code presence.maxStateBytes} encoded. Presence writes and announces it ({@code presence_diff} updates, NATS
 * {@code update}); the session keeps a copy to write its presence again should the cluster lose it.
 */
final class StateRequests {
  private final PresenceService presence;
  private final int maxStateBytes;

  StateRequests(PresenceService presence, int maxStateBytes) {
    this.presence = presence;
    this.maxStateBytes = maxStateBytes;
  }

  Future<ServerFrame> state(Session session, ClientFrame.State frame) {
    String room = frame.room();
    if (!session.rooms().contains(room)) {
      throw new ProtocolException(ErrorCode.NOT_JOINED, "join room " + room + " before setting state in it");
    }
    int size = Json.encodeToUtf8(frame.state()).length;
    if (size > maxStateBytes) {
      throw new ProtocolException(ErrorCode.TOO_LARGE,
          "the state is " + size + " bytes encoded; at most " + maxStateBytes + " are allowed");
    }
    return presence.update(room, session.id(), frame.state()).map(member -> {
      if (member == null) {
        throw new ProtocolException(ErrorCode.NOT_JOINED, "not in room " + room);
      }
      session.stateSet(room, frame.state());
      return new ServerFrame.Ack(frame.ref(), room, null, null);
    });
  }
}

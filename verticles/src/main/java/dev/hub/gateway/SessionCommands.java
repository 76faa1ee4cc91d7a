package dev.hub.gateway;

import dev.hub.control.SessionCommand;
import dev.hub.protocol.ServerFrame;
import dev.hub.session.Session;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The control API's commands for the sessions of one event loop: disconnect ({@code bye}, close 4003), or join
 * and leave a room server-side, each in the session's own request order.
 */
final class SessionCommands {
  private final ShardSessions sessions;
  private final ServerMemberships memberships;

  SessionCommands(ShardSessions sessions, ServerMemberships memberships) {
    this.sessions = sessions;
    this.memberships = memberships;
  }

  /** @return how many of the command's sessions are on this loop and were reached */
  Future<Integer> apply(SessionCommand command) {
    List<Future<Boolean>> reached = new ArrayList<>();
    for (String id : command.sessions()) {
      Optional<Session> found = sessions.find(id);
      if (found.isEmpty()) {
        continue;
      }
      Session session = found.get();
      reached.add(switch (command.op()) {
        case DISCONNECT -> sessions.disconnect(session).map(true);
        case JOIN -> session.enqueue(() -> memberships.join(session, command.room()).map(true));
        case LEAVE -> session.enqueue(() -> memberships.leave(session, command.room(), ServerFrame.Left.SERVER));
      });
    }
    return Future.join(reached).transform(done -> Future.succeededFuture(
        (int) reached.stream().filter(f -> f.succeeded() && f.result()).count()));
  }
}

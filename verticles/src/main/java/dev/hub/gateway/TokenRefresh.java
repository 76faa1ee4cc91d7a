package dev.hub.gateway;

import dev.hub.auth.Identity;
import dev.hub.auth.InvalidTokenException;
import dev.hub.auth.Permissions;
import dev.hub.auth.TokenVerifier;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.ProtocolException;
import dev.hub.protocol.ServerFrame;
import dev.hub.session.Session;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code refresh} (PROTOCOL.md section 6): a new token for the same {@code sub} replaces the session's, without a
 * reconnect. Its permissions and {@code exp} apply from the ack on: the 4001 timer moves to the new {@code exp},
 * and each room or pattern the old token allowed and the new one does not is left with a {@code left} frame
 * (reason {@code permissions}) before the ack, its presence removed as for a {@code leave}.
 */
final class TokenRefresh {
  private final Optional<TokenVerifier> verifier;
  private final ShardSessions sessions;
  private final ServerMemberships memberships;

  TokenRefresh(Optional<TokenVerifier> verifier, ShardSessions sessions, ServerMemberships memberships) {
    this.verifier = verifier;
    this.sessions = sessions;
    this.memberships = memberships;
  }

  Future<ServerFrame> refresh(Session session, ClientFrame.Refresh frame) {
    if (verifier.isEmpty()) {
      throw new ProtocolException(ErrorCode.UNAVAILABLE, "auth is off: there is no token to refresh");
    }
    return verifier.get().verify(frame.token())
        .recover(e -> Future.failedFuture(e instanceof InvalidTokenException
            ? new ProtocolException(ErrorCode.UNAUTHORIZED, e.getMessage()) : e))
        .compose(identity -> {
          if (!session.user().equals(identity.user())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN,
                "a refresh takes a token for the same sub (" + session.user() + ")");
          }
          return apply(session, identity).map(v -> new ServerFrame.RefreshAck(frame.ref(),
              identity.expiresAtMs() == null ? null : identity.expiresAtMs() / 1000));
        });
  }

  private Future<Void> apply(Session session, Identity identity) {
    Permissions before = session.identity().permissions();
    Permissions after = identity.permissions();
    List<String> lost = new ArrayList<>();
    for (String room : session.rooms()) {
      if (before.mayJoin(room) && !after.mayJoin(room)) {
        lost.add(room);
      }
    }
    for (String pattern : session.patterns()) {
      if (before.mayJoinPattern(pattern) && !after.mayJoinPattern(pattern)) {
        lost.add(pattern);
      }
    }
    sessions.refreshed(session, identity);
    List<Future<Boolean>> leaves = new ArrayList<>(lost.size());
    for (String room : lost) {
      leaves.add(memberships.leave(session, room, ServerFrame.Left.PERMISSIONS));
    }
    return Future.all(leaves).mapEmpty();
  }
}

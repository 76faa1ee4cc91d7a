package dev.hub.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;

/**
 * Decides a join of a room matching {@code hooks.join.rooms} that the session's permissions do not already allow
 * (with auth off: every join of such a room), the rooms of an SSE stream included: PROTOCOL.md section 10. The
 * session's later requests wait for the answer, so their order holds.
 */
@FunctionalInterface
public interface JoinHook {

  /** Called on an event loop: never block in it. A failed future or a timeout answers {@code unavailable}. */
  Future<Decision> join(Request request);

  /** @param meta the session's {@code meta}, as presence shows it */
  record Request(String user, String session, String room, JsonNode meta) {
  }

  /** @param allow false refuses the join with {@code forbidden} */
  record Decision(boolean allow) {
    public static final Decision ALLOW = new Decision(true);
    public static final Decision REFUSE = new Decision(false);
  }
}

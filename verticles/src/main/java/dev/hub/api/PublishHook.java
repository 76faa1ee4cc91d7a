package dev.hub.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;

/**
 * Decides every client publish to a room matching {@code hooks.publish.rooms}, after permissions, and may
 * replace its data: PROTOCOL.md section 10. The session's later requests wait for the answer, so their order
 * holds.
 */
@FunctionalInterface
public interface PublishHook {

  /** Called on an event loop: never block in it. A failed future or a timeout answers {@code unavailable}. */
  Future<Decision> publish(Request request);

  /** @param id the client's {@code id} for deduplication, or {@code null} */
  record Request(String user, String session, String room, String event, JsonNode data, String id) {
  }

  /**
   * @param allow false refuses the publish with {@code forbidden}
   * @param data what the event carries instead of the client's data; {@code null} keeps the client's
   */
  record Decision(boolean allow, JsonNode data) {
    public static final Decision ALLOW = new Decision(true, null);
    public static final Decision REFUSE = new Decision(false, null);

    /** Allowed, with this data in place of the client's. */
    public static Decision replace(JsonNode data) {
      return new Decision(true, data);
    }
  }
}

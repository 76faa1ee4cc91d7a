package dev.hub.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;

/**
 * Answers a client's {@code request} frame instead of NATS (PROTOCOL.md section 10): the answer's data is the
 * {@code reply}. Replies come whenever they come; they hold up none of the session's later requests.
 */
@FunctionalInterface
public interface RequestHook {

  /** Called on an event loop: never block in it. A failed future or a timeout answers {@code unavailable}. */
  Future<Reply> request(Request request);

  record Request(String user, String session, String event, JsonNode data) {
  }

  /** @param data the {@code reply}'s data; {@code null} is JSON {@code null} */
  record Reply(JsonNode data) {
  }
}

package dev.hub.room;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Told of every publish a WebSocket client made on this node and the hub accepted (not of repeats dropped by
 * dedup, nor of HTTP or NATS events). The NATS bridge forwards them on {@code <prefix>.events.<room>}.
 *
 * <p>Called on the publishing session's event loop, after the event was handed to the broker; must not block.
 */
@FunctionalInterface
public interface PublishListener {

  /** Hears nothing: the single node without a bridge. */
  PublishListener NONE = event -> {
  };

  void accepted(Published event);

  /**
   * An accepted client publish.
   *
   * @param user the publishing user
   * @param session the publishing session
   */
  record Published(String room, String event, JsonNode data, String id, long ts, String user, String session) {
  }
}

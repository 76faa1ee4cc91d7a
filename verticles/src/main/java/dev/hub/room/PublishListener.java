package dev.hub.room;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Told of every publish a WebSocket client made on this node and the hub accepted (not of repeats dropped by
 * dedup, nor of HTTP or NATS events). The NATS bridge forwards them on {@code <prefix>.events.<room>}.
 *
 * <p>Called on the publishing session's event loop, after the event was handed to the broker; must not block.
 * Before anything else of such a publish, {@link #admits} may refuse it.
 */
@FunctionalInterface
public interface PublishListener {

  /** Hears nothing: the single node without a bridge. */
  PublishListener NONE = event -> {
  };

  void accepted(Published event);

  /**
   * Whether a WebSocket publish may be taken now. Asked before its id is remembered for dedup or it is delivered;
   * false refuses it with {@code unavailable}, so the client may send it again, same id, later. A listener that
   * admits an event must then take it in {@link #accepted}. The NATS bridge refuses while neither its outbound
   * buffer nor its dead-letter file's queue has room.
   */
  default boolean admits() {
    return true;
  }

  /**
   * An accepted client publish.
   *
   * @param user the publishing user
   * @param session the publishing session
   */
  record Published(String room, String event, JsonNode data, String id, long ts, String user, String session) {
  }
}

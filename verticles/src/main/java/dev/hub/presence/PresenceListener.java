package dev.hub.presence;

import dev.hub.protocol.Member;

/**
 * Told of every membership that began or ended on this node's watch, whatever the room's size: joins, leaves,
 * disconnects, stale sweeps and a dead node's cleanup (which one node of the cluster runs, so each change is
 * told once). The NATS bridge forwards them on {@code <prefix>.presence.<room>}.
 *
 * <p>Called on whatever thread completed the presence change; must not block.
 */
@FunctionalInterface
public interface PresenceListener {

  /** Hears nothing: the single node without a bridge. */
  PresenceListener NONE = change -> {
  };

  void changed(Change change);

  /**
   * A membership that began ({@code joined}) or ended.
   *
   * @param ts when the hub saw the change, epoch millis
   */
  record Change(boolean joined, String room, Member member, long ts) {
  }
}

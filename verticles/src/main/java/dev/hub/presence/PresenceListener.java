package dev.hub.presence;

import dev.hub.protocol.Member;

/**
 * Told of every membership that began, ended or changed its state on this node's watch, whatever the room's
 * size: joins, leaves, state updates, disconnects, stale sweeps and a dead node's cleanup (which one node of the
 * cluster runs, so each change is told once). The NATS bridge forwards them on {@code <prefix>.presence.<room>}.
 *
 * <p>Called on whatever thread completed the presence change; must not block.
 */
@FunctionalInterface
public interface PresenceListener {

  /** Hears nothing: the single node without a bridge. */
  PresenceListener NONE = change -> {
  };

  void changed(Change change);

  /** What happened to a membership; {@link #wire()} is its name on NATS ({@code join}, {@code leave}, {@code update}). */
  enum Kind {
    JOIN, LEAVE, UPDATE;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A membership that began, ended, or whose state changed ({@link Kind#UPDATE}: the member has the new state).
   *
   * @param ts when the hub saw the change, epoch millis
   */
  record Change(Kind kind, String room, Member member, long ts) {
  }
}

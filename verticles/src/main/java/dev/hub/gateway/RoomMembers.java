package dev.hub.gateway;

import dev.hub.session.Session;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The members of one room on one event loop. Fan-out walks a snapshot array, so a member closed in the middle
 * of a broadcast (a slow consumer) cannot disturb the walk, and a burst of joins costs one rebuild.
 */
final class RoomMembers {
  private static final Session[] EMPTY = new Session[0];

  private final Map<String, Session> byId = new LinkedHashMap<>();
  private Session[] snapshot = EMPTY;
  private boolean stale;

  void add(Session session) {
    if (byId.put(session.id(), session) == null) {
      stale = true;
    }
  }

  void remove(Session session) {
    if (byId.remove(session.id()) != null) {
      stale = true;
    }
  }

  boolean isEmpty() {
    return byId.isEmpty();
  }

  Session[] snapshot() {
    if (stale) {
      snapshot = byId.values().toArray(EMPTY);
      stale = false;
    }
    return snapshot;
  }
}

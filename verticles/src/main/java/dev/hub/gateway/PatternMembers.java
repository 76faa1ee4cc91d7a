package dev.hub.gateway;

import dev.hub.room.SubjectTrie;
import dev.hub.session.Session;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The pattern subscriptions (PROTOCOL.md section 9) of the sessions on one event loop, in a subject trie. An
 * event reaches each session whose patterns match its room once however many match, and none that is a member
 * of the room itself: the room's own delivery reaches those. Used on its event loop only.
 */
final class PatternMembers {
  private final SubjectTrie<RoomMembers> byPattern = new SubjectTrie<>();
  private final List<RoomMembers> matched = new ArrayList<>();
  private final Set<Session> reached = Collections.newSetFromMap(new IdentityHashMap<>());

  /** @return true when the pattern had no session on this loop before */
  boolean add(String pattern, Session session) {
    boolean first = byPattern.get(pattern) == null;
    byPattern.update(pattern, members -> members != null ? members : new RoomMembers()).add(session);
    return first;
  }

  /** @return true when the pattern has no session on this loop any more */
  boolean remove(String pattern, Session session) {
    RoomMembers members = byPattern.get(pattern);
    if (members == null) {
      return false;
    }
    members.remove(session);
    if (!members.isEmpty()) {
      return false;
    }
    byPattern.update(pattern, gone -> null);
    return true;
  }

  boolean isEmpty() {
    return byPattern.isEmpty();
  }

  /**
   * Hands {@code deliver} each session that gets an event of {@code room} by pattern, once.
   *
   * @param roomHasMembers whether the room has members on this loop, who get the event as members, not here
   */
  void recipients(String room, boolean roomHasMembers, Consumer<Session> deliver) {
    matched.clear();
    byPattern.match(room, matched::add);
    boolean several = matched.size() > 1;
    try {
      for (RoomMembers members : matched) {
        for (Session session : members.snapshot()) {
          if (roomHasMembers && session.rooms().contains(room)) {
            continue;
          }
          // Sessions under one pattern are distinct; only several patterns can name a session twice.
          if (several && !reached.add(session)) {
            continue;
          }
          deliver.accept(session);
        }
      }
    } finally {
      matched.clear();
      reached.clear();
    }
  }
}

package dev.hub.cluster;

import dev.hub.protocol.Names;
import dev.hub.room.SubjectTrie;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What this node knows of the rooms and patterns other nodes have members in, and from it, for each room, the
 * nodes a broadcast goes to: those with members in the room, and for an event also those with a pattern that
 * matches it (a {@link SubjectTrie} of the peers' patterns), each node once. Each change of a node carries that
 * node's incarnation and a version; an older one than what is known is ignored, so a late or retried message can
 * never undo a newer one, and a restarted node's messages replace its former self's.
 *
 * <p>Interest that is off is kept only as long as an older message of the same node may still arrive: for
 * {@code keepOffMs} after it was learnt ({@link #sweep}), so that a late "on" sent before the "off" cannot bring
 * the room back. After that the room is forgotten, so the rooms and patterns clients once named cost nothing here
 * once no node has members in them. A newer "on" needs nothing kept: it is applied over an absent entry as over
 * an "off".
 */
final class PeerInterest {
  private record Known(boolean on, long version) {
  }

  /** An "off" to forget once {@code dueMs} has passed, unless a newer change replaced it meanwhile. */
  private record Off(String node, long incarnation, String room, long version, long dueMs) {
  }

  private static final class Node {
    long incarnation;
    final Map<String, Known> rooms = new HashMap<>();

    Node(long incarnation) {
      this.incarnation = incarnation;
    }
  }

  private final Map<String, Node> nodes = new HashMap<>();
  private final ConcurrentHashMap<String, Set<String>> byRoom = new ConcurrentHashMap<>();
  private final SubjectTrie<Set<String>> byPattern = new SubjectTrie<>();
  /** Every "off" kept, oldest first: the order they fall due in, as each is kept for the same time. */
  private final ArrayDeque<Off> offs = new ArrayDeque<>();
  private final long keepOffMs;
  private final LongSupplier clockMs;

  /**
   * @param keepOffMs how long an "off" is kept: longer than any message of a node, sent before it, may take to
   *     arrive after it
   * @param clockMs a monotonic clock in milliseconds
   */
  PeerInterest(long keepOffMs, LongSupplier clockMs) {
    this.keepOffMs = keepOffMs;
    this.clockMs = clockMs;
  }

  /**
   * The nodes to send a broadcast of {@code room} to; read on every publish, without a lock.
   *
   * @param event whether it is an event, which patterns hear too; presence frames go to the room's nodes only
   */
  Set<String> nodesFor(String room, boolean event) {
    Set<String> ofRoom = byRoom.get(room);
    if (!event || byPattern.isEmpty()) {
      return ofRoom;
    }
    Set<String> all = ofRoom == null ? new HashSet<>() : new HashSet<>(ofRoom);
    byPattern.match(room, all::addAll);
    return all;
  }

  synchronized void apply(String node, long incarnation, String room, boolean on, long version) {
    Node known = current(node, incarnation);
    if (known == null) {
      return;
    }
    Known was = known.rooms.get(room);
    if (was != null && was.version() >= version) {
      return;
    }
    known.rooms.put(room, new Known(on, version));
    index(node, room, on);
    if (!on) {
      keepOff(node, known, room, version);
    }
  }

  /**
   * A node's whole interest as of its version {@code asOf}: the rooms listed are on, and any other room known
   * on at a version not newer than {@code asOf} has since been turned off.
   */
  synchronized void replace(String node, long incarnation, Map<String, Long> rooms, long asOf) {
    Node known = current(node, incarnation);
    if (known == null) {
      return;
    }
    for (Map.Entry<String, Known> entry : Map.copyOf(known.rooms).entrySet()) {
      if (!rooms.containsKey(entry.getKey()) && entry.getValue().on() && entry.getValue().version() <= asOf) {
        known.rooms.put(entry.getKey(), new Known(false, asOf));
        index(node, entry.getKey(), false);
        keepOff(node, known, entry.getKey(), asOf);
      }
    }
    rooms.forEach((room, version) -> {
      Known was = known.rooms.get(room);
      if (was == null || was.version() < version) {
        known.rooms.put(room, new Known(true, version));
        index(node, room, true);
      }
    });
  }

  /** A node left the cluster: none of its rooms get broadcasts from here any more. */
  synchronized void forget(String node) {
    Node known = nodes.remove(node);
    if (known != null) {
      known.rooms.forEach((room, state) -> index(node, room, false));
    }
  }

  /** Forgets each "off" kept for {@code keepOffMs} and not replaced since; called from a timer. */
  synchronized void sweep() {
    long now = clockMs.getAsLong();
    while (!offs.isEmpty() && offs.peekFirst().dueMs() <= now) {
      Off off = offs.pollFirst();
      Node known = nodes.get(off.node());
      if (known != null && known.incarnation == off.incarnation()) {
        known.rooms.remove(off.room(), new Known(false, off.version()));
      }
    }
  }

  private void keepOff(String node, Node known, String room, long version) {
    offs.addLast(new Off(node, known.incarnation, room, version, clockMs.getAsLong() + keepOffMs));
  }

  /** The node's state for this incarnation, reset for a newer one; {@code null} for a message of an older one. */
  private Node current(String node, long incarnation) {
    Node known = nodes.get(node);
    if (known != null && incarnation < known.incarnation) {
      return null;
    }
    if (known != null && incarnation > known.incarnation) {
      forget(node);
      known = null;
    }
    if (known == null) {
      known = new Node(incarnation);
      nodes.put(node, known);
    }
    return known;
  }

  private void index(String node, String room, boolean on) {
    if (Names.isPattern(room)) {
      byPattern.update(room, nodes -> {
        Set<String> next = nodes == null ? ConcurrentHashMap.newKeySet() : nodes;
        if (on) {
          next.add(node);
        } else {
          next.remove(node);
        }
        return next.isEmpty() ? null : next;
      });
      return;
    }
    if (on) {
      byRoom.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(node);
    } else {
      byRoom.computeIfPresent(room, (r, set) -> {
        set.remove(node);
        return set.isEmpty() ? null : set;
      });
    }
  }
}

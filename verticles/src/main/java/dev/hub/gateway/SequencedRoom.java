package dev.hub.gateway;

import dev.hub.history.KeptEvent;
import dev.hub.history.RoomHistory;
import dev.hub.room.Broadcast;
import dev.hub.session.Session;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One history room on one event loop: its events go to the loop's members in seq order, each seq once. An
 * event that arrives ahead of its turn waits; when the gap is not filled within {@link #GAP_WAIT_MS} (a
 * cross-node message lost or late: the clustered event bus is at most once), the missing events are read
 * from the history before anything after them is delivered.
 *
 * <p>A member that is joining gets nothing live until its join has read where the room stands: what arrives
 * meanwhile is held, and after the ack and any replay only events past that point are written, so the seam
 * between replay and live has no gap and no duplicate. Joins read on worker threads and their reads come back
 * in any order, so a member still joining may have read less than one already live: it is held, too, what
 * the live ones no longer need (what arrived before the first went live, and what arrives late).
 */
final class SequencedRoom {
  private static final Logger LOG = LoggerFactory.getLogger(SequencedRoom.class);
  /** How long an early event waits for the ones before it before they are read from the history. */
  static final long GAP_WAIT_MS = 50;

  /** Where a member stands: the last seq it was given, and what waits while it joins. */
  private static final class Cursor {
    long floor;
    List<Broadcast> held = new ArrayList<>();
  }

  private final String room;
  private final RoomHistory history;
  private final Vertx vertx;
  private final Map<String, Cursor> cursors = new HashMap<>();
  private final TreeMap<Long, Broadcast> early = new TreeMap<>();
  /** The last seq handed to the members; -1 until the first join has read where the room stands. */
  private long delivered = -1;
  private long gapTimer = -1;
  private boolean repairing;

  SequencedRoom(String room, RoomHistory history, Vertx vertx) {
    this.room = room;
    this.history = history;
    this.vertx = vertx;
  }

  /** A member starts joining: events are held for it until {@link #live}. */
  void joining(Session session) {
    cursors.putIfAbsent(session.id(), new Cursor());
  }

  void forget(Session session) {
    cursors.remove(session.id());
  }

  boolean isEmpty() {
    return cursors.isEmpty();
  }

  void stop() {
    vertx.cancelTimer(gapTimer);
  }

  /**
   * The member's join has read the room at {@code seq}: it gets {@code replay} (the events it missed, up to
   * {@code seq}), then what was held for it past {@code seq}, then live events.
   */
  void live(Session session, long seq, List<KeptEvent> replay, MemberWriter writer) {
    Cursor cursor = cursors.get(session.id());
    if (cursor == null) {
      return;
    }
    if (delivered < 0) {
      delivered = seq;
      Map<Long, Broadcast> before = early.headMap(seq, true);
      holdForJoining(before.values());
      before.clear();
    }
    cursor.floor = 0;
    for (KeptEvent event : replay) {
      Broadcast broadcast = broadcastOf(event);
      write(session, cursor, broadcast, writer.batchable(broadcast), writer);
    }
    cursor.floor = Math.max(cursor.floor, seq);
    List<Broadcast> held = cursor.held;
    cursor.held = null;
    held.sort(Comparator.comparingLong(Broadcast::seq));
    for (Broadcast broadcast : held) {
      write(session, cursor, broadcast, writer.batchable(broadcast), writer);
    }
    drain(writer);
  }

  /** An event of the room, from any node, in whatever order it came. */
  void arrive(Broadcast broadcast, MemberWriter writer) {
    long seq = broadcast.seq();
    if (delivered >= 0 && seq <= delivered) {
      // Late for the members already live, whose reads had it; not for a joiner whose read did not.
      holdForJoining(List.of(broadcast));
      return;
    }
    early.put(seq, broadcast);
    if (delivered >= 0) {
      drain(writer);
    }
  }

  /** Holds {@code broadcasts} for every member still joining; each keeps only what is past its own read. */
  private void holdForJoining(Collection<Broadcast> broadcasts) {
    for (Cursor cursor : cursors.values()) {
      if (cursor.held != null) {
        cursor.held.addAll(broadcasts);
      }
    }
  }

  private void drain(MemberWriter writer) {
    while (!early.isEmpty() && early.firstKey() == delivered + 1) {
      deliver(early.pollFirstEntry().getValue(), writer);
    }
    if (!early.isEmpty() && gapTimer == -1 && !repairing) {
      gapTimer = vertx.setTimer(GAP_WAIT_MS, id -> repair(writer));
    }
  }

  private void repair(MemberWriter writer) {
    gapTimer = -1;
    if (early.isEmpty() || early.firstKey() == delivered + 1) {
      drain(writer);
      return;
    }
    long from = delivered + 1;
    long to = early.firstKey() - 1;
    repairing = true;
    history.range(room, from, to).onComplete(read -> {
      repairing = false;
      if (read.succeeded()) {
        for (KeptEvent event : read.result()) {
          if (event.seq() == delivered + 1) {
            deliver(broadcastOf(event), writer);
          }
        }
      }
      if (delivered < to) {
        // The history no longer has them (overwritten or expired): the members skip what cannot be had.
        LOG.warn("room {}: events {} to {} were lost on the way and are no longer kept", room, delivered + 1, to);
        delivered = to;
      }
      drain(writer);
    });
  }

  private void deliver(Broadcast broadcast, MemberWriter writer) {
    delivered = broadcast.seq();
    boolean batchable = writer.batchable(broadcast);
    writer.eachMember(room, session -> {
      Cursor cursor = cursors.get(session.id());
      if (cursor == null) {
        return;
      }
      if (cursor.held != null) {
        cursor.held.add(broadcast);
      } else {
        write(session, cursor, broadcast, batchable, writer);
      }
    });
  }

  private Broadcast broadcastOf(KeptEvent event) {
    return new Broadcast(room, event.draft().event(), event.frame(), event.draft().excludeSession(), event.seq());
  }

  private static void write(Session session, Cursor cursor, Broadcast broadcast, boolean batchable,
      MemberWriter writer) {
    if (broadcast.seq() > cursor.floor) {
      cursor.floor = broadcast.seq();
      writer.write(session, broadcast, batchable);
    }
  }

  /** How events reach the loop's members of the room. */
  interface MemberWriter {
    void eachMember(String room, Consumer<Session> action);

    /** Whether the broadcast's event is held for batching; asked once per broadcast, not per member. */
    boolean batchable(Broadcast broadcast);

    void write(Session session, Broadcast broadcast, boolean batchable);
  }
}

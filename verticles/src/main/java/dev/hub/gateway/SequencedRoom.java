package dev.hub.gateway;

import dev.hub.history.KeptEvent;
import dev.hub.history.RoomHistory;
import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.ServerFrame;
import dev.hub.room.Broadcast;
import dev.hub.session.Session;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One history room on one event loop: its events go to the loop's members in seq order, each seq once, and this
 * is the one place that decides when a member's stream cannot go on as it was (PROTOCOL.md section 5, "Under
 * faults"). An event that arrives ahead of its turn waits; when the gap is not filled within
 * {@link #GAP_WAIT_MS} (a cross-node message lost or late: the clustered event bus is at most once), the missing
 * events are read from the history before anything after them is delivered. When they are gone, or the room's
 * history goes on under another epoch (begun again, or the line of the other side of a split), the members are
 * sent {@code reset} and go on with what follows: they never wait for ever, and never take an event of one line
 * for another's.
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
  /**
   * How long a gap that the history no longer holds is waited for before the members skip it: its events may
   * still be on their way from the nodes that kept them, behind a burst the history has already overwritten.
   */
  static final long GAP_GIVE_UP_MS = 3000;
  /** Reads of a gap that fail are tried this often (with a doubling wait) before the members skip it. */
  static final int REPAIR_ATTEMPTS = 4;
  /** Lines this room left, remembered so that their late events are dropped without asking again. */
  private static final int LEFT_LINES = 4;

  /** Where a member stands: its line and the last seq it was given, and what waits while it joins. */
  private static final class Cursor {
    long floor;
    String epoch;
    /** A gap the room skipped while this member was joining: it is told once it is live. */
    long skippedTo;
    List<Broadcast> held = new ArrayList<>();
  }

  private final String room;
  private final RoomHistory history;
  private final Vertx vertx;
  private final MemberWriter writer;
  private final Map<String, Cursor> cursors = new HashMap<>();
  private final TreeMap<Long, Broadcast> early = new TreeMap<>();
  /** Arrivals that wait for the room's line to be known: before the first member is live, or while it is read. */
  private List<Broadcast> pending = new ArrayList<>();
  private final ArrayDeque<String> leftLines = new ArrayDeque<>();
  /** Whether the first join has read where the room stands: until then, arrivals wait. */
  private boolean started;
  /** The line the members here follow; {@code null} while the room has none (below the quorum, nothing kept). */
  private String epoch;
  /** The last seq handed to the members. */
  private long delivered = -1;
  /** A seq the history is known to have reached with no event here to show it (after a merge). */
  private long catchUpTo;
  private long gapTimer = -1;
  private boolean repairing;
  private int repairFailures;
  /** When the history was first found not to hold the gap being waited for; 0 while none is. */
  private long unkeptSince;
  private boolean resyncing;
  private boolean stopped;

  SequencedRoom(String room, RoomHistory history, Vertx vertx, MemberWriter writer) {
    this.room = room;
    this.history = history;
    this.vertx = vertx;
    this.writer = writer;
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
    stopped = true;
    vertx.cancelTimer(gapTimer);
  }

  /**
   * The member's join has read the room at {@code read}: it gets {@code replay} (the events it missed, up to
   * that seq), then what was held for it past that seq, then live events.
   */
  void live(Session session, RoomHistory.Position read, List<KeptEvent> replay) {
    Cursor cursor = cursors.get(session.id());
    if (cursor == null) {
      return;
    }
    if (!started) {
      started = true;
      epoch = read.epoch();
      delivered = read.seq();
      List<Broadcast> arrived = pending;
      pending = new ArrayList<>();
      arrived.forEach(this::arrive);
    }
    cursor.epoch = read.epoch();
    cursor.floor = 0;
    for (KeptEvent event : replay) {
      Broadcast broadcast = Broadcast.kept(room, read.epoch(), event);
      write(session, cursor, broadcast, writer.batchable(broadcast));
    }
    cursor.floor = Math.max(cursor.floor, read.seq());
    List<Broadcast> held = cursor.held;
    cursor.held = null;
    if (!Objects.equals(read.epoch(), epoch)) {
      // The join read another line than the one followed here: which goes on is the history's to say.
      resync();
      return;
    }
    if (cursor.skippedTo > cursor.floor) {
      reset(session, cursor, epoch, cursor.skippedTo);
    }
    held.sort(Comparator.comparingLong(Broadcast::seq));
    for (Broadcast broadcast : held) {
      if (Objects.equals(epoch, broadcast.epoch())) {
        write(session, cursor, broadcast, writer.batchable(broadcast));
      }
    }
    drain();
  }

  /** An event of the room, from any node, in whatever order it came. */
  void arrive(Broadcast broadcast) {
    if (!started || resyncing) {
      pending.add(broadcast);
      return;
    }
    if (!Objects.equals(epoch, broadcast.epoch())) {
      if (!leftLines.contains(broadcast.epoch())) {
        pending.add(broadcast);
        resync();
      }
      return;
    }
    long seq = broadcast.seq();
    if (seq <= delivered) {
      // Late for the members already live, whose reads had it; not for a joiner whose read did not.
      holdForJoining(List.of(broadcast));
      return;
    }
    early.put(seq, broadcast);
    drain();
  }

  /**
   * Reads where the room's history stands and follows it: when it goes on under another epoch, every member
   * is reset to it; when it is ahead of what was delivered here, the rest is read. Asked when an event of
   * another line arrives, when a join read another line, and when this node's side of a split merged.
   */
  void resync() {
    if (resyncing || stopped) {
      return;
    }
    resyncing = true;
    history.position(room).onComplete(read -> {
      resyncing = false;
      if (stopped) {
        return;
      }
      if (read.failed()) {
        LOG.warn("room {}: where its history stands could not be read ({}); asking again", room, read.cause().toString());
        resyncing = true;
        vertx.setTimer(1000, t -> {
          resyncing = false;
          resync();
        });
        return;
      }
      follow(read.result());
    });
  }

  private void follow(RoomHistory.Position now) {
    if (!started || now.epoch() == null) {
      replayPending();
      return;
    }
    if (!now.epoch().equals(epoch)) {
      long start = now.seq();
      for (Broadcast waiting : pending) {
        if (now.epoch().equals(waiting.epoch())) {
          // What of the new line is on its way here is delivered, not skipped.
          start = Math.min(start, waiting.seq() - 1);
        }
      }
      LOG.info("room {}: its history goes on under epoch {} from seq {}; members reset", room, now.epoch(), start);
      leave(epoch);
      epoch = now.epoch();
      delivered = start;
      catchUpTo = 0;
      early.clear();
      vertx.cancelTimer(gapTimer);
      gapTimer = -1;
    } else if (now.seq() > delivered) {
      catchUpTo = Math.max(catchUpTo, now.seq());
    }
    resetBehind(delivered);
    replayPending();
    drain();
  }

  private void replayPending() {
    List<Broadcast> again = pending;
    pending = new ArrayList<>();
    for (Broadcast broadcast : again) {
      if (started && !Objects.equals(epoch, broadcast.epoch())) {
        leave(broadcast.epoch());
      } else {
        arrive(broadcast);
      }
    }
  }

  private void leave(String line) {
    if (line != null && !leftLines.contains(line)) {
      leftLines.addLast(line);
      if (leftLines.size() > LEFT_LINES) {
        leftLines.removeFirst();
      }
    }
  }

  /** Every live member on another line than the room's, or behind {@code seq} on it, is reset to it. */
  private void resetBehind(long seq) {
    writer.eachMember(room, session -> {
      Cursor cursor = cursors.get(session.id());
      if (cursor != null && cursor.held == null && (!Objects.equals(epoch, cursor.epoch) || cursor.floor < seq)) {
        reset(session, cursor, epoch, seq);
      }
    });
  }

  private void reset(Session session, Cursor cursor, String line, long seq) {
    cursor.epoch = line;
    cursor.floor = seq;
    writer.write(session, new Broadcast(room, null, EncodedFrame.of(new ServerFrame.Reset(room, line, seq)), null),
        false);
  }

  /** Holds {@code broadcasts} for every member still joining; each keeps only what is past its own read. */
  private void holdForJoining(Collection<Broadcast> broadcasts) {
    for (Cursor cursor : cursors.values()) {
      if (cursor.held != null) {
        cursor.held.addAll(broadcasts);
      }
    }
  }

  private void drain() {
    while (!early.isEmpty() && early.firstKey() == delivered + 1) {
      deliver(early.pollFirstEntry().getValue());
    }
    boolean behind = !early.isEmpty() || catchUpTo > delivered;
    if (behind && gapTimer == -1 && !repairing && !stopped) {
      gapTimer = vertx.setTimer(GAP_WAIT_MS, id -> repair());
    }
  }

  private void repair() {
    gapTimer = -1;
    long to = early.isEmpty() ? catchUpTo : early.firstKey() - 1;
    if (to <= delivered) {
      drain();
      return;
    }
    long from = delivered + 1;
    String line = epoch;
    repairing = true;
    history.range(room, from, to).onComplete(read -> {
      repairing = false;
      if (stopped || !Objects.equals(line, epoch)) {
        return;
      }
      if (read.failed()) {
        if (++repairFailures < REPAIR_ATTEMPTS) {
          LOG.warn("room {}: events {} to {} could not be read ({}); trying again", room, from, to,
              read.cause().toString());
          gapTimer = vertx.setTimer(GAP_WAIT_MS << repairFailures, id -> repair());
          return;
        }
        skip(to);
      } else {
        repairFailures = 0;
        RoomHistory.Replay found = read.result();
        if (!Objects.equals(epoch, found.position().epoch())) {
          resync();
          return;
        }
        List<KeptEvent> events = found.events();
        // Arrivals may have filled some of the gap while it was read; what is still missing below the first
        // event found is kept nowhere.
        long firstFound = events.isEmpty() ? to + 1 : events.get(0).seq();
        if (delivered < to && delivered + 1 < firstFound) {
          long now = System.currentTimeMillis();
          if (unkeptSince == 0) {
            unkeptSince = now;
          }
          if (now - unkeptSince < GAP_GIVE_UP_MS) {
            drain();
            return;
          }
          skip(Math.min(to, firstFound - 1));
        }
        for (KeptEvent event : events) {
          if (event.seq() == delivered + 1) {
            deliver(Broadcast.kept(room, epoch, event));
          }
        }
        // Still behind: the read stopped at a page's bound, and the next repair reads on.
      }
      drain();
    });
  }

  /** The events up to {@code to} cannot be had: the members are told and go on with what follows. */
  private void skip(long to) {
    LOG.warn("room {}: events {} to {} were lost on the way and are no longer kept; members reset", room,
        delivered + 1, to);
    repairFailures = 0;
    unkeptSince = 0;
    delivered = to;
    for (Cursor cursor : cursors.values()) {
      if (cursor.held != null) {
        cursor.skippedTo = Math.max(cursor.skippedTo, to);
      }
    }
    resetBehind(to);
  }

  private void deliver(Broadcast broadcast) {
    delivered = broadcast.seq();
    unkeptSince = 0;
    boolean batchable = writer.batchable(broadcast);
    writer.eachMember(room, session -> {
      Cursor cursor = cursors.get(session.id());
      if (cursor == null) {
        return;
      }
      if (cursor.held != null) {
        cursor.held.add(broadcast);
      } else {
        write(session, cursor, broadcast, batchable);
      }
    });
  }

  private void write(Session session, Cursor cursor, Broadcast broadcast, boolean batchable) {
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

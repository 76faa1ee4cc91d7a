package dev.hub.history;

import dev.hub.history.RoomHistory.Position;
import dev.hub.history.RoomHistory.Replay;
import dev.hub.protocol.ClientFrame.Since;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

/**
 * One room's line of history: an epoch and the events kept under it, seq ascending without gaps. Whatever owns a
 * log serialises every call on it (the single node's lock, the Hazelcast partition thread of the room's entry),
 * so the seqs it gives out are one line: no two events ever share one {@code (epoch, seq)}.
 *
 * <p>A log also remembers the cluster members that saw its last write, so that after members are lost only one
 * side of a network split may go on with its epoch ({@link #continuesUnder}); the other begins a new log.
 */
public final class RoomLog implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Most events a read answers with at once, and most bytes of frames: a big history is read in pages. */
  public static final int PAGE_EVENTS = 1000;
  static final int PAGE_BYTES = 1 << 20;

  private final String epoch;
  private final ArrayDeque<KeptEvent> events = new ArrayDeque<>();
  private long latest;
  private long lastWriteMs;
  private List<String> view = List.of();

  /** A new line of history, at seq 0, under a fresh epoch. */
  public RoomLog(long now) {
    this(UUID.randomUUID().toString(), now);
  }

  /** A new line under an epoch another copy already chose (a backup replays its primary's choice). */
  public RoomLog(String epoch, long now) {
    this.epoch = epoch;
    this.lastWriteMs = now;
  }

  public String epoch() {
    return epoch;
  }

  public Position position() {
    return new Position(latest, epoch);
  }

  /**
   * Whether this log may go on in a cluster of {@code members} (ids, oldest first), given the members that saw
   * its last write: only while more than half of those are still here, or exactly half with the oldest of them.
   * Two sides of a split never both pass, so they never both write one epoch.
   */
  public boolean continuesUnder(List<String> members) {
    if (view.isEmpty()) {
      return true;
    }
    long present = view.stream().filter(members::contains).count();
    return present * 2 > view.size() || (present * 2 == view.size() && members.contains(view.get(0)));
  }

  /** The members that saw this log's last write, oldest first; the log goes on where most of them are. */
  public void witnessedBy(List<String> members) {
    this.view = List.copyOf(members);
  }

  public List<String> witnessedBy() {
    return view;
  }

  /**
   * Keeps {@code drafts} in order, each as the next seq, dropping what is past {@code size} or older than
   * {@code ttlMs}. A draft whose publisher already kept the same id here is not kept again: its seq is
   * answered as negative, so that a retry of an event that was kept, whatever answer its publisher got, is
   * delivered once.
   *
   * @return per draft, its seq, or minus the seq it already had
   */
  public long[] append(List<KeptEvent.Draft> drafts, int size, long ttlMs, long now) {
    long[] seqs = new long[drafts.size()];
    for (int i = 0; i < drafts.size(); i++) {
      KeptEvent.Draft draft = drafts.get(i);
      KeptEvent earlier = draft.publisher() == null ? null : find(draft.publisher(), draft.id());
      if (earlier != null) {
        seqs[i] = -earlier.seq();
        continue;
      }
      KeptEvent kept = new KeptEvent(++latest, draft);
      events.addLast(kept);
      seqs[i] = kept.seq();
    }
    while (events.size() > size) {
      events.removeFirst();
    }
    lastWriteMs = now;
    expire(ttlMs, now);
    return seqs;
  }

  private KeptEvent find(String publisher, String id) {
    for (Iterator<KeptEvent> it = events.descendingIterator(); it.hasNext(); ) {
      KeptEvent event = it.next();
      if (id.equals(event.draft().id()) && publisher.equals(event.draft().publisher())) {
        return event;
      }
    }
    return null;
  }

  /** Drops the events older than {@code ttlMs}; true when there were any. */
  public boolean expire(long ttlMs, long now) {
    long oldest = now - ttlMs;
    boolean dropped = false;
    while (!events.isEmpty() && events.peekFirst().draft().ts() < oldest) {
      events.removeFirst();
      dropped = true;
    }
    return dropped;
  }

  /** Whether nothing in it is younger than {@code ttlMs}: the room's history is unused and goes whole. */
  public boolean unusedFor(long ttlMs, long now) {
    return lastWriteMs < now - ttlMs;
  }

  /**
   * Drops event {@code seq} and every later one, and gives their seqs out again: for events that were never
   * acknowledged and may not stand in this line. True when anything was dropped.
   */
  public boolean dropFrom(long seq) {
    boolean dropped = false;
    while (!events.isEmpty() && events.peekLast().seq() >= seq) {
      events.removeLast();
      dropped = true;
    }
    if (seq <= latest) {
      latest = seq - 1;
      dropped = true;
    }
    return dropped;
  }

  /** Whether the event {@code seq} is kept here and is {@code id}'s. */
  public boolean holds(long seq, String id) {
    for (KeptEvent event : events) {
      if (event.seq() == seq) {
        return event.draft().id().equals(id);
      }
    }
    return false;
  }

  /**
   * The events after {@code since}, or {@code recovered:false} when they are not all kept; at most a page: a
   * caller that needs more reads on with {@link #range} from the last one it got up to the position's seq.
   */
  public Replay since(Since since, int limit) {
    Position position = position();
    Long after = RecoveryRule.seqOf(since, position, List.copyOf(events));
    if (after == null) {
      return new Replay(position, false, List.of());
    }
    return new Replay(position, true, page(after + 1, latest, limit));
  }

  /** The latest {@code limit} events (at most a page), oldest first. */
  public Replay latest(int limit) {
    return new Replay(position(), true, before(latest + 1, limit).events());
  }

  /** The kept events with seq from {@code from} to {@code to}, at most a page, oldest first. */
  public Replay range(long from, long to, int limit) {
    return new Replay(position(), true, page(from, to, limit));
  }

  /**
   * The {@code limit} events just before seq {@code before} (at most a page), oldest first, with the
   * {@code before} of the next older page while older events are kept.
   */
  public RoomHistory.Page before(long before, int limit) {
    int max = Math.min(limit, PAGE_EVENTS);
    ArrayDeque<KeptEvent> found = new ArrayDeque<>();
    long bytes = 0;
    for (Iterator<KeptEvent> it = events.descendingIterator(); it.hasNext(); ) {
      KeptEvent event = it.next();
      if (event.seq() >= before) {
        continue;
      }
      if (found.size() >= max || (!found.isEmpty() && bytes >= PAGE_BYTES)) {
        break;
      }
      found.addFirst(event);
      bytes += event.draft().frame().length();
    }
    Long next = !found.isEmpty() && found.peekFirst().seq() > oldestKept() ? found.peekFirst().seq() : null;
    return new RoomHistory.Page(position(), List.copyOf(found), next);
  }

  /** The seq of the oldest event kept, or the next seq when none is. */
  public long oldestKept() {
    return events.isEmpty() ? latest + 1 : events.peekFirst().seq();
  }

  private List<KeptEvent> page(long from, long to, int limit) {
    int max = Math.min(limit, PAGE_EVENTS);
    List<KeptEvent> found = new ArrayList<>();
    long bytes = 0;
    for (KeptEvent event : events) {
      if (event.seq() < from) {
        continue;
      }
      if (event.seq() > to || found.size() >= max || (!found.isEmpty() && bytes >= PAGE_BYTES)) {
        break;
      }
      found.add(event);
      bytes += event.draft().frame().length();
    }
    return Collections.unmodifiableList(found);
  }
}

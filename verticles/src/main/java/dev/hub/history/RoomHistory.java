package dev.hub.history;

import dev.hub.protocol.ClientFrame.Since;
import io.vertx.core.Future;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The kept events of the rooms that match {@code history.rooms} (PROTOCOL.md section 5): each event gets
 * {@code seq}, a per-room number from 1 without gaps, under the room's epoch; the last {@code history.size},
 * none older than {@code history.ttlMs}, are kept, and a room unused that long is dropped whole. Each room's
 * history is one {@link RoomLog}, whose owner serialises what is done to it: {@link LocalHistory} on a single
 * node, {@link dev.hub.cluster.HazelcastHistory} (an entry of a Hazelcast map, with a backup) on a cluster.
 * Futures complete on the caller's context.
 */
public interface RoomHistory {

  /**
   * Where a room's history stands.
   *
   * @param seq the latest seq, 0 before the first event
   * @param epoch the line of history; changes only when the history is lost and begun again (or a side of a
   *     network split may not go on with it); seqs compare only within one epoch
   */
  record Position(long seq, String epoch) implements Serializable {
  }

  /**
   * What a client missed.
   *
   * @param position where the history stood when read; the replayed events end at its seq
   * @param recovered false when the events after the point are not all kept (nothing is replayed then)
   * @param events oldest first
   */
  record Replay(Position position, boolean recovered, List<KeptEvent> events) implements Serializable {
  }

  /**
   * A page of older events.
   *
   * @param events oldest first
   * @param next the {@code before} of the next (older) page, or {@code null} when no older event is kept
   */
  record Page(Position position, List<KeptEvent> events, Long next) implements Serializable {
  }

  /**
   * An event the history keeps.
   *
   * @param duplicate true when its publisher's id was kept before: {@code seq} is that event's, and nothing new
   *     is to be delivered
   */
  record Appended(String epoch, long seq, boolean duplicate) {
  }

  /** Whether the room keeps history. */
  boolean covers(String room);

  /**
   * Keeps an event; completes with its epoch and seq once it is kept where it survives the loss of any one
   * node. Fails with {@code unavailable} when this side of the cluster may not write history (below
   * {@code cluster.quorum}, or cut off while writing). A room's events appended on one node get their seqs in
   * the order of these calls, so a caller need not wait for one append before making the next.
   */
  Future<Appended> append(String room, KeptEvent.Draft event);

  Future<Position> position(String room);

  /** The events after {@code since}, at most a page ({@link RoomLog#PAGE_EVENTS}), or {@code recovered:false}. */
  Future<Replay> sincePage(String room, Since since, int limit);

  /** The kept events with seq from {@code from} to {@code to}, at most a page, oldest first: what fills a gap. */
  Future<Replay> range(String room, long from, long to);

  /**
   * The {@code limit} events before seq {@code before} (at most a page), oldest first; {@link Long#MAX_VALUE}
   * for the latest.
   */
  Future<Page> before(String room, long before, int limit);

  /** How many rooms' histories this node holds now (on a cluster, the primary copies): what is kept shows. */
  int roomsHeld();

  /**
   * Asks to be told, on the caller's context, whenever rooms' lines of history may have changed under this node
   * without an event saying so (this node's side of a split merged into another): each room's readers check
   * where it stands.
   */
  void whenLinesMayHaveChanged(Runnable check);

  /** The events after {@code since}, at most {@code limit}, however many pages that takes. */
  default Future<Replay> since(String room, Since since, int limit) {
    return sincePage(room, since, limit).compose(first -> {
      long end = first.position().seq();
      if (!first.recovered() || first.events().size() >= limit || first.events().isEmpty()
          || last(first.events()) == end) {
        return Future.succeededFuture(first);
      }
      return readOn(room, first, new ArrayList<>(first.events()), limit);
    });
  }

  private Future<Replay> readOn(String room, Replay first, List<KeptEvent> read, int limit) {
    long from = last(read) + 1;
    long end = first.position().seq();
    return range(room, from, end).compose(page -> {
      if (!page.position().epoch().equals(first.position().epoch()) || page.events().isEmpty()
          || page.events().get(0).seq() != from) {
        // Gone while it was read (overwritten, expired, or begun again): not all of it can be had.
        return Future.succeededFuture(new Replay(first.position(), false, List.of()));
      }
      read.addAll(page.events().subList(0, Math.min(page.events().size(), limit - read.size())));
      if (read.size() >= limit || last(read) >= end) {
        return Future.succeededFuture(new Replay(first.position(), true, List.copyOf(read)));
      }
      return readOn(room, first, read, limit);
    });
  }

  private static long last(List<KeptEvent> events) {
    return events.get(events.size() - 1).seq();
  }
}

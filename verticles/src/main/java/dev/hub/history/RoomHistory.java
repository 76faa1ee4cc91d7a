package dev.hub.history;

import dev.hub.protocol.ClientFrame.Since;
import io.vertx.core.Future;
import java.util.List;

/**
 * The kept events of the rooms that match {@code history.rooms} (PROTOCOL.md section 5): each event gets
 * {@code seq}, a per-room number from 1 without gaps, in the order the history took them; the last
 * {@code history.size}, none older than {@code history.ttlMs}, are kept. Implementations: {@link LocalHistory}
 * for a single node, {@link dev.hub.cluster.HazelcastHistory} (a Ringbuffer per room, with a backup) for a
 * cluster. Futures complete on the caller's context.
 */
public interface RoomHistory {

  /**
   * Where a room's history stands.
   *
   * @param seq the latest seq, 0 before the first event
   * @param epoch changes only when the history is lost and begun again; seqs compare only within one epoch
   */
  record Position(long seq, String epoch) {
  }

  /**
   * What a client missed.
   *
   * @param position where the history stood when read; the replayed events end at its seq
   * @param recovered false when the events after the point are not all kept (nothing is replayed then)
   * @param events oldest first
   */
  record Replay(Position position, boolean recovered, List<KeptEvent> events) {
  }

  /** Whether the room keeps history. */
  boolean covers(String room);

  /**
   * Keeps an event; completes with its seq once it is kept. A room's events appended on one node get their seqs
   * in the order of these calls, so a caller need not wait for one append before making the next.
   */
  Future<Long> append(String room, KeptEvent.Draft event);

  Future<Position> position(String room);

  /** The events after {@code since}, at most {@code limit}, or {@code recovered:false}. */
  Future<Replay> since(String room, Since since, int limit);

  /** The latest {@code limit} events. */
  Future<Replay> latest(String room, int limit);

  /** The kept events with seq from {@code from} to {@code to}, both included: what fills a gap. */
  Future<List<KeptEvent>> range(String room, long from, long to);
}

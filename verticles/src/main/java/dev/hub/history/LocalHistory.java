package dev.hub.history;

import dev.hub.protocol.ClientFrame.Since;
import dev.hub.config.HistoryConfig;
import dev.hub.protocol.NameGlobs;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Room history of a single node, in memory. Every gateway event loop reads and writes it, so each operation
 * holds the store's lock for a few deque operations.
 */
public final class LocalHistory implements RoomHistory {
  private static final class Ring {
    final String epoch = UUID.randomUUID().toString();
    final ArrayDeque<KeptEvent> events = new ArrayDeque<>();
    long latest;
  }

  private final NameGlobs rooms;
  private final int size;
  private final long ttlMs;
  private final Map<String, Ring> rings = new HashMap<>();

  public LocalHistory(HistoryConfig config) {
    this.rooms = new NameGlobs(config.rooms());
    this.size = config.size();
    this.ttlMs = config.ttlMs();
  }

  @Override
  public boolean covers(String room) {
    return rooms.matches(room);
  }

  @Override
  public synchronized Future<Long> append(String room, KeptEvent.Draft event) {
    Ring ring = rings.computeIfAbsent(room, r -> new Ring());
    KeptEvent kept = new KeptEvent(++ring.latest, event);
    ring.events.addLast(kept);
    while (ring.events.size() > size) {
      ring.events.removeFirst();
    }
    return Future.succeededFuture(kept.seq());
  }

  @Override
  public synchronized Future<Position> position(String room) {
    Ring ring = current(room);
    return Future.succeededFuture(new Position(ring.latest, ring.epoch));
  }

  @Override
  public synchronized Future<Replay> since(String room, Since since, int limit) {
    Ring ring = current(room);
    Position position = new Position(ring.latest, ring.epoch);
    Long after = RecoveryRule.seqOf(since, position, List.copyOf(ring.events));
    if (after == null) {
      return Future.succeededFuture(new Replay(position, false, List.of()));
    }
    List<KeptEvent> missed = new ArrayList<>();
    for (KeptEvent event : ring.events) {
      if (event.seq() > after && missed.size() < limit) {
        missed.add(event);
      }
    }
    return Future.succeededFuture(new Replay(position, true, missed));
  }

  @Override
  public synchronized Future<Replay> latest(String room, int limit) {
    Ring ring = current(room);
    List<KeptEvent> all = List.copyOf(ring.events);
    return Future.succeededFuture(new Replay(new Position(ring.latest, ring.epoch), true,
        all.subList(Math.max(0, all.size() - limit), all.size())));
  }

  @Override
  public synchronized Future<List<KeptEvent>> range(String room, long from, long to) {
    List<KeptEvent> found = new ArrayList<>();
    for (KeptEvent event : current(room).events) {
      if (event.seq() >= from && event.seq() <= to) {
        found.add(event);
      }
    }
    return Future.succeededFuture(found);
  }

  /** The room's ring with expired events dropped; a ring that expired whole keeps counting on. */
  private Ring current(String room) {
    Ring ring = rings.computeIfAbsent(room, r -> new Ring());
    long oldest = System.currentTimeMillis() - ttlMs;
    while (!ring.events.isEmpty() && ring.events.peekFirst().draft().ts() < oldest) {
      ring.events.removeFirst();
    }
    return ring;
  }
}

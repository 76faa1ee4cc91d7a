package dev.hub.history;

import dev.hub.config.HistoryConfig;
import dev.hub.protocol.ClientFrame.Since;
import dev.hub.protocol.NameGlobs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Room history of a single node, in memory: one {@link RoomLog} per room. Every gateway event loop reads and
 * writes it, so each operation holds the store's lock for a few deque operations. A periodic sweep drops
 * expired events and unused rooms whole, whether or not anyone reads them, so a client walking through room
 * names leaves nothing behind. A single node's line of history never splits: its epoch changes only when the
 * room was unused for {@code history.ttlMs}.
 */
public final class LocalHistory implements RoomHistory {
  /** The sweep runs at most this often, and at least every quarter of the age limit. */
  private static final long MAX_SWEEP_MS = 60_000;

  private final NameGlobs rooms;
  private final int size;
  private final long ttlMs;
  private final Map<String, RoomLog> logs = new HashMap<>();
  private final Vertx vertx;
  private final long sweeper;

  public LocalHistory(Vertx vertx, HistoryConfig config) {
    this.vertx = vertx;
    this.rooms = new NameGlobs(config.rooms());
    this.size = config.size();
    this.ttlMs = config.ttlMs();
    this.sweeper = config.rooms().isEmpty() ? -1
        : vertx.setPeriodic(Math.max(250, Math.min(MAX_SWEEP_MS, ttlMs / 4)), id -> sweep());
  }

  /** Stops the sweep; the history itself goes with the node. */
  public void close() {
    vertx.cancelTimer(sweeper);
  }

  @Override
  public synchronized int roomsHeld() {
    return logs.size();
  }

  synchronized void sweep() {
    long now = System.currentTimeMillis();
    logs.values().removeIf(log -> log.unusedFor(ttlMs, now));
    logs.values().forEach(log -> log.expire(ttlMs, now));
  }

  @Override
  public boolean covers(String room) {
    return rooms.matches(room);
  }

  @Override
  public synchronized Future<Appended> append(String room, KeptEvent.Draft event) {
    long seq = log(room).append(List.of(event), size, ttlMs, System.currentTimeMillis())[0];
    return Future.succeededFuture(new Appended(log(room).epoch(), Math.abs(seq), seq < 0));
  }

  @Override
  public Future<Position> position(String room) {
    return read(room, RoomLog::position);
  }

  @Override
  public Future<Replay> sincePage(String room, Since since, int limit) {
    return read(room, log -> log.since(since, limit));
  }

  @Override
  public Future<Replay> range(String room, long from, long to) {
    return read(room, log -> log.range(from, to, RoomLog.PAGE_EVENTS));
  }

  @Override
  public Future<Page> before(String room, long before, int limit) {
    return read(room, log -> log.before(before, limit));
  }

  @Override
  public void whenLinesMayHaveChanged(Runnable check) {
    // One node's history has one line per room; nothing changes it but the events themselves.
  }

  private synchronized <T> Future<T> read(String room, Function<RoomLog, T> read) {
    return Future.succeededFuture(read.apply(log(room)));
  }

  /** The room's log with expired events dropped; one unused for the age limit begins again. */
  private RoomLog log(String room) {
    long now = System.currentTimeMillis();
    RoomLog log = logs.get(room);
    if (log == null || log.unusedFor(ttlMs, now)) {
      log = new RoomLog(now);
      logs.put(room, log);
    }
    log.expire(ttlMs, now);
    return log;
  }
}

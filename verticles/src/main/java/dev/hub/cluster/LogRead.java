package dev.hub.cluster;

import dev.hub.history.RoomHistory;
import dev.hub.history.RoomLog;
import dev.hub.protocol.ClientFrame.Since;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Reads a room's log on the member that owns it, after deciding its line ({@link LogLine}): a reader is never
 * told of an epoch that this side of a split may not go on with. Only the few bytes a question needs travel.
 */
final class LogRead<R> extends LogLine<R> {
  private static final long serialVersionUID = 1L;

  /** A question to a room's log, answered where the log is. */
  interface Question<R> extends Serializable {
    R answer(RoomLog log);
  }

  record Where() implements Question<RoomHistory.Position> {
    @Override
    public RoomHistory.Position answer(RoomLog log) {
      return log.position();
    }
  }

  record After(Since since, int limit) implements Question<RoomHistory.Replay> {
    @Override
    public RoomHistory.Replay answer(RoomLog log) {
      return log.since(since, limit);
    }
  }

  record Latest(int limit) implements Question<RoomHistory.Replay> {
    @Override
    public RoomHistory.Replay answer(RoomLog log) {
      return log.latest(limit);
    }
  }

  record Between(long from, long to) implements Question<RoomHistory.Replay> {
    @Override
    public RoomHistory.Replay answer(RoomLog log) {
      return log.range(from, to, RoomLog.PAGE_EVENTS);
    }
  }

  record Before(long before, int limit) implements Question<RoomHistory.Page> {
    @Override
    public RoomHistory.Page answer(RoomLog log) {
      return log.before(before, limit);
    }
  }

  /**
   * Whether event {@code seq} of {@code epoch} is {@code id}'s, asked once the owner no longer counts the members
   * in {@code gone} (answered {@code null} while it does): an append whose backup may have been lost is
   * acknowledged only if the line that holds it goes on.
   */
  record Holds(String epoch, long seq, String id, List<String> gone) implements Question<Boolean> {
    @Override
    public Boolean answer(RoomLog log) {
      return log.epoch().equals(epoch) && log.holds(seq, id);
    }
  }

  private final Question<R> question;
  /** A {@link Holds} verdict, decided on the primary and carried to the backup. */
  private boolean stands;

  LogRead(Question<R> question, long ttlMs, int quorum) {
    super(ttlMs, quorum);
    this.question = question;
  }

  @Override
  @SuppressWarnings("unchecked")
  public R process(Map.Entry<String, RoomLog> entry) {
    if (question instanceof Holds holds) {
      return (R) verify(entry, holds);
    }
    RoomLog log = line(entry);
    keep(entry, log);
    if (log == null) {
      // Below the quorum with no copy here: nothing kept, no line to name.
      log = new RoomLog(null, now);
    }
    return question.answer(log);
  }

  /**
   * Whether an append that may have missed its backup stands: only in a line that goes on where the owner may
   * write. One that does not is dropped from this copy with whatever follows it (all of it unacknowledged), so
   * that no read here replays what the side that goes on may give another event's seq.
   */
  private Boolean verify(Map.Entry<String, RoomLog> entry, Holds holds) {
    if (!replaying() && holds.gone().stream().anyMatch(currentMembers()::contains)) {
      return null;
    }
    RoomLog log = line(entry);
    if (!replaying()) {
      stands = log != null && !belowQuorum() && log.epoch().equals(holds.epoch()) && log.holds(holds.seq(), holds.id());
    }
    if (!stands && log != null && holds.epoch().equals(log.epoch()) && log.dropFrom(holds.seq())) {
      store(entry, log);
    }
    keep(entry, log);
    return stands;
  }
}

package dev.hub.cluster;

import dev.hub.history.KeptEvent;
import dev.hub.history.RoomLog;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Appends a batch of a room's events on the member that owns the room's log, after deciding its line
 * ({@link LogLine}): so an event's {@code (epoch, seq)} is given out once, by one member, in one step.
 */
final class LogAppend extends LogLine<LogAppend.Outcome> {
  private static final long serialVersionUID = 1L;

  /**
   * What the owner did.
   *
   * @param seqs per event, its seq, or minus the seq its publisher's id already had
   * @param witnesses the members the owner saw: a caller that has lost one of them since cannot know that the
   *     backup took the events
   * @param refused the owner's side is below the quorum: nothing was kept
   */
  record Outcome(String epoch, long[] seqs, List<String> witnesses, boolean refused) implements Serializable {
  }

  private final List<KeptEvent.Draft> drafts;
  private final int size;

  LogAppend(List<KeptEvent.Draft> drafts, int size, long ttlMs, int quorum) {
    super(ttlMs, quorum);
    this.drafts = drafts;
    this.size = size;
  }

  @Override
  public Outcome process(Map.Entry<String, RoomLog> entry) {
    RoomLog log = line(entry);
    if (belowQuorum()) {
      keep(entry, log);
      return new Outcome(null, null, members(), true);
    }
    if (log == null) {
      // A backup whose copy has not arrived yet: the replica sync brings the primary's whole log.
      return null;
    }
    long[] seqs = log.append(drafts, size, ttlMs, now);
    store(entry, log);
    return new Outcome(log.epoch(), seqs, members(), false);
  }
}

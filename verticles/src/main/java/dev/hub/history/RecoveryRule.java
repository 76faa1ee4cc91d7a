package dev.hub.history;

import dev.hub.protocol.ClientFrame.Since;
import java.util.List;

/** The one rule of recovery, for every history: whether the events after a client's point are all kept. */
public final class RecoveryRule {

  private RecoveryRule() {
  }

  /**
   * The seq after which to replay, or {@code null} when the events after {@code since} are not all kept: the id
   * is unknown (or expired), the epoch is another, or the seq is outside what was ever given out.
   *
   * @param kept the events kept now, oldest first
   */
  public static Long seqOf(Since since, RoomHistory.Position position, List<KeptEvent> kept) {
    long after;
    if (since.eventId() != null) {
      Long found = null;
      for (KeptEvent event : kept) {
        if (event.draft().id().equals(since.eventId())) {
          found = event.seq();
        }
      }
      if (found == null) {
        return null;
      }
      after = found;
    } else {
      if (!position.epoch().equals(since.epoch()) || since.seq() < 0 || since.seq() > position.seq()) {
        return null;
      }
      after = since.seq();
    }
    if (after == position.seq()) {
      return after;
    }
    long oldestKept = kept.isEmpty() ? position.seq() + 1 : kept.get(0).seq();
    return after + 1 >= oldestKept ? after : null;
  }
}

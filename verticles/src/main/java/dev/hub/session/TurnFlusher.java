package dev.hub.session;

import io.vertx.core.Context;
import java.util.ArrayList;

/**
 * The end of an event-loop turn for the outboxes of one event loop. An outbox that has events waiting registers
 * once; the first registration of a turn queues one task on the loop, behind everything the loop already has to
 * do (the rest of the reads in hand, broadcasts queued by other loops), and that task sends every registered
 * outbox's events. So events that are ready together leave together, one frame per session, and none waits for
 * anything that is not already there: an idle loop runs the task at once.
 */
public final class TurnFlusher {
  private final Context context;
  private ArrayList<SessionOutbox> due = new ArrayList<>();
  private ArrayList<SessionOutbox> sending = new ArrayList<>();
  private boolean queued;

  /** @param context the event loop's context, the one every registering outbox runs on */
  public TurnFlusher(Context context) {
    this.context = context;
  }

  /** Called by an outbox, on this loop, when its first event of the turn is waiting. */
  void register(SessionOutbox outbox) {
    due.add(outbox);
    if (!queued) {
      queued = true;
      context.runOnContext(v -> endOfTurn());
    }
  }

  private void endOfTurn() {
    queued = false;
    // Sending may make an outbox register again (a close that writes); those go with the next turn.
    ArrayList<SessionOutbox> now = due;
    due = sending;
    sending = now;
    for (int i = 0; i < now.size(); i++) {
      now.get(i).endOfTurn();
    }
    now.clear();
  }
}

package dev.hub.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.history.KeptEvent;
import dev.hub.history.RoomHistory;
import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.Json;
import dev.hub.protocol.ServerFrame;
import io.vertx.core.Context;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way an event that every node receives by itself (from NATS) enters a room: to this node's members only,
 * so that each member gets it once, and never back out to NATS; a history room's event, which one node takes,
 * is kept and sent to every node. No {@code from}; a given id is deduplicated by
 * each node for itself, under {@link #NATS_IDENTITY}.
 */
public final class LocalPublisher {
  /** The identity NATS events are deduplicated under. */
  public static final String NATS_IDENTITY = "nats";
  private static final Logger LOG = LoggerFactory.getLogger(LocalPublisher.class);

  private final RoomBroker broker;
  private final RoomHistory history;
  private final Context context;
  private final BooleanSupplier keeper;
  private final EventIds ids;
  private final LocalDedup dedup;
  private final PublishMeter meter;

  /**
   * @param context where history rooms' events are kept, one after another, in the order they came
   * @param keeper whether this node is the one that keeps history rooms' events from NATS (one node of the
   *     cluster at a time: the oldest member; a single node always)
   */
  public LocalPublisher(RoomBroker broker, RoomHistory history, Context context, BooleanSupplier keeper,
      EventIds ids, LocalDedup dedup, PublishMeter meter) {
    this.broker = broker;
    this.history = history;
    this.context = context;
    this.keeper = keeper;
    this.ids = ids;
    this.dedup = dedup;
    this.meter = meter;
  }

  /** Whether the room keeps history, so that its events must be kept once, by one node, not each for itself. */
  public boolean kept(String room) {
    return history.covers(room);
  }

  /** Whether this node is the one that keeps the history room's events from NATS. */
  public boolean keeps(String room) {
    return kept(room) && keeper.getAsBoolean();
  }

  /**
   * An event of a history room that this node alone took (a queue group): kept, then sent to every node's
   * members with its seq. Called on any thread; keeping happens in order on this publisher's context.
   */
  public void publishKept(String room, String event, JsonNode data, String clientId) {
    if (clientId != null && !dedup.firstTimeNow(NATS_IDENTITY, clientId)) {
      meter.duplicatePublish();
      return;
    }
    String id = clientId != null ? clientId : ids.next();
    long ts = System.currentTimeMillis();
    String frame = Json.encode(new ServerFrame.Event(room, event, data, id, ts, null, null));
    KeptEvent.Draft draft = new KeptEvent.Draft(id, clientId != null ? NATS_IDENTITY : null, event, ts, null, frame);
    context.runOnContext(v -> history.append(room, draft).onSuccess(kept -> {
      if (kept.duplicate()) {
        meter.duplicatePublish();
        return;
      }
      broker.publish(new Broadcast(room, event, KeptEvent.withSeq(frame, kept.seq()), null, kept.seq(), kept.epoch()));
      meter.published(RoomPublisher.Source.NATS);
    }).onFailure(e -> LOG.warn("NATS event {} of history room {} could not be kept: {}", id, room, e.toString())));
  }

  /** May be called on any thread (a NATS dispatcher's); the broker hops onto each receiver's event loop. */
  public RoomPublisher.Result publish(String room, String event, JsonNode data, String clientId) {
    if (clientId != null && !dedup.firstTimeNow(NATS_IDENTITY, clientId)) {
      meter.duplicatePublish();
      return new RoomPublisher.Result(clientId, true);
    }
    String id = clientId != null ? clientId : ids.next();
    EncodedFrame frame = EncodedFrame.of(new ServerFrame.Event(room, event, data, id, System.currentTimeMillis(), null,
        null));
    broker.publishLocal(new Broadcast(room, event, frame, null));
    meter.published(RoomPublisher.Source.NATS);
    return new RoomPublisher.Result(id, false);
  }
}

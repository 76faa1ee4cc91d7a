package dev.hub.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.ServerFrame;

/**
 * The way an event that every node receives by itself (from NATS) enters a room: to this node's members only,
 * so that each member gets it once, and never back out to NATS. No {@code from}; a given id is deduplicated by
 * each node for itself, under {@link #NATS_IDENTITY}.
 */
public final class LocalPublisher {
  /** The identity NATS events are deduplicated under. */
  public static final String NATS_IDENTITY = "nats";

  private final RoomBroker broker;
  private final EventIds ids;
  private final LocalDedup dedup;
  private final PublishMeter meter;

  public LocalPublisher(RoomBroker broker, EventIds ids, LocalDedup dedup, PublishMeter meter) {
    this.broker = broker;
    this.ids = ids;
    this.dedup = dedup;
    this.meter = meter;
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

package dev.hub.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.ServerFrame;
import io.vertx.core.Future;

/**
 * The way a client's or the HTTP API's event enters a room, for every member on every node. Events that every
 * node receives by itself (NATS) enter through {@link LocalPublisher} instead.
 */
public final class RoomPublisher {

  /** Where an event came from, for metrics. */
  public enum Source { WEBSOCKET, HTTP, NATS }

  /**
   * An accepted publish.
   *
   * @param duplicate true when the id was seen within the dedup window and nothing was delivered
   */
  public record Result(String id, boolean duplicate) {
  }

  private final RoomBroker broker;
  private final EventIds ids;
  private final DedupStore dedup;
  private final PublishMeter meter;
  private final PublishListener listener;

  /**
   * @param dedup ids of client and HTTP publishes, shared by the cluster
   * @param listener told of every accepted WebSocket publish
   */
  public RoomPublisher(RoomBroker broker, EventIds ids, DedupStore dedup, PublishMeter meter,
      PublishListener listener) {
    this.broker = broker;
    this.ids = ids;
    this.dedup = dedup;
    this.meter = meter;
    this.listener = listener;
  }

  /** Encodes the event once and hands it to the broker; a client id seen within the window is not delivered again. */
  public Future<Result> publish(Publication publication) {
    if (publication.clientId() == null) {
      return Future.succeededFuture(deliver(publication, ids.next()));
    }
    return dedup.firstTime(identity(publication), publication.clientId()).map(first -> {
      if (!first) {
        meter.duplicatePublish();
        return new Result(publication.clientId(), true);
      }
      return deliver(publication, publication.clientId());
    });
  }

  private static String identity(Publication publication) {
    return publication instanceof Publication.FromClient client ? client.user()
        : ((Publication.FromApi) publication).identity();
  }

  private Result deliver(Publication publication, String id) {
    long ts = System.currentTimeMillis();
    String room = publication.room();
    if (publication instanceof Publication.FromClient client) {
      EncodedFrame frame = EncodedFrame.of(new ServerFrame.Event(room, client.event(), client.data(), id, ts,
          client.user(), null));
      broker.publish(new Broadcast(room, client.event(), frame, client.echo() ? null : client.session()));
      meter.published(Source.WEBSOCKET);
      listener.accepted(new PublishListener.Published(room, client.event(), client.data(), id, ts, client.user(),
          client.session()));
    } else {
      EncodedFrame frame = EncodedFrame.of(new ServerFrame.Event(room, publication.event(), publication.data(), id,
          ts, null, null));
      broker.publish(new Broadcast(room, publication.event(), frame, null));
      meter.published(Source.HTTP);
    }
    return new Result(id, false);
  }
}

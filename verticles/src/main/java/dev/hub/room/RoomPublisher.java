package dev.hub.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.ServerFrame;
import io.vertx.core.Future;
import java.util.List;

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

  /**
   * One event with one id into each of several rooms ({@code POST /api/events}): each room's members get it
   * with that room; a client id seen within the window (from any HTTP publish of the caller) is not delivered
   * again.
   *
   * @param identity whose ids are deduplicated, as for {@link Publication.FromApi}
   */
  public Future<Result> publishToRooms(List<String> rooms, String event, JsonNode data, String clientId,
      String identity) {
    Future<Boolean> first = clientId == null ? Future.succeededFuture(true) : dedup.firstTime(identity, clientId);
    return first.map(isFirst -> {
      if (!isFirst) {
        meter.duplicatePublish();
        return new Result(clientId, true);
      }
      String id = clientId != null ? clientId : ids.next();
      for (String room : rooms) {
        deliver(new Publication.FromApi(room, event, data, id, identity), id);
      }
      return new Result(id, false);
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

package dev.hub.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.history.KeptEvent;
import dev.hub.history.RoomHistory;
import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.Json;
import dev.hub.protocol.ProtocolException;
import dev.hub.protocol.ServerFrame;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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

  /**
   * A publish under way. {@code placed} completes once the event's place among the room's events is fixed: at
   * once, or after the dedup lookup of a client id. The publisher may go on to its next event then, while
   * {@code result} may still wait for the history to keep this one. {@code placed} never fails; a failure is
   * {@code result}'s.
   */
  public record Publishing(Future<Void> placed, Future<Result> result) {
    static Publishing placedAlready(Future<Result> result) {
      return new Publishing(Future.succeededFuture(), result);
    }
  }

  private final RoomBroker broker;
  private final RoomHistory history;
  private final EventIds ids;
  private final DedupStore dedup;
  private final PublishMeter meter;
  private final PublishListener listener;

  /**
   * @param dedup ids of client and HTTP publishes, shared by the cluster
   * @param listener told of every accepted WebSocket publish
   */
  public RoomPublisher(RoomBroker broker, RoomHistory history, EventIds ids, DedupStore dedup, PublishMeter meter,
      PublishListener listener) {
    this.broker = broker;
    this.history = history;
    this.ids = ids;
    this.dedup = dedup;
    this.meter = meter;
    this.listener = listener;
  }

  /**
   * Encodes the event once and hands it to the broker; a client id seen within the window is not delivered again.
   * An event of a history room is acknowledged once the history keeps it, and goes out with its {@code seq}. A
   * client id is remembered only once its event was kept (history) or handed to the broker, so that a publish
   * that failed is delivered when it is sent again. A client's publish that the listener does not admit (the
   * NATS bridge is full) fails with {@code unavailable} before anything else.
   */
  public Publishing publish(Publication publication) {
    if (publication instanceof Publication.FromClient && !listener.admits()) {
      return Publishing.placedAlready(Future.failedFuture(new ProtocolException(ErrorCode.UNAVAILABLE,
          "the hub cannot hold more events for NATS right now; send it again later")));
    }
    if (publication.clientId() == null) {
      return Publishing.placedAlready(deliver(publication, ids.next()));
    }
    String identity = identity(publication);
    Promise<Void> placed = Promise.promise();
    Future<Result> result = dedup.seen(identity, publication.clientId()).compose(seen -> {
      try {
        if (seen) {
          meter.duplicatePublish();
          return Future.succeededFuture(new Result(publication.clientId(), true));
        }
        return deliver(publication, publication.clientId())
            .compose(delivered -> dedup.remember(identity, publication.clientId()).map(delivered));
      } finally {
        placed.tryComplete();
      }
    }).onFailure(e -> placed.tryComplete());
    return new Publishing(placed.future(), result);
  }

  /**
   * One event with one id into each of several rooms ({@code POST /api/events}): each room's members get it
   * with that room; a client id seen within the window (from any HTTP publish of the caller) is not delivered
   * again, and is remembered once every room has it.
   *
   * @param identity whose ids are deduplicated, as for {@link Publication.FromApi}
   */
  public Future<Result> publishToRooms(List<String> rooms, String event, JsonNode data, String clientId,
      String identity) {
    Future<Boolean> seen = clientId == null ? Future.succeededFuture(false) : dedup.seen(identity, clientId);
    return seen.compose(repeat -> {
      if (repeat) {
        meter.duplicatePublish();
        return Future.succeededFuture(new Result(clientId, true));
      }
      String id = clientId != null ? clientId : ids.next();
      List<Future<Result>> each = rooms.stream()
          .map(room -> deliver(new Publication.FromApi(room, event, data, id, identity), id)).toList();
      return Future.all(each).compose(all -> clientId == null ? Future.succeededFuture()
          : dedup.remember(identity, clientId)).map(new Result(id, false));
    });
  }

  private static String identity(Publication publication) {
    return publication instanceof Publication.FromClient client ? client.user()
        : ((Publication.FromApi) publication).identity();
  }

  private Future<Result> deliver(Publication publication, String id) {
    long ts = System.currentTimeMillis();
    String room = publication.room();
    Publication.FromClient client = publication instanceof Publication.FromClient c ? c : null;
    String from = client != null ? client.user() : null;
    String exclude = client != null && !client.echo() ? client.session() : null;
    ServerFrame.Event event = new ServerFrame.Event(room, publication.event(), publication.data(), id, ts, from, null);
    if (!history.covers(room)) {
      sent(publication, client, new Broadcast(room, publication.event(), EncodedFrame.of(event), exclude), id, ts);
      return Future.succeededFuture(new Result(id, false));
    }
    String publisher = publication.clientId() != null ? identity(publication) : null;
    KeptEvent.Draft draft = new KeptEvent.Draft(id, publisher, publication.event(), ts, exclude, Json.encode(event));
    return history.append(room, draft).map(kept -> {
      if (kept.duplicate()) {
        // Kept before, under an answer its publisher did not get: delivered then, not again.
        meter.duplicatePublish();
        return new Result(id, true);
      }
      sent(publication, client, new Broadcast(room, publication.event(), KeptEvent.withSeq(draft.frame(), kept.seq()),
          exclude, kept.seq(), kept.epoch()), id, ts);
      return new Result(id, false);
    });
  }

  private void sent(Publication publication, Publication.FromClient client, Broadcast broadcast, String id, long ts) {
    broker.publish(broadcast);
    meter.published(client != null ? Source.WEBSOCKET : Source.HTTP);
    if (client != null) {
      listener.accepted(new PublishListener.Published(publication.room(), publication.event(), publication.data(),
          id, ts, client.user(), client.session()));
    }
  }
}

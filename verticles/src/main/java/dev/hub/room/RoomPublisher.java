package dev.hub.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.metrics.HubMetrics;
import dev.hub.protocol.EncodedFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.ProtocolException;
import dev.hub.protocol.ServerFrame;
import io.vertx.core.Future;

/** The one way an event enters a room, whoever sends it: a WebSocket client, the HTTP API or NATS. */
public final class RoomPublisher {

  /** Where an event came from, for metrics. */
  public enum Source { WEBSOCKET, HTTP, NATS }

  /** The identity NATS events are deduplicated under. */
  public static final String NATS_IDENTITY = "nats";

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
  private final LocalDedup natsDedup;
  private final HubMetrics metrics;
  private final PublishListener listener;

  /**
   * @param dedup ids of client and HTTP publishes, shared by the cluster
   * @param natsDedup ids of NATS events, which each node receives and deduplicates for itself
   * @param listener told of every accepted WebSocket publish
   */
  public RoomPublisher(RoomBroker broker, EventIds ids, DedupStore dedup, LocalDedup natsDedup, HubMetrics metrics,
      PublishListener listener) {
    this.broker = broker;
    this.ids = ids;
    this.dedup = dedup;
    this.natsDedup = natsDedup;
    this.metrics = metrics;
    this.listener = listener;
  }

  /**
   * Encodes the event once and hands it to the broker; a WebSocket publish that the listener does not admit
   * fails with {@code unavailable} before anything else.
   *
   * @param identity whose ids are deduplicated: the user, or {@code api} for the HTTP API without a token
   * @param from the {@code from} field; {@code null} for server-side events
   * @param session the publishing session, or {@code null} for HTTP
   * @param excludeSession a session that must not get it ({@code echo:false}), or {@code null}
   */
  public Future<Result> publish(String room, String event, JsonNode data, String clientId, String identity,
      String from, String session, String excludeSession, Source source) {
    if (source == Source.WEBSOCKET && !listener.admits()) {
      return Future.failedFuture(new ProtocolException(ErrorCode.UNAVAILABLE,
          "the hub cannot hold more events for NATS right now; send it again later"));
    }
    if (clientId == null) {
      return Future.succeededFuture(deliver(room, event, data, ids.next(), identity, from, session, excludeSession,
          source));
    }
    return dedup.firstTime(identity, clientId).map(first -> {
      if (!first) {
        metrics.duplicatePublish();
        return new Result(clientId, true);
      }
      return deliver(room, event, data, clientId, identity, from, session, excludeSession, source);
    });
  }

  private Result deliver(String room, String event, JsonNode data, String id, String identity, String from,
      String session, String excludeSession, Source source) {
    long ts = System.currentTimeMillis();
    EncodedFrame frame = EncodedFrame.of(new ServerFrame.Event(room, event, data, id, ts, from, null));
    broker.publish(new Broadcast(room, event, frame, excludeSession));
    metrics.published(source);
    if (source == Source.WEBSOCKET) {
      listener.accepted(new PublishListener.Published(room, event, data, id, ts, identity, session));
    }
    return new Result(id, false);
  }

  /**
   * An event from NATS: every node receives it by itself, so it goes to this node's members only, and never back
   * out to NATS. No {@code from}; a given id is deduplicated under {@link #NATS_IDENTITY}.
   */
  public Result publishFromNats(String room, String event, JsonNode data, String clientId) {
    if (clientId != null && !natsDedup.firstTimeNow(NATS_IDENTITY, clientId)) {
      metrics.duplicatePublish();
      return new Result(clientId, true);
    }
    String id = clientId != null ? clientId : ids.next();
    EncodedFrame frame = EncodedFrame.of(new ServerFrame.Event(room, event, data, id, System.currentTimeMillis(), null,
        null));
    broker.publishLocal(new Broadcast(room, event, frame, null));
    metrics.published(Source.NATS);
    return new Result(id, false);
  }

}

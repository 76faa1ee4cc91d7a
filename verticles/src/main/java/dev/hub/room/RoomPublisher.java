package dev.hub.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.metrics.HubMetrics;
import dev.hub.protocol.Json;
import dev.hub.protocol.ServerFrame;

/** The one way an event enters a room, whoever sends it: a WebSocket client or the HTTP API. */
public final class RoomPublisher {

  /** Where an event came from, for metrics. */
  public enum Source { WEBSOCKET, HTTP }

  /**
   * An accepted publish.
   *
   * @param duplicate true when the id was seen within the dedup window and nothing was delivered
   */
  public record Result(String id, boolean duplicate) {
  }

  private final RoomBroker broker;
  private final EventIds ids;
  private final PublishDedup dedup;
  private final HubMetrics metrics;

  public RoomPublisher(RoomBroker broker, EventIds ids, PublishDedup dedup, HubMetrics metrics) {
    this.broker = broker;
    this.ids = ids;
    this.dedup = dedup;
    this.metrics = metrics;
  }

  /**
   * Encodes the event once and hands it to the broker.
   *
   * @param identity whose ids are deduplicated: the user, or {@code api} for the HTTP API without a token
   * @param from the {@code from} field; {@code null} for server-side events
   * @param excludeSession a session that must not get it ({@code echo:false}), or {@code null}
   */
  public Result publish(String room, String event, JsonNode data, String clientId, String identity, String from,
      String excludeSession, Source source) {
    if (clientId != null && !dedup.firstTime(identity, clientId)) {
      metrics.duplicatePublish();
      return new Result(clientId, true);
    }
    String id = clientId != null ? clientId : ids.next();
    String frame = Json.encode(new ServerFrame.Event(room, event, data, id, System.currentTimeMillis(), from, null));
    broker.publish(new Broadcast(room, event, frame, excludeSession));
    metrics.published(source);
    return new Result(id, false);
  }
}

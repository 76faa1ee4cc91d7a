package dev.hub.nats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.node.DeadLetters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * {@code GET /api/dlq} and {@code POST /api/dlq/replay} on this node's {@link DeadLetterFile}, off the event
 * loop. A replay offers every entry to the outbound buffer again, behind what is already waiting; what does not
 * fit is written to a new file at once.
 */
final class BridgeDeadLetters implements DeadLetters {
  private final Vertx vertx;
  private final DeadLetterFile file;
  private final DeadLetterSink sink;
  private final OutboundBuffer buffer;

  BridgeDeadLetters(Vertx vertx, DeadLetterFile file, DeadLetterSink sink, OutboundBuffer buffer) {
    this.vertx = vertx;
    this.file = file;
    this.sink = sink;
    this.buffer = buffer;
  }

  @Override
  public Future<Page> list(int limit) {
    return vertx.executeBlocking(() -> file.list(limit), false);
  }

  @Override
  public Future<Integer> replay() {
    return vertx.executeBlocking(() -> {
      List<JsonNode> entries = file.takeAll();
      for (JsonNode entry : entries) {
        Outgoing message = DeadLetterSink.original(entry);
        if (message == null) {
          // Not an entry of ours (a line cut short by a crash): kept, as it was, in the new file.
          file.append(entry);
        } else if (!buffer.offer(message)) {
          sink.toFile(message, "outbound buffer full during replay");
        }
      }
      return entries.size();
    }, false);
  }
}

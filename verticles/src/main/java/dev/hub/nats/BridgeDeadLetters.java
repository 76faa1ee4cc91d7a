package dev.hub.nats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.node.DeadLetters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * {@code GET /api/dlq} and {@code POST /api/dlq/replay} on this node's {@link DeadLetterFile}, off the event
 * loop. A replay takes every entry out of the file at once and answers how many; it then offers them to the
 * outbound buffer behind what is already waiting, as fast as NATS confirms them. An entry still without room
 * after {@code nats.ackTimeoutMs}, or when the bridge stops, goes back to the (new) file.
 */
final class BridgeDeadLetters implements DeadLetters {
  private final Vertx vertx;
  private final DeadLetterFile file;
  private final DeadLetterSink sink;
  private final OutboundBuffer buffer;
  private final long waitMs;

  BridgeDeadLetters(Vertx vertx, DeadLetterFile file, DeadLetterSink sink, OutboundBuffer buffer, long waitMs) {
    this.vertx = vertx;
    this.file = file;
    this.sink = sink;
    this.buffer = buffer;
    this.waitMs = waitMs;
  }

  @Override
  public Future<Page> list(int limit) {
    return vertx.executeBlocking(() -> file.list(limit), false);
  }

  @Override
  public Future<Integer> replay() {
    return vertx.executeBlocking(file::takeAll, true).map(entries -> {
      // Unordered: a long replay must not hold up the other blocking work of the event loop that asked for it.
      vertx.executeBlocking(() -> requeue(entries), false);
      return entries.size();
    });
  }

  private Void requeue(List<JsonNode> entries) throws InterruptedException {
    for (JsonNode entry : entries) {
      Outgoing message = DeadLetterSink.original(entry);
      if (message == null) {
        // Not an entry of ours (a line cut short by a crash): kept, as it was, in the new file.
        file.append(entry);
      } else if (!buffer.offer(message, waitMs)) {
        sink.toFile(message, "no room in the outbound buffer during the replay");
      }
    }
    return null;
  }
}

package dev.hub.nats;

import dev.hub.node.DeadLetters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/dlq} and {@code POST /api/dlq/replay} on this node's {@link DeadLetterFile}, off the event
 * loop. A list reads the file's tail, beside the writer, never waiting for it. A replay has the writer move the
 * file aside once what is queued is written, answers how many entries it had, then reads it line by line and
 * offers the entries to the outbound buffer behind what is already waiting, as fast as NATS confirms them. An
 * entry still without room after {@code nats.ackTimeoutMs} goes back to the (new) file; when the bridge stops
 * meanwhile, the rest stays in the moved file, which is kept, and the log names it.
 */
final class BridgeDeadLetters implements DeadLetters {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeDeadLetters.class);
  private final Vertx vertx;
  private final DeadLetterFile file;
  private final DeadLetterWriter writer;
  private final OutboundBuffer buffer;
  private final long waitMs;

  BridgeDeadLetters(Vertx vertx, DeadLetterFile file, DeadLetterWriter writer, OutboundBuffer buffer,
      long waitMs) {
    this.vertx = vertx;
    this.file = file;
    this.writer = writer;
    this.buffer = buffer;
    this.waitMs = waitMs;
  }

  @Override
  public Future<Page> list(int limit) {
    return vertx.executeBlocking(() -> file.tail(limit), false);
  }

  @Override
  public Future<Integer> replay() {
    return Future.fromCompletionStage(writer.moveAside(), vertx.getOrCreateContext()).map(aside -> {
      if (aside == null) {
        return 0;
      }
      // Unordered: a long replay must not hold up the other blocking work of the event loop that asked for it.
      vertx.executeBlocking(() -> requeue(aside), false);
      return (int) Math.min(Integer.MAX_VALUE, aside.count());
    });
  }

  /** Every line of the moved file, in order, until one finds neither the buffer nor the file open. */
  private Void requeue(DeadLetterFile.Aside aside) throws IOException {
    long[] line = {0};
    boolean[] open = {true};
    DeadLetterFile.forEachLine(aside.path(), text -> {
      if (open[0]) {
        line[0]++;
        open[0] = requeue(text);
      }
    });
    if (!open[0]) {
      LOG.warn("NATS: the bridge stopped during a replay; entries from line {} of {} on were not sent again",
          line[0], aside.path());
    }
    return null;
  }

  /** False when the bridge stopped and neither the buffer nor the file takes it. */
  private boolean requeue(String line) {
    Outgoing message = DeadLetterSink.original(InboundPayload.json(line.getBytes(StandardCharsets.UTF_8)));
    try {
      if (message != null && buffer.offer(message, waitMs)) {
        return true;
      }
      return writer.submitWhenRoom(message == null ? DeadLetter.kept(line)
          : DeadLetter.of(message, "no room in the outbound buffer during the replay"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

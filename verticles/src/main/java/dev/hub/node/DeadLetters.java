package dev.hub.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.ProtocolException;
import io.vertx.core.Future;
import java.util.List;

/** This node's dead-letter file, as {@code GET /api/dlq} and {@code POST /api/dlq/replay} see it. */
public interface DeadLetters {

  /** Without the NATS bridge there is no dead-letter queue: both answer {@code unavailable}. */
  DeadLetters NONE = new DeadLetters() {
    @Override
    public Future<Page> list(int limit) {
      return Future.failedFuture(off());
    }

    @Override
    public Future<Integer> replay() {
      return Future.failedFuture(off());
    }

    private ProtocolException off() {
      return new ProtocolException(ErrorCode.UNAVAILABLE, "the dead-letter queue needs the NATS bridge");
    }
  };

  /** The first {@code limit} entries, oldest first, and how many there are in all. */
  Future<Page> list(int limit);

  /** Sends every entry again, as new outbound events; completes with how many were taken from the file. */
  Future<Integer> replay();

  /**
   * Entries of the file.
   *
   * @param count the file's entries in all
   */
  record Page(int count, List<JsonNode> entries) {
  }
}

package dev.hub.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.ProtocolException;
import io.vertx.core.Future;

/**
 * Carries a client's {@code request} frame to whoever answers it (PROTOCOL.md section 1): the NATS bridge, or
 * nobody.
 */
@FunctionalInterface
public interface RequestRelay {

  /** Without the NATS bridge every request answers {@code unavailable}. */
  RequestRelay UNAVAILABLE = (event, data, timeoutMs, user, session) -> Future.failedFuture(new ProtocolException(
      ErrorCode.UNAVAILABLE, "request-reply needs the NATS bridge, which this node does not run"));

  /**
   * Sends the request and completes with the reply's data.
   *
   * @param timeoutMs the frame's timeout, or {@code null} for the relay's default
   * @return the reply's data; failed with a {@link ProtocolException} of {@code no_responders}, {@code timeout}
   *     or {@code unavailable}
   */
  Future<JsonNode> request(String event, JsonNode data, Long timeoutMs, String user, String session);
}

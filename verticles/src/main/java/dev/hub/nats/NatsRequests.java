package dev.hub.nats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.config.NatsConfig;
import dev.hub.node.RequestRelay;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.Json;
import dev.hub.protocol.ProtocolException;
import io.nats.client.Connection;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * {@code request} frames as NATS request-reply on {@code <prefix>.requests.<event>}: the reply's payload is the
 * reply's {@code data}. The timeout is the frame's (or {@code nats.requestTimeoutMs}), cut to
 * {@code nats.maxRequestTimeoutMs}, and kept by a Vert.x timer: jnats only looks for expired requests now and
 * then.
 */
final class NatsRequests implements RequestRelay {
  private final Vertx vertx;
  private final NatsLink link;
  private final NatsSubjects subjects;
  private final NatsConfig config;
  private final NatsMetrics metrics;

  NatsRequests(Vertx vertx, NatsLink link, NatsSubjects subjects, NatsConfig config, NatsMetrics metrics) {
    this.vertx = vertx;
    this.link = link;
    this.subjects = subjects;
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<JsonNode> request(String event, JsonNode data, Long timeoutMs, String user, String session) {
    Connection connection = link.connected();
    if (connection == null) {
      return failed(ErrorCode.UNAVAILABLE, "NATS is not connected; try again");
    }
    long timeout = Math.min(timeoutMs != null ? timeoutMs : config.requestTimeoutMs(), config.maxRequestTimeoutMs());
    byte[] body = Json.encode(new NatsPayloads.RequestBody(event, data, user, session))
        .getBytes(StandardCharsets.UTF_8);
    Headers headers = Outgoing.userHeader(user);
    CompletableFuture<Message> reply;
    try {
      reply = connection.requestWithTimeout(subjects.request(event), headers, body, Duration.ofMillis(timeout));
    } catch (RuntimeException e) {
      return failed(ErrorCode.UNAVAILABLE, "NATS did not take the request; try again");
    }
    // The timer and the reply both land on the caller's context, so whichever comes first settles the answer.
    Context context = vertx.getOrCreateContext();
    Promise<JsonNode> answer = Promise.promise();
    long timer = context.owner().setTimer(timeout, t -> {
      if (!answer.future().isComplete()) {
        answer.fail(failure(ErrorCode.TIMEOUT, "no reply within " + timeout + " ms"));
        reply.cancel(true);
      }
    });
    reply.whenComplete((message, error) -> context.runOnContext(v -> {
      vertx.cancelTimer(timer);
      if (answer.future().isComplete()) {
        return;
      }
      if (error == null) {
        metrics.request("reply");
        answer.complete(InboundPayload.json(message.getData()));
      } else {
        answer.fail(failure(error));
      }
    }));
    return answer.future();
  }

  private ProtocolException failure(Throwable error) {
    Throwable cause = error instanceof CompletionException || error instanceof ExecutionException
        ? error.getCause() : error;
    if (cause instanceof JetStreamStatusException status && status.getStatus().getCode() == 503) {
      return failure(ErrorCode.NO_RESPONDERS, "no service answers requests for this event");
    }
    return failure(ErrorCode.UNAVAILABLE, "the NATS connection was lost before the reply; try again");
  }

  private Future<JsonNode> failed(ErrorCode code, String message) {
    return Future.failedFuture(failure(code, message));
  }

  private ProtocolException failure(ErrorCode code, String message) {
    metrics.request(code.wire());
    return new ProtocolException(code, message);
  }
}

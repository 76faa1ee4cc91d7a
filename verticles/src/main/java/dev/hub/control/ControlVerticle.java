package dev.hub.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.hub.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's end of the control API: takes the {@link SessionCommand}s that any node sends it on the event bus
 * (clustered, or local on a single node), applies them to its sessions and answers how many it reached.
 */
public final class ControlVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ControlVerticle.class);

  private final String node;
  private final SessionControl sessions;
  private MessageConsumer<String> consumer;

  public ControlVerticle(String node, SessionControl sessions) {
    this.node = node;
    this.sessions = sessions;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(ControlAddresses.of(node), message -> {
      SessionCommand command;
      try {
        command = Json.MAPPER.readValue(message.body(), SessionCommand.class);
      } catch (JsonProcessingException e) {
        message.fail(400, "not a session command: " + e.getOriginalMessage());
        return;
      }
      sessions.apply(command)
          .onSuccess(reached -> message.reply(Json.encode(new Reached(reached))))
          .onFailure(e -> {
            LOG.warn("control command {} failed", command.op(), e);
            message.fail(500, String.valueOf(e.getMessage()));
          });
    });
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }

  /** A node's answer: how many of the command's sessions it reached. */
  record Reached(int sessions) {
  }
}

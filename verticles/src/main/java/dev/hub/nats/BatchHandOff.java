package dev.hub.nats;

import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One batch handed to a connection, message by message, sorted into those the connection took and those NATS
 * refuses by themselves, whatever the connection: over the server's {@code max_payload} (headers included, as
 * the server counts; jnats checks the payload alone, and the server would end the connection), an argument the
 * client rejects, or any refusal while the connection stays up. A failure of the connection itself is thrown, and
 * the messages not yet handed over are then neither taken nor refused.
 */
final class BatchHandOff {
  final List<Outgoing> taken = new ArrayList<>();
  final List<Outgoing> refused = new ArrayList<>();
  private final Connection connection;
  private final NatsLink link;

  BatchHandOff(Connection connection, NatsLink link) {
    this.connection = connection;
    this.link = link;
  }

  /** Each message through {@code publish}, in order; stops by throwing when the connection failed. */
  BatchHandOff send(List<Outgoing> batch, BiConsumer<Outgoing, Headers> publish) {
    for (Outgoing message : batch) {
      Headers headers = message.headers();
      String refusal = Outgoing.overMaxPayload(connection, headers, message.payload);
      if (refusal == null) {
        refusal = publish(message, headers, publish);
      }
      if (refusal == null) {
        taken.add(message);
      } else {
        message.attempts++;
        message.lastError = refusal;
        refused.add(message);
      }
    }
    return this;
  }

  private String publish(Outgoing message, Headers headers, BiConsumer<Outgoing, Headers> publish) {
    try {
      publish.accept(message, headers);
      return null;
    } catch (IllegalArgumentException e) {
      return "refused by the NATS client: " + e.getMessage();
    } catch (RuntimeException e) {
      if (link.connected() == connection) {
        return "refused by the NATS client: " + e;
      }
      throw e;
    }
  }

  /** {@code all} in its order, less {@code some}. */
  static List<Outgoing> without(List<Outgoing> all, List<Outgoing> some) {
    if (some.isEmpty()) {
      return all;
    }
    Set<Outgoing> out = new HashSet<>(some);
    return all.stream().filter(m -> !out.contains(m)).toList();
  }

  /** Those of {@code all} that are in {@code some}, in the order of {@code all}. */
  static List<Outgoing> only(List<Outgoing> all, List<Outgoing> some) {
    Set<Outgoing> in = new HashSet<>(some);
    return all.stream().filter(in::contains).toList();
  }
}

package dev.hub.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.HubQueries;
import dev.hub.test.NatsMessages;
import dev.hub.test.NatsServer;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.nats.client.Message;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two servers in {@code nats.url}; the one the hub is connected to enters lame-duck mode while a client keeps
 * publishing. Its grace period outlasts the test, so only the bridge's own move can take it to the other server.
 * The hub and its client run on the test's Vert.x; the client publishes as a chain of requests, each sent once the
 * one before is acknowledged, and the chain's end is a checkpoint.
 */
@ExtendWith(VertxExtension.class)
class NatsLameDuckTest {
  private static final String LONG_LAME_DUCK = "lame_duck_duration: \"120s\"\nlame_duck_grace_period: \"60s\"\n";
  private static final int TOTAL = 300;
  private static final int LAME_AFTER = 100;
  private static final long PUBLISHING_WAIT_MS = 30_000;

  @Test
  void theBridgeMovesToAnotherServerInOrderWithNothingLost(Vertx vertx, VertxTestContext test) {
    try (NatsServer a = NatsServer.startWithConfig(false, LONG_LAME_DUCK);
        NatsServer b = NatsServer.startWithConfig(false, LONG_LAME_DUCK)) {
      NatsMessages onA = NatsMessages.subscribe(a.connect(), "hub.events.>");
      NatsMessages onB = NatsMessages.subscribe(b.connect(), "hub.events.>");
      try (TestHub hub = TestHub.start(vertx, NatsServer.hubFlagsFor(a.url() + "," + b.url()));
          WsClient client = hub.connect("user=ann")) {
        String first = Eventually.until("connected", () -> server(hub), s -> !s.isEmpty());
        boolean onFirstA = first.endsWith(":" + a.port());
        NatsServer lame = onFirstA ? a : b;
        NatsServer other = onFirstA ? b : a;
        client.join("ldm");

        List<String> acked = Collections.synchronizedList(new ArrayList<>());
        Checkpoint published = test.checkpoint();
        publishInTurn(client, 0, acked).onComplete(test.succeeding(v -> published.flag()));
        Eventually.until("publishes before lame duck", acked::size, n -> n >= LAME_AFTER);
        lame.lameDuck();
        Eventually.until("moved to the other server", () -> server(hub), s -> s.endsWith(":" + other.port()));
        AsyncChecks.await(test, TOTAL + " publishes acknowledged across the move", PUBLISHING_WAIT_MS);
        Eventually.until("everything confirmed", () -> link(hub).path("pendingBytes").asLong(), n -> n == 0);

        List<String> received = new ArrayList<>(ids((lame == a ? onA : onB).all()));
        received.addAll(ids((lame == a ? onB : onA).all()));
        assertEquals(acked, received, "the lame server's share, then the other's: each once, in order");
        assertEquals(1.0, HubQueries.metric(hub, "hub_nats_lame_duck_moves_total"));
      }
    }
  }

  /** Publishes the events from {@code i} on to {@link #TOTAL}, each once the one before is acknowledged. */
  private static Future<Void> publishInTurn(WsClient client, int i, List<String> acked) {
    if (i == TOTAL) {
      return Future.succeededFuture();
    }
    return client.requestAsync("type", "publish", "room", "ldm", "event", "n", "data", i).compose(reply -> {
      if (!"ack".equals(reply.path("type").asText())) {
        return Future.failedFuture(new AssertionError("not acknowledged: " + reply));
      }
      acked.add(reply.get("id").asText());
      return publishInTurn(client, i + 1, acked);
    });
  }

  private static List<String> ids(List<Message> messages) {
    return messages.stream().map(m -> m.getHeaders().getFirst("Nats-Msg-Id")).toList();
  }

  private static JsonNode link(TestHub hub) {
    return Frames.parse(hub.get("/ready").body()).path("details").path("nats");
  }

  private static String server(TestHub hub) {
    return link(hub).path("server").asText("");
  }
}

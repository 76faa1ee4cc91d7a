package dev.hub.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.JetStreams;
import dev.hub.test.NatsServer;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * nats-server is killed with SIGKILL while a client keeps publishing, and restarted on the same port and store.
 * A JetStream stream made before the kill records what the server stored: afterwards it must hold every event
 * the hub acknowledged, each once, in the order the hub acknowledged them, in core and in JetStream mode.
 */
class NatsOutageTest {
  private static final int TOTAL = 300;
  private static final int KILL_AFTER = 100;
  private static final int RESTART_AFTER = 200;

  @ParameterizedTest(name = "jetstream={0}")
  @ValueSource(booleans = {false, true})
  void killingAndRestartingNatsLosesNothingTheHubAcknowledged(boolean jetstream) throws Exception {
    try (NatsServer nats = NatsServer.startJetStream()) {
      Connection service = nats.connect();
      JetStreams.create(service, "OUTAGE", "hub.events.outage");
      JetStreams.create(service, "PRESENCE", "hub.presence.>");
      try (TestHub hub = TestHub.start(nats.hubFlags("nats.jetstream", Boolean.toString(jetstream),
          "nats.ackTimeoutMs", "1000", "nats.maxAttempts", "1000"));
          WsClient client = hub.connect("user=steady")) {
        Eventually.until("the bridge connected", () -> state(hub), "connected"::equals);
        client.join("outage");

        List<String> acked = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
          for (int i = 0; i < TOTAL; i++) {
            JsonNode ack = client.request("type", "publish", "room", "outage", "event", "n", "data", i);
            acked.add(ack.get("id").asText());
          }
        });
        Eventually.until("publishes before the kill", acked::size, n -> n >= KILL_AFTER);
        nats.kill();
        Eventually.until("the hub noticed the outage", () -> state(hub), "reconnecting"::equals);
        Eventually.until("publishes during the outage", acked::size, n -> n >= RESTART_AFTER);
        nats.restart();
        publishing.get(60, TimeUnit.SECONDS);

        Eventually.until("the bridge reconnected and sent everything", 30_000, () -> link(hub),
            link -> "connected".equals(link.path("state").asText()) && link.path("pendingBytes").asLong() == 0);
        // The test's own connection went through the outage too: read once it is back and the stream caught up.
        List<String> stored = Eventually.until("the stream read back after the service reconnected", 30_000,
            () -> JetStreams.messages(service, "OUTAGE").stream()
                .map(MessageInfo::getHeaders).map(h -> h.getFirst("Nats-Msg-Id")).toList(),
            ids -> ids.size() >= acked.size());
        assertEquals(acked, stored, "every acknowledged event once, in order");
        List<MessageInfo> messages = JetStreams.messages(service, "OUTAGE");
        for (int i = 0; i < TOTAL; i++) {
          assertEquals(i, Frames.parse(new String(messages.get(i).getData())).get("data").asInt());
        }
        assertEquals(0, Frames.parse(hub.get("/api/dlq").body()).get("count").asInt(), "nothing dead-lettered");
      }
    }
  }

  private static JsonNode link(TestHub hub) {
    return Frames.parse(hub.get("/ready").body()).path("details").path("nats");
  }

  private static String state(TestHub hub) {
    return link(hub).path("state").asText();
  }
}

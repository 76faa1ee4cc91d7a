package dev.hub.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.HubProcess;
import dev.hub.test.JetStreams;
import dev.hub.test.NatsServer;
import dev.hub.test.WsClient;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar as a process gets SIGTERM while its nats-server is stopped with SIGSTOP (connected, silent) and the
 * bridge holds 100 acknowledged events: within {@code shutdown.graceMs} each of them is on NATS or in the
 * dead-letter file, and the process exits 0.
 */
class NatsShutdownIT {
  private static final long START_MS = 30_000;
  private static final long GRACE_MS = 4_000;
  private static final long EXIT_MARGIN_MS = 3_000;
  private static final int EVENTS = 100;
  @TempDir
  Path dlq;

  @Test
  void sigtermWhileNatsIsStoppedFilesEveryAcknowledgedEventNotOnNats() throws Exception {
    try (NatsServer nats = NatsServer.startJetStream()) {
      Connection service = nats.connect();
      JetStreams.create(service, "HELD", "hub.events.held");
      int port = HubProcess.freePort();
      try (HubProcess hub = HubProcess.start(port, Map.of("HUB_NATS_URL", nats.url(), "HUB_NATS_DLQ_DIR",
          dlq.toString(), "HUB_SHUTDOWN_GRACE_MS", Long.toString(GRACE_MS)), "--node", "s1")
          .awaitHealthy(START_MS);
          WsClient client = hub.connect("user=ann")) {
        Eventually.until("the bridge connected", () -> Frames.parse(hub.get("/ready").body()).path("details")
            .path("nats").path("state").asText(), "connected"::equals);
        client.join("held");
        nats.pause();
        List<String> acked = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
          JsonNode ack = client.request("type", "publish", "room", "held", "event", "e", "data", i, "id", "h-" + i);
          assertEquals("ack", ack.get("type").asText(), ack::toString);
          acked.add("h-" + i);
        }
        long terminated = System.currentTimeMillis();
        hub.terminate();
        hub.assertExit(0, GRACE_MS + EXIT_MARGIN_MS);
        long tookMs = System.currentTimeMillis() - terminated;
        nats.resume();

        Path file = dlq.resolve("dlq-s1.jsonl");
        List<String> filed = Files.exists(file) ? Files.readAllLines(file).stream()
            .map(line -> Frames.parse(line).path("msgId").asText()).toList() : List.of();
        // The test's own connection went through the pause too: read once the stream answers again.
        Eventually.until("the stream answers", 30_000, () -> JetStreams.count(service, "HELD"), n -> n >= 0);
        List<String> stored = JetStreams.messages(service, "HELD").stream().map(MessageInfo::getHeaders)
            .map(h -> h.getFirst("Nats-Msg-Id")).toList();
        Set<String> accounted = new HashSet<>(filed);
        accounted.addAll(stored);
        assertTrue(accounted.containsAll(acked), () -> "missing: " + missing(acked, accounted) + " after "
            + tookMs + " ms; filed " + filed.size() + ", stored " + stored.size() + "; " + hub.output());
      }
    }
  }

  private static List<String> missing(List<String> acked, Set<String> accounted) {
    return acked.stream().filter(id -> !accounted.contains(id)).toList();
  }
}

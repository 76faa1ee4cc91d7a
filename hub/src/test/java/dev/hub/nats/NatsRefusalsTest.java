package dev.hub.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.HubQueries;
import dev.hub.test.JetStreams;
import dev.hub.test.NatsMessages;
import dev.hub.test.NatsServer;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.api.MessageInfo;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What NATS or the disk refuses: one message the server will not take, a dead-letter folder that cannot be
 * written, a file that cannot keep up, a sender thread that stops. Each time every acknowledged event is
 * accounted for, and nothing holds up what comes after. Each hub and its clients run on the test's Vert.x; the
 * events reaching the service and a member are checkpoints.
 */
@ExtendWith(VertxExtension.class)
class NatsRefusalsTest {
  /** {@code nats.bufferBytes} and {@code nats.dlqQueueBytes} where a test fills them. */
  private static final int BOUND_BYTES = 2048;
  /** More than one presence change takes, with its dead-letter fields. */
  private static final int ONE_CHANGE_BYTES = 1024;
  /** Rooms joined and left during an outage: about a hundred times what the bounds hold. */
  private static final int CHURNED_ROOMS = 200;

  @TempDir
  Path temp;

  @ParameterizedTest(name = "jetstream={0}")
  @ValueSource(booleans = {false, true})
  void anEventOverTheServersMaxPayloadIsDeadLetteredAndTheOnesAfterItArriveInOrder(boolean jetstream, Vertx vertx,
      VertxTestContext test) {
    try (NatsServer nats = NatsServer.startWithConfig(jetstream, "max_payload: 8192\n")) {
      Connection service = nats.connect();
      NatsMessages events = NatsMessages.subscribe(service, "hub.events.>");
      if (jetstream) {
        JetStreams.create(service, "BIG", "hub.events.big");
        JetStreams.create(service, "PRESENCE", "hub.presence.>");
      }
      try (TestHub hub = TestHub.start(vertx, nats.hubFlags("nats.jetstream", Boolean.toString(jetstream)));
          WsClient ann = hub.connect("user=ann")) {
        ann.join("big");
        Checkpoint sent = test.checkpoint();
        events.first(3).onComplete(test.succeeding(messages -> test.verify(() -> {
          assertEquals(List.of("small-1", "small-2", "small-3"), ids(messages), "the ones after it, in order");
          sent.flag();
        })));
        publish(ann, "big", 1, "small-1");
        JsonNode ack = publish(ann, "big", "x".repeat(10_000), "huge");
        assertEquals("ack", ack.get("type").asText(), "the hub takes it: its frame is within limits.maxFrameBytes");
        publish(ann, "big", 2, "small-2");
        publish(ann, "big", 3, "small-3");

        AsyncChecks.await(test, "the three small events on hub.events");
        JsonNode page = Eventually.until("the big one in the file", () -> deadLetters(hub),
            p -> p.get("count").asInt() == 1);
        JsonNode entry = page.get("entries").get(0);
        assertEquals("huge", entry.get("msgId").asText());
        assertTrue(entry.get("error").asText().contains("max_payload of 8192"), entry.get("error")::asText);
        assertEquals(10_000, entry.get("data").asText().length(), "the event itself is kept");
        assertEquals(1.0, HubQueries.metric(hub, "hub_nats_rejected_total"));
        assertEquals(1.0, HubQueries.metric(hub, "hub_nats_dead_letters_total{target=\"file\"}"));
        Eventually.until("nothing pending", () -> hub.get("/ready").body(), b -> b.contains("\"pendingBytes\":0"));
        if (jetstream) {
          assertEquals(List.of("small-1", "small-2", "small-3"), JetStreams.messages(service, "BIG").stream()
              .map(m -> m.getHeaders().getFirst("Nats-Msg-Id")).toList());
        }
        assertEquals(3, events.all().size(), "the refused one never reached NATS");
      }
    }
  }

  @Test
  void aDeadLetterFolderThatCannotBeWrittenNeitherStopsTheSenderNorLosesTheLetter(Vertx vertx) throws IOException {
    // A file where the folder should be: no one, root included, can make the folder under it.
    Path blocker = Files.createFile(temp.resolve("blocker"));
    try (NatsServer nats = NatsServer.startJetStream()) {
      Connection service = nats.connect();
      JetStreams.create(service, "PRESENCE", "hub.presence.>");
      try (TestHub hub = TestHub.start(vertx, nats.hubFlags("nats.jetstream", "true", "nats.maxAttempts", "2",
          "nats.dlqDir", blocker.resolve("dlq").toString()));
          WsClient ann = hub.connect("user=ann")) {
        ann.join("late");
        publish(ann, "late", 1, "w-1");
        Eventually.until("the file write failed", () -> HubQueries.metricOrZero(hub,
            "hub_nats_dlq_write_errors_total"), n -> n >= 1);
        assertEquals("UP", Frames.parse(hub.get("/ready").body()).get("checks").get("nats").asText());

        JetStreams.create(service, "LATE", "hub.events.late");
        publish(ann, "late", 2, "w-2");
        publish(ann, "late", 3, "w-3");
        List<String> stored = Eventually.until("the later events stored", () -> JetStreams.messages(service, "LATE")
            .stream().map(m -> m.getHeaders().getFirst("Nats-Msg-Id")).toList(), ids -> ids.size() == 2);
        assertEquals(List.of("w-2", "w-3"), stored);

        Files.delete(blocker);
        JsonNode page = Eventually.until("the held letter written once the folder can be made",
            () -> deadLetters(hub), p -> p.get("count").asInt() == 1);
        assertEquals("w-1", page.get("entries").get(0).get("msgId").asText());
      }
    }
  }

  @Test
  void whenNeitherTheBufferNorTheFileCanTakeMorePublishesAreRefusedAndNothingAcknowledgedIsLost(Vertx vertx,
      VertxTestContext test) throws IOException {
    Path blocker = Files.createFile(temp.resolve("blocker"));
    NatsServer nats = NatsServer.startJetStream();
    Connection service = nats.connect();
    JetStreams.create(service, "FULL", "hub.events.full");
    nats.kill();
    try (nats; TestHub hub = TestHub.start(vertx, nats.hubFlags("nats.bufferBytes", "2048",
        "nats.dlqQueueBytes", "2048", "nats.dlqDir", blocker.resolve("dlq").toString(),
        "nats.connectTimeoutMs", "300"));
        WsClient ann = hub.connect("user=ann"); WsClient bob = hub.connect("user=bob")) {
      ann.join("full");
      bob.join("full");
      String padding = "x".repeat(300);
      List<String> acked = new ArrayList<>();
      String refused = null;
      for (int i = 0; refused == null && i < 100; i++) {
        JsonNode reply = publish(ann, "full", padding, "f-" + i);
        if ("error".equals(reply.get("type").asText())) {
          assertEquals("unavailable", reply.get("code").asText(), reply::toString);
          refused = "f-" + i;
        } else {
          acked.add("f-" + i);
        }
      }
      assertNotNull(refused, "a publish is refused once neither the buffer nor the file's queue has room");
      assertTrue(acked.size() >= 4, () -> "the buffer and the queue held some first: " + acked);
      Checkpoint delivered = test.checkpoint();
      bob.nextEvents("full", acked.size()).onComplete(test.succeeding(received -> test.verify(() -> {
        assertEquals(acked, ids(received), "bob got the acknowledged ones");
        delivered.flag();
      })));
      AsyncChecks.await(test, acked.size() + " acknowledged events at bob");
      assertEquals("pong", ann.request("type", "ping").get("type").asText(), "the connection stays");
      String refusedId = refused;
      assertFalse(bob.waiting().stream().anyMatch(f -> refusedId.equals(f.path("id").asText())),
          "the refused one was not delivered either");
      assertEquals(1.0, HubQueries.metric(hub, "hub_nats_refused_total"));

      Files.delete(blocker);
      nats.restart();
      Eventually.until("the held ones sent", () -> hub.get("/ready").body(),
          b -> b.contains("\"connected\"") && b.contains("\"pendingBytes\":0"));
      Eventually.until("every acknowledged event stored or filed", () -> JetStreams.count(service, "FULL")
          + deadLetters(hub).get("count").asInt(), n -> n == acked.size());
      Set<String> accounted = new HashSet<>(storedIds(service, "FULL"));
      for (JsonNode entry : deadLetters(hub).get("entries")) {
        assertTrue(accounted.add(entry.get("msgId").asText()), () -> "filed and stored: " + entry);
      }
      assertEquals(Set.copyOf(acked), accounted, "each acknowledged event once, on NATS or in the file");

      assertEquals("ack", publish(ann, "full", padding, refused).get("type").asText(),
          "the refused id is not taken for a repeat: sent again, it is accepted");
      Eventually.until("and stored", () -> storedIds(service, "FULL"), ids -> ids.contains(refusedId));
    }
  }

  /**
   * Presence changes are held like events, within the same bounds: with NATS down and the dead-letter file
   * unwritable, a client walking through {@value #CHURNED_ROOMS} rooms (a join and a leave each, far more than
   * both bounds hold) leaves the buffer within {@code nats.bufferBytes} and the file's queue within
   * {@code nats.dlqQueueBytes} (plus the one change admitted just under it); the changes beyond them are dropped
   * and counted. Once NATS is back, what was held goes out and later changes are sent again.
   */
  @Test
  void presenceChurnDuringAnOutageKeepsTheBufferAndTheFilesQueueWithinTheirBounds(Vertx vertx) throws IOException {
    Path blocker = Files.createFile(temp.resolve("blocker"));
    NatsServer nats = NatsServer.start();
    nats.kill();
    try (nats; TestHub hub = TestHub.start(vertx, nats.hubFlags("nats.bufferBytes", Integer.toString(BOUND_BYTES),
        "nats.dlqQueueBytes", Integer.toString(BOUND_BYTES), "nats.dlqDir", blocker.resolve("dlq").toString(),
        "nats.connectTimeoutMs", "300", "limits.joinsPerSecond", "100000", "limits.joinBurst", "100000"));
        WsClient ann = hub.connect("user=ann")) {
      for (int i = 0; i < CHURNED_ROOMS; i++) {
        ann.join("churn-" + i);
        assertEquals("ack", ann.request("type", "leave", "room", "churn-" + i).get("type").asText());
      }
      double buffered = HubQueries.metric(hub, "hub_nats_pending_bytes");
      double queued = HubQueries.metric(hub, "hub_nats_dlq_queued_bytes");
      assertTrue(buffered <= BOUND_BYTES, () -> "the buffer holds " + buffered + " bytes");
      assertTrue(queued <= BOUND_BYTES + ONE_CHANGE_BYTES, () -> "the file's queue holds " + queued + " bytes");
      double dropped = HubQueries.metric(hub, "hub_nats_presence_dropped_total");
      assertTrue(dropped > 0, "the changes beyond both bounds are counted");
      assertTrue(buffered + queued > 0, "the first changes are held");

      Files.delete(blocker);
      nats.restart();
      Connection service = nats.connect();
      NatsMessages changes = NatsMessages.subscribe(service, "hub.presence.after");
      Eventually.until("the held changes sent and filed", 30_000, () -> HubQueries.metric(hub, "hub_nats_pending_bytes")
          + HubQueries.metric(hub, "hub_nats_dlq_queued_bytes"), n -> n == 0);
      Eventually.until("connected", () -> hub.get("/ready").body(), b -> b.contains("\"connected\""));
      ann.join("after");
      Eventually.until("a change made after the outage on NATS", () -> changes.all().size(), n -> n >= 1);
    }
  }

  @Test
  void aSenderThatStopsShowsInReadyAndMetricsAndWhatItHeldIsFiledAtTheStop(Vertx vertx) throws IOException {
    Path dlq = temp.resolve("dlq");
    try (NatsServer nats = NatsServer.start()) {
      TestHub hub = TestHub.start(vertx, nats.hubFlags("node.name", "stopper", "nats.dlqDir", dlq.toString()));
      try (hub; WsClient ann = hub.connect("user=ann")) {
        Eventually.until("connected", () -> hub.get("/ready").body(), b -> b.contains("\"connected\""));
        Thread sender = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("hub-nats-sender-stopper")).findFirst().orElseThrow();
        sender.interrupt();
        JsonNode ready = Eventually.until("nats DOWN", () -> Frames.parse(hub.get("/ready").body()),
            r -> "DOWN".equals(r.path("checks").path("nats").asText()));
        assertTrue(ready.get("reason").asText().contains("sender stopped"), ready::toString);
        assertEquals(503, hub.get("/ready").statusCode());
        assertEquals(1.0, HubQueries.metric(hub, "hub_nats_sender_stops_total"));

        ann.join("orphan");
        assertEquals("ack", publish(ann, "orphan", 1, "o-1").get("type").asText(), "held in the buffer");
      }
      List<String> filed = Files.readAllLines(dlq.resolve("dlq-stopper.jsonl")).stream()
          .map(line -> Frames.parse(line).path("msgId").asText()).toList();
      assertTrue(filed.contains("o-1"), () -> "the stop filed what the buffer held: " + filed);
    }
  }

  private static JsonNode publish(WsClient client, String room, Object data, String id) {
    return client.request("type", "publish", "room", room, "event", "e", "data", data, "id", id);
  }

  private static JsonNode deadLetters(TestHub hub) {
    return Frames.parse(hub.get("/api/dlq?limit=1000").body());
  }

  private static List<String> storedIds(Connection service, String stream) {
    return JetStreams.messages(service, stream).stream().map(MessageInfo::getHeaders)
        .map(h -> h.getFirst("Nats-Msg-Id")).toList();
  }

  private static List<String> ids(List<?> messages) {
    List<String> ids = new ArrayList<>();
    for (Object each : messages) {
      ids.add(each instanceof Message m ? m.getHeaders().getFirst("Nats-Msg-Id") : ((JsonNode) each).get("id")
          .asText());
    }
    return ids;
  }
}

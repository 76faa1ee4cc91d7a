package dev.hub.gateway;

import static dev.hub.test.AsyncChecks.expectClose;
import static dev.hub.test.HubQueries.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batching of PROTOCOL.md section 4 as a client sees it: batchable events come as {@code batch} frames bounded by
 * {@code batch.maxEvents}, a lone one still comes as a one-item batch after the delay, a non-batched event flushes
 * what is held first, replies never wait for a batch, and a graceful stop flushes before {@code bye}. The hubs and
 * their clients run on the extension's Vert.x; a run of deliveries, the events at each member and a close code
 * are checkpoints.
 */
@ExtendWith(VertxExtension.class)
class BatchingTest {
  private static final int MAX_EVENTS = 5;
  private static final String GLOBS = "logs:*,*:stats";

  /** Batches flush on count or after 200 ms. */
  private static TestHub hub;
  /** Batches flush on count (100) or after a minute: in a test, only what the test does flushes them. */
  private static TestHub holdingHub;

  @BeforeAll
  static void startHubs(Vertx vertx) {
    hub = TestHub.start(vertx, "batch.events", GLOBS, "batch.maxEvents", Integer.toString(MAX_EVENTS),
        "batch.maxDelayMs", "200");
    holdingHub = TestHub.start(vertx, "batch.events", GLOBS, "batch.maxEvents", "100", "batch.maxDelayMs", "60000");
  }

  @AfterAll
  static void stopHubs() {
    hub.close();
    holdingHub.close();
  }

  @Test
  void quickEventsComeInBatchesOfAtMostMaxEventsInOrder(VertxTestContext test) {
    String room = "batch-order";
    try (WsClient sender = hub.connect("user=logger"); WsClient receiver = hub.connect()) {
      sender.join(room);
      receiver.join(room);
      Checkpoint acked = test.checkpoint(12);
      for (int i = 0; i < 12; i++) {
        String ref = "p" + i;
        sender.next(f -> ref.equals(f.path("ref").asText())).onComplete(test.succeeding(reply -> test.verify(() -> {
          assertEquals("ack", reply.get("type").asText(), reply::toString);
          acked.flag();
        })));
      }
      Checkpoint delivered = test.checkpoint();
      deliveries(receiver, room, 12, new ArrayList<>()).onComplete(test.succeeding(frames -> test.verify(() -> {
        List<JsonNode> received = new ArrayList<>();
        for (JsonNode frame : frames) {
          assertEquals("batch", frame.get("type").asText(), () -> "a logs:* event came unbatched: " + frame);
          int size = frame.get("events").size();
          assertTrue(size >= 1 && size <= MAX_EVENTS, () -> "batch of " + size + ": " + frame);
          frame.get("events").forEach(received::add);
        }
        assertEquals(12, received.size());
        assertTrue(frames.size() >= 3, "12 events in batches of at most 5 take at least 3 frames");
        for (int i = 0; i < 12; i++) {
          JsonNode event = received.get(i);
          assertEquals("event", event.get("type").asText(), "each item is a complete event frame");
          assertEquals(room, event.get("room").asText());
          assertEquals("logs:line", event.get("event").asText());
          assertEquals(i, event.get("data").asInt(), "order is kept within and across batches");
          assertEquals("logger", event.get("from").asText());
          assertFalse(event.get("id").asText().isEmpty());
          assertTrue(event.get("ts").asLong() > 0);
        }
        delivered.flag();
      })));
      for (int i = 0; i < 12; i++) {
        sender.send("type", "publish", "room", room, "event", "logs:line", "data", i, "ref", "p" + i);
      }
      AsyncChecks.await(test, "12 acks and 12 events in batches of at most " + MAX_EVENTS);
    }
  }

  @Test
  void aLoneBatchableEventStillComesAsAOneItemBatch() {
    String room = "batch-lone";
    try (WsClient sender = hub.connect(); WsClient receiver = hub.connect()) {
      sender.join(room);
      receiver.join(room);
      JsonNode ack = sender.request("type", "publish", "room", room, "event", "logs:solo", "data", "only");

      // Nothing else follows to flush it: only the delay bound can send it, and it must come as a batch.
      JsonNode frame = nextDelivery(receiver, room);
      assertEquals("batch", frame.get("type").asText(), frame::toString);
      assertEquals(1, frame.get("events").size());
      JsonNode event = frame.get("events").get(0);
      assertEquals("event", event.get("type").asText());
      assertEquals("logs:solo", event.get("event").asText());
      assertEquals("only", event.get("data").asText());
      assertEquals(ack.get("id").asText(), event.get("id").asText());
    }
  }

  @Test
  void aNonBatchedEventFlushesWhatIsHeldFirst() {
    String room = "batch-flush";
    try (WsClient sender = holdingHub.connect(); WsClient receiver = holdingHub.connect()) {
      sender.join(room);
      receiver.join(room);
      sender.request("type", "publish", "room", room, "event", "logs:x", "data", 1);
      sender.request("type", "publish", "room", room, "event", "logs:x", "data", 2);
      sender.request("type", "publish", "room", room, "event", "chat", "data", 3);

      // With a one-minute delay and room for 100, only the chat event can have sent the held two.
      JsonNode first = nextDelivery(receiver, room);
      assertEquals("batch", first.get("type").asText(), first::toString);
      assertEquals(2, first.get("events").size(), first::toString);
      assertEquals(1, first.get("events").get(0).get("data").asInt());
      assertEquals(2, first.get("events").get(1).get("data").asInt());
      JsonNode second = nextDelivery(receiver, room);
      assertEquals("event", second.get("type").asText(), second::toString);
      assertEquals("chat", second.get("event").asText());
      assertEquals(3, second.get("data").asInt());
    }
  }

  @Test
  void globsMatchAnyRunOfCharactersAndOtherEventsComePlain() {
    String room = "batch-globs";
    try (WsClient sender = hub.connect(); WsClient receiver = hub.connect()) {
      sender.join(room);
      receiver.join(room);
      for (String batched : List.of("cpu:stats", "a.b:stats", "x:y:stats", "logs:", "logs:a.b:c")) {
        sender.request("type", "publish", "room", room, "event", batched);
        JsonNode frame = nextDelivery(receiver, room);
        assertEquals("batch", frame.get("type").asText(), () -> batched + " should be batched: " + frame);
        assertEquals(batched, frame.get("events").get(0).get("event").asText());
      }
      for (String plain : List.of("chat", "stats", "logs", "cpu:stats.x", "x.logs:y", "cpu:statsx")) {
        sender.request("type", "publish", "room", room, "event", plain);
        JsonNode frame = nextDelivery(receiver, room);
        assertEquals("event", frame.get("type").asText(), () -> plain + " should come plain: " + frame);
        assertEquals(plain, frame.get("event").asText());
      }
    }
  }

  @Test
  void repliesDoNotWaitForAHeldBatchAndAGracefulStopFlushesItBeforeBye(Vertx vertx, VertxTestContext test) {
    String room = "batch-held";
    try (TestHub stopping = TestHub.start(vertx, "batch.events", GLOBS, "batch.maxEvents", "100",
        "batch.maxDelayMs", "60000");
        WsClient alone = stopping.connect()) {
      // Alone in the room and receiving its own event: no other member's presence_diff can flush it, so after
      // the replies below only the shutdown can.
      alone.join(room);
      JsonNode ack = alone.request("type", "publish", "room", room, "event", "logs:held", "data", "kept");
      assertEquals("ack", ack.get("type").asText(), "the ack is not held behind the batch");
      assertEquals("pong", alone.request("type", "ping").get("type").asText());
      assertTrue(alone.waiting().stream().noneMatch(BatchingTest::isDelivery),
          () -> "the event is still held, the replies came first: " + alone.waiting());

      expectClose(test, test.checkpoint(), alone, 1001);
      stopping.stop();
      AsyncChecks.await(test, "close 1001 after the graceful stop");
      List<JsonNode> frames = alone.waiting();
      int batch = indexOf(frames, f -> "batch".equals(f.path("type").asText()));
      int bye = indexOf(frames, f -> "bye".equals(f.path("type").asText()));
      assertTrue(batch >= 0, () -> "the held batch was flushed: " + frames);
      assertEquals(batch + 1, bye, () -> "the batch comes right before bye: " + frames);
      assertEquals(frames.size() - 1, bye, () -> "nothing after bye: " + frames);
      JsonNode event = frames.get(batch).get("events").get(0);
      assertEquals("logs:held", event.get("event").asText());
      assertEquals("kept", event.get("data").asText());
      assertEquals(ack.get("id").asText(), event.get("id").asText());
    }
  }

  @Test
  void metricsCountBatchFrames(VertxTestContext test) {
    String room = "batch-metrics";
    try (WsClient sender = hub.connect(); WsClient receiver = hub.connect()) {
      sender.join(room);
      receiver.join(room);
      double before = metric(hub, "hub_batches_total");
      for (int i = 0; i < MAX_EVENTS; i++) {
        sender.request("type", "publish", "room", room, "event", "disk:stats", "data", i);
      }
      Checkpoint delivered = test.checkpoint(2);
      for (WsClient member : List.of(receiver, sender)) {
        member.nextEvents(room, MAX_EVENTS).onComplete(test.succeeding(events -> test.verify(() -> {
          assertEquals(MAX_EVENTS, events.size());
          delivered.flag();
        })));
      }
      AsyncChecks.await(test, MAX_EVENTS + " events at each of the two members");
      // At least one batch for each of the two members; more when the delay split them.
      Eventually.until("hub_batches_total grown by at least 2 from " + before,
          () -> metric(hub, "hub_batches_total"), batches -> batches >= before + 2);
    }
  }

  /** The next {@code event} or {@code batch} frame of the room, whichever comes first. */
  private static JsonNode nextDelivery(WsClient client, String room) {
    return client.await(isDeliveryOf(room));
  }

  /** The {@code event} and {@code batch} frames of the room, whole and in arrival order, until {@code left} came. */
  private static Future<List<JsonNode>> deliveries(WsClient client, String room, int left, List<JsonNode> frames) {
    if (left <= 0) {
      return Future.succeededFuture(frames);
    }
    return client.next(isDeliveryOf(room)).compose(frame -> {
      frames.add(frame);
      int carried = "batch".equals(frame.path("type").asText()) ? frame.path("events").size() : 1;
      return deliveries(client, room, left - carried, frames);
    });
  }

  private static Predicate<JsonNode> isDeliveryOf(String room) {
    return f -> isDelivery(f) && (room.equals(f.path("room").asText())
        || room.equals(f.path("events").path(0).path("room").asText()));
  }

  private static boolean isDelivery(JsonNode frame) {
    String type = frame.path("type").asText();
    return "event".equals(type) || "batch".equals(type);
  }

  private static int indexOf(List<JsonNode> frames, Predicate<JsonNode> match) {
    for (int i = 0; i < frames.size(); i++) {
      if (match.test(frames.get(i))) {
        return i;
      }
    }
    return -1;
  }
}

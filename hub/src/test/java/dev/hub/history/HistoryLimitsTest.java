package dev.hub.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.HeapCensus;
import dev.hub.test.HubQueries;
import dev.hub.test.TestCluster;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * History at its limits, from outside (PROTOCOL.md section 5): a history of 10,000 events recovers and pages whole
 * on a cluster (Hazelcast reads at most 1,000 items at once); rooms nobody uses any more cost nothing after
 * {@code history.ttlMs}, whether or not anyone reads them, on a cluster and on a single node; and their next event
 * begins a new epoch.
 */
@ExtendWith(VertxExtension.class)
class HistoryLimitsTest {

  @Test
  void aHistoryOfTenThousandRecoversWholeAndPagesBackwardsToItsFirstEvent(Vertx clients) {
    int total = 2_500;
    try (TestCluster cluster = TestCluster.start(clients, 2, "history.rooms", "h:*", "history.size", "10000",
        "limits.publishPerSecond", "100000", "limits.publishBurst", "100000");
        WsClient publisher = cluster.node(0).connect("user=publisher")) {
      String epoch = publisher.join("h:big").get("epoch").asText();
      List<Future<JsonNode>> acks = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 1; i <= total; i++) {
        acks.add(publisher.requestAsync("type", "publish", "room", "h:big", "event", "e", "data", i));
        if (acks.size() == 500) {
          ids.addAll(awaitIds(acks));
          acks.clear();
        }
      }
      ids.addAll(awaitIds(acks));

      try (WsClient back = cluster.node(1).connect("user=back")) {
        JsonNode ack = back.request("type", "join", "room", "h:big", "since", Frames.object("seq", 10, "epoch", epoch));
        assertTrue(ack.get("recovered").asBoolean(), ack::toString);
        assertEquals(total, ack.get("seq").asLong());
        List<JsonNode> replayed = back.events("h:big", total - 10);
        assertEquals(LongStream.rangeClosed(11, total).boxed().toList(),
            replayed.stream().map(e -> e.get("seq").asLong()).toList(), "every missed event once, in order");
      }
      try (WsClient byId = cluster.node(1).connect("user=by-id")) {
        JsonNode ack = byId.request("type", "join", "room", "h:big", "since", ids.get(4));
        assertTrue(ack.get("recovered").asBoolean(), "an id older than the latest page: " + ack);
        assertEquals(6, byId.events("h:big", total - 5).get(0).get("seq").asLong());
      }

      TestHub reader = cluster.node(1);
      List<Long> seqs = new ArrayList<>();
      String before = "";
      int pages = 0;
      while (before != null) {
        JsonNode page = Frames.parse(reader.get("/api/rooms/h:big/history?limit=1000" + before).body());
        List<Long> got = page.get("events").findValues("seq").stream().map(JsonNode::asLong).toList();
        seqs.addAll(0, got);
        before = page.has("next") ? "&before=" + page.get("next").asLong() : null;
        pages++;
      }
      assertEquals(3, pages, "1,000 at a time, newest first");
      assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), seqs, "pages add up to the history once");
      JsonNode reversed = Frames.parse(reader.get("/api/rooms/h:big/history?limit=3&reverse=true&before=100").body());
      assertEquals(List.of(99L, 98L, 97L), reversed.get("events").findValues("seq").stream().map(JsonNode::asLong)
          .toList(), "newest first");
      assertEquals(97, reversed.get("next").asLong());
      JsonNode after = Frames.parse(reader.get("/api/rooms/h:big/history?since=" + ids.get(0) + "&limit=1000").body());
      assertEquals(1000, after.get("events").size());
      assertEquals(2, after.get("events").get(0).get("seq").asLong());
      assertEquals(400, reader.get("/api/rooms/h:big/history?before=0").statusCode());
      assertEquals(400, reader.get("/api/rooms/h:big/history?before=5&since=" + ids.get(0)).statusCode());
    }
  }

  @Test
  void aClusterDropsRoomsNobodyUsesWholeAndTheirNextEventBeginsANewEpoch(Vertx clients) {
    try (TestCluster cluster = TestCluster.start(clients, 2, "history.rooms", "h:*", "history.ttlMs", "1000");
        WsClient walker = cluster.node(0).connect("user=walker")) {
      String epoch = walkThroughRooms(walker, 60);
      for (TestHub node : cluster.nodes()) {
        Eventually.until("every room's history gone from " + node.port(), 30_000,
            () -> HubQueries.metric(node, "hub_history_rooms"), held -> held == 0);
      }
      assertBegunAgain(cluster.node(1), epoch);
    }
  }

  @Test
  void aSingleNodeDropsRoomsNobodyUsesWholeWhetherOrNotAnyoneReadsThem(Vertx vertx) {
    try (TestHub hub = TestHub.start(vertx, "history.rooms", "h:*", "history.ttlMs", "1000");
        WsClient walker = hub.connect("user=walker")) {
      String epoch = walkThroughRooms(walker, 100);
      assertTrue(HeapCensus.liveInstances(KeptEvent.class) > 0, "the rooms just walked through keep their events");
      Eventually.until("every room's history gone", 10_000, () -> HubQueries.metric(hub, "hub_history_rooms"),
          held -> held == 0);
      assertEquals(0, HeapCensus.liveInstances(KeptEvent.class), "no kept event left on the heap");
      assertBegunAgain(hub, epoch);
    }
  }

  /** Joins {@code rooms} rooms in turn, publishes ten 2 KB events in each and leaves; the first room's epoch. */
  private static String walkThroughRooms(WsClient walker, int rooms) {
    String payload = "x".repeat(2048);
    String epoch = null;
    for (int r = 0; r < rooms; r++) {
      String room = "h:walk-" + r;
      String joined = walker.join(room).get("epoch").asText();
      epoch = epoch == null ? joined : epoch;
      for (int i = 0; i < 10; i++) {
        walker.request("type", "publish", "room", room, "event", "e", "data", payload);
      }
      walker.request("type", "leave", "room", room);
    }
    return epoch;
  }

  /** The walker's first room, dropped: a join since its old seq is not recovered, and it begins at seq 0 again. */
  private static void assertBegunAgain(TestHub node, String oldEpoch) {
    try (WsClient late = node.connect("user=late")) {
      JsonNode ack = late.request("type", "join", "room", "h:walk-0", "since", Frames.object("seq", 5, "epoch",
          oldEpoch));
      assertFalse(ack.get("recovered").asBoolean(), ack::toString);
      assertEquals(0, ack.get("seq").asLong());
      assertNotEquals(oldEpoch, ack.get("epoch").asText(), "a new line of history");
      late.request("type", "publish", "room", "h:walk-0", "event", "e", "data", 1);
      assertEquals(1, late.events("h:walk-0", 1).get(0).get("seq").asLong(), "its first event is seq 1");
    }
  }

  private static List<String> awaitIds(List<Future<JsonNode>> acks) {
    List<String> ids = new ArrayList<>();
    for (Future<JsonNode> ack : acks) {
      JsonNode frame;
      try {
        frame = ack.toCompletionStage().toCompletableFuture().get(WsClient.WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new AssertionError("a publish not acknowledged within " + WsClient.WAIT_MS + " ms", e);
      }
      assertEquals("ack", frame.get("type").asText(), frame::toString);
      ids.add(frame.get("id").asText());
    }
    return ids;
  }
}

package dev.hub.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Frames;
import dev.hub.test.TestCluster;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * History and recovery across two clustered nodes (PROTOCOL.md section 5): seq without gaps, missed events
 * replayed on another node with no gap or duplicate at the seam while a publisher goes on, too-old points
 * refused, a cross-node message lost on purpose repaired from the history, and the history API. The nodes run on
 * their own clustered Vert.x, stopped after the class; the clients, the single node and the steady publisher on
 * the Vert.x of the extension; what a member receives is a checkpoint.
 */
@ExtendWith(VertxExtension.class)
class HistoryTest {
  private static TestCluster cluster;

  @BeforeAll
  static void start(Vertx clients) {
    cluster = TestCluster.start(clients, 2, "history.rooms", "h:*", "history.size", "100");
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void joinOfAHistoryRoomCarriesSeqAndEpochAndEventsCarrySeq(VertxTestContext test) {
    try (WsClient ann = cluster.node(0).connect(); WsClient bob = cluster.node(1).connect();
        WsClient third = cluster.node(1).connect()) {
      JsonNode ack = ann.join("h:seq");
      assertEquals(0, ack.get("seq").asLong(), ack::toString);
      assertFalse(ack.get("epoch").asText().isEmpty());
      assertFalse(ack.has("recovered"), "no since, no recovered");
      bob.join("h:seq");
      Checkpoint delivered = test.checkpoint();
      bob.nextEvents("h:seq", 5).onComplete(test.succeeding(events -> test.verify(() -> {
        for (int i = 0; i < 5; i++) {
          assertEquals(i + 1, events.get(i).get("seq").asLong());
          assertEquals(i, events.get(i).get("data").asInt());
        }
        delivered.flag();
      })));
      for (int i = 0; i < 5; i++) {
        ann.request("type", "publish", "room", "h:seq", "event", "e", "data", i);
      }
      AsyncChecks.await(test, "five events with seq 1 to 5 on the other node");
      JsonNode again = third.join("h:seq");
      assertEquals(5, again.get("seq").asLong());
      assertEquals(ack.get("epoch").asText(), again.get("epoch").asText(), "one epoch cluster-wide");
    }
  }

  @Test
  void aClientThatMissedFiftyEventsGetsExactlyThoseOnAnotherNodeWhileThePublisherGoesOn(Vertx vertx,
      VertxTestContext test) {
    try (WsClient publisher = cluster.node(0).connect()) {
      publisher.join("h:missed");
      WsClient reader = cluster.node(0).connect();
      reader.join("h:missed");
      publisher.request("type", "publish", "room", "h:missed", "event", "e", "data", 0);
      JsonNode last = reader.events("h:missed", 1).get(0);
      reader.close();
      for (int i = 1; i <= 50; i++) {
        publisher.request("type", "publish", "room", "h:missed", "event", "e", "data", i);
      }
      // The publisher goes on, one event every 2 ms, while the reader comes back.
      AtomicInteger published = new AtomicInteger(50);
      long publishing = vertx.setPeriodic(2, id -> {
        if (published.get() < 1000) {
          publisher.send("type", "publish", "room", "h:missed", "event", "e", "data", published.incrementAndGet());
        }
      });
      try (WsClient back = cluster.node(1).connect()) {
        Checkpoint recovered = test.checkpoint();
        back.requestAsync("type", "join", "room", "h:missed", "since", last.get("id").asText())
            .compose(ack -> {
              test.verify(() -> assertTrue(ack.get("recovered").asBoolean(), ack::toString));
              return back.nextEvents("h:missed", 150);
            })
            .onComplete(test.succeeding(events -> test.verify(() -> {
              for (int i = 0; i < events.size(); i++) {
                assertEquals(i + 1, events.get(i).get("data").asInt(),
                    () -> "in order, no gap, no duplicate: " + events);
                assertEquals(last.get("seq").asLong() + i + 1, events.get(i).get("seq").asLong());
              }
              recovered.flag();
            })));
        AsyncChecks.await(test, "150 events, the missed ones and then live ones, on the other node");
      } finally {
        vertx.cancelTimer(publishing);
      }
    }
  }

  /**
   * Publishers on both nodes send hundreds of events each without waiting for their acks, so each node has many
   * appends of the room out at once (grouped into one ring operation while one is out): every member still gets
   * seq 1 to N once each, in order, each publisher's events in the order it sent them, and every publish its ack.
   */
  @Test
  void pipelinedPublishesFromTwoNodesKeepSeqWithoutGapsAndEachPublishersOrder(VertxTestContext test) {
    int perPublisher = 300;
    String room = "h:pipelined";
    try (WsClient left = cluster.node(0).connect("user=left"); WsClient right = cluster.node(1).connect("user=right");
        WsClient watcher = cluster.node(1).connect("user=watcher")) {
      for (WsClient client : List.of(left, right, watcher)) {
        client.join(room);
      }
      Checkpoint received = test.checkpoint();
      watcher.nextEvents(room, 2 * perPublisher).onComplete(test.succeeding(events -> test.verify(() -> {
        int nextLeft = 0;
        int nextRight = 0;
        for (int i = 0; i < events.size(); i++) {
          JsonNode event = events.get(i);
          assertEquals(i + 1, event.get("seq").asLong(), () -> "seq without gap or repeat at " + event);
          if ("left".equals(event.get("from").asText())) {
            assertEquals(nextLeft++, event.get("data").asInt(), () -> "left's order at " + event);
          } else {
            assertEquals(nextRight++, event.get("data").asInt(), () -> "right's order at " + event);
          }
        }
        received.flag();
      })));
      Checkpoint acks = test.checkpoint(2 * perPublisher);
      for (int i = 0; i < perPublisher; i++) {
        for (WsClient publisher : List.of(left, right)) {
          publisher.requestAsync("type", "publish", "room", room, "event", "e", "data", i)
              .onComplete(test.succeeding(ack -> test.verify(() -> {
                assertEquals("ack", ack.get("type").asText(), ack::toString);
                acks.flag();
              })));
        }
      }
      AsyncChecks.await(test, "every pipelined publish acknowledged and delivered in seq order");
    }
  }

  @Test
  void sinceAsSeqAndEpochRecoversAndAPointTooOldDoesNot(Vertx vertx) {
    try (TestHub small = TestHub.start(vertx, "history.rooms", "h:*", "history.size", "10");
        WsClient publisher = small.connect()) {
      JsonNode ack = publisher.join("h:old");
      String epoch = ack.get("epoch").asText();
      for (int i = 1; i <= 25; i++) {
        publisher.request("type", "publish", "room", "h:old", "event", "e", "data", i);
      }
      try (WsClient recent = small.connect()) {
        JsonNode ok = recent.request("type", "join", "room", "h:old", "since", Frames.object("seq", 20, "epoch", epoch));
        assertTrue(ok.get("recovered").asBoolean(), ok::toString);
        assertEquals(25, ok.get("seq").asLong());
        List<JsonNode> events = recent.events("h:old", 5);
        assertEquals(21, events.get(0).get("seq").asLong());
        assertEquals(25, events.get(4).get("seq").asLong());
      }
      long seq = 25;
      for (JsonNode since : List.of(Frames.object("seq", 5, "epoch", epoch),
          Frames.object("seq", 20, "epoch", "another-epoch"), Frames.object("seq", 99, "epoch", epoch),
          TextNode.valueOf("no-such-id"))) {
        try (WsClient old = small.connect()) {
          JsonNode refused = old.request("type", "join", "room", "h:old", "since", since);
          assertFalse(refused.get("recovered").asBoolean(), () -> since + " " + refused);
          assertEquals(seq++, refused.get("seq").asLong());
          publisher.request("type", "publish", "room", "h:old", "event", "e", "data", "live");
          JsonNode first = old.events("h:old", 1).get(0);
          assertEquals("live", first.get("data").asText(), "nothing replayed, live events follow");
        }
      }
      try (WsClient plain = small.connect()) {
        JsonNode ack2 = plain.request("type", "join", "room", "no-history", "since", "whatever");
        assertFalse(ack2.has("recovered") || ack2.has("seq") || ack2.has("epoch"), ack2::toString);
      }
    }
  }

  @Test
  void aCrossNodeMessageDroppedOnPurposeIsRepairedBeforeTheNextIsDelivered(VertxTestContext test) {
    AtomicInteger broadcasts = new AtomicInteger();
    cluster.node(0).hub().vertx().eventBus().addOutboundInterceptor((DeliveryContext<Object> ctx) -> {
      String body = String.valueOf(ctx.body());
      // The broadcast's own seq field, not the one escaped inside its frame.
      boolean third = body.contains("\"seq\":3}") || body.contains("\"seq\":3,");
      if (ctx.message().address().endsWith(".broadcast") && body.contains("h:dropped") && third
          && broadcasts.incrementAndGet() == 1) {
        return;
      }
      ctx.next();
    });
    try (WsClient publisher = cluster.node(0).connect(); WsClient remote = cluster.node(1).connect()) {
      publisher.join("h:dropped");
      remote.join("h:dropped");
      Checkpoint repaired = test.checkpoint();
      remote.nextEvents("h:dropped", 5).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals(1, broadcasts.get(), "the third event's broadcast to the other node was dropped");
        for (int i = 0; i < 5; i++) {
          assertEquals(i + 1, events.get(i).get("data").asInt(), () -> "repaired in place: " + events);
          assertEquals(i + 1, events.get(i).get("seq").asLong());
        }
        repaired.flag();
      })));
      for (int i = 1; i <= 5; i++) {
        publisher.request("type", "publish", "room", "h:dropped", "event", "e", "data", i);
      }
      AsyncChecks.await(test, "five events in order on the other node, the dropped one repaired");
    }
  }

  @Test
  void theHistoryApiAnswersTheLatestAndWhatCameAfterAnId() {
    TestHub node = cluster.node(1);
    try (WsClient publisher = cluster.node(0).connect()) {
      publisher.join("h:api");
      List<String> ids = new ArrayList<>();
      for (int i = 1; i <= 8; i++) {
        ids.add(publisher.request("type", "publish", "room", "h:api", "event", "e", "data", i).get("id").asText());
      }
      JsonNode latest = Frames.parse(node.get("/api/rooms/h:api/history?limit=3").body());
      assertEquals("h:api", latest.get("room").asText());
      assertEquals(8, latest.get("seq").asLong());
      assertEquals(3, latest.get("events").size());
      assertEquals(6, latest.get("events").get(0).get("seq").asLong());
      assertEquals("event", latest.get("events").get(0).get("type").asText());
      JsonNode after = Frames.parse(node.get("/api/rooms/h:api/history?since=" + ids.get(4)).body());
      assertTrue(after.get("recovered").asBoolean());
      assertEquals(List.of(6, 7, 8), after.get("events").findValues("data").stream().map(JsonNode::asInt).toList());
      JsonNode unknown = Frames.parse(node.get("/api/rooms/h:api/history?since=nope").body());
      assertFalse(unknown.get("recovered").asBoolean());
      assertEquals(0, unknown.get("events").size());
      assertEquals(404, node.get("/api/rooms/plain/history").statusCode());
      assertEquals(400, node.get("/api/rooms/h:api/history?limit=0").statusCode());
    }
  }
}

package dev.hub.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.NatsMessages;
import dev.hub.test.NatsServer;
import dev.hub.test.TestCluster;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.nats.client.Connection;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two clustered nodes (and a third that stops), each with its bridge to one nats-server: every member once,
 * every event and presence change out once. Each node has its own clustered Vert.x, stopped after the class (or by
 * the test that stops it); the clients run on the class's Vert.x from the extension, and events reaching every
 * member and messages reaching the service are checkpoints.
 */
@ExtendWith(VertxExtension.class)
class NatsClusterTest {
  private static NatsServer nats;
  private static TestCluster cluster;
  private static Connection service;

  @BeforeAll
  static void start(Vertx clients) {
    nats = NatsServer.start();
    List<String> flags = new ArrayList<>(List.of(nats.hubFlags()));
    flags.addAll(List.of("history.rooms", "kept:*"));
    cluster = TestCluster.start(clients, 2, flags.toArray(String[]::new));
    service = nats.connect();
    for (TestHub node : cluster.nodes()) {
      Eventually.until("the bridge of " + node.hub().name() + " connected", () -> node.get("/ready").body(),
          body -> body.contains("\"nats\":\"UP\""));
    }
  }

  @AfterAll
  static void stop() {
    cluster.close();
    nats.close();
  }

  @Test
  void aNatsMessageToAHistoryRoomIsKeptOnceAndReachesEveryNodeWithItsSeq(VertxTestContext test) {
    List<WsClient> members = new ArrayList<>();
    try {
      for (TestHub node : List.of(cluster.node(0), cluster.node(1))) {
        WsClient member = node.connect();
        member.join("kept:nats");
        members.add(member);
      }
      int count = 50;
      Checkpoint delivered = test.checkpoint(members.size());
      for (WsClient member : members) {
        member.nextEvents("kept:nats", count).onComplete(test.succeeding(events -> test.verify(() -> {
          for (int i = 0; i < count; i++) {
            assertEquals(i, events.get(i).get("data").asInt(), "event " + i + " once and in order");
            assertEquals(i + 1, events.get(i).get("seq").asLong(), "kept once: seq without gaps or repeats");
          }
          delivered.flag();
        })));
      }
      for (int i = 0; i < count; i++) {
        service.publish("hub.rooms.kept:nats", bytes("{\"event\":\"tick\",\"data\":" + i + "}"));
      }
      AsyncChecks.await(test, count + " events with their seq at a member on each node");
      JsonNode history = Frames.parse(cluster.node(1).get("/api/rooms/kept:nats/history").body());
      assertEquals(count, history.get("seq").asLong());
      assertEquals(count, history.get("events").size());
    } finally {
      members.forEach(WsClient::close);
    }
  }

  @Test
  void aNatsMessageReachesEveryMemberOnEveryNodeExactlyOnceInOrder(VertxTestContext test) {
    List<WsClient> members = new ArrayList<>();
    try {
      for (TestHub node : cluster.nodes()) {
        for (int i = 0; i < 2; i++) {
          WsClient member = node.connect();
          member.join("shared");
          members.add(member);
        }
      }
      int count = 100;
      Checkpoint delivered = test.checkpoint(members.size());
      for (WsClient member : members) {
        member.nextEvents("shared", count + 1).onComplete(test.succeeding(events -> test.verify(() -> {
          for (int i = 0; i < count; i++) {
            assertEquals(i, events.get(i).get("data").asInt(), "event " + i + " once and in order");
          }
          assertEquals("end", events.get(count).get("event").asText(), "nothing twice before the end");
          delivered.flag();
        })));
      }
      for (int i = 0; i < count; i++) {
        service.publish("hub.rooms.shared", bytes("{\"event\":\"tick\",\"data\":" + i + "}"));
      }
      service.publish("hub.rooms.shared", bytes("{\"event\":\"end\"}"));
      AsyncChecks.await(test, count + 1 + " events at each of " + members.size() + " members");
    } finally {
      members.forEach(WsClient::close);
    }
  }

  @Test
  void aClientPublishGoesOutOnceFromTheNodeThatTookIt(VertxTestContext test) {
    NatsMessages out = NatsMessages.subscribe(service, "hub.events.once");
    NatsMessages presence = NatsMessages.subscribe(service, "hub.presence.once");
    TestHub second = cluster.node(1);
    try (WsClient listener = cluster.node(0).connect(); WsClient publisher = second.connect("user=pub")) {
      listener.join("once");
      publisher.join("once");
      int count = 20;
      Checkpoint arrived = test.checkpoint(3);
      listener.nextEvents("once", count).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals(count, events.size(), "the other node's member got them");
        arrived.flag();
      })));
      out.first(count).onComplete(test.succeeding(messages -> test.verify(() -> {
        for (int i = 0; i < count; i++) {
          JsonNode body = NatsMessages.json(messages.get(i));
          assertEquals(i, body.get("data").asInt());
          assertEquals(second.hub().name(), body.get("node").asText());
        }
        arrived.flag();
      })));
      presence.first(2).onComplete(test.succeeding(joins -> test.verify(() -> {
        assertEquals(2, joins.size());
        arrived.flag();
      })));
      for (int i = 0; i < count; i++) {
        publisher.request("type", "publish", "room", "once", "event", "e", "data", i);
      }
      AsyncChecks.await(test, count + " events at the other node's member and on hub.events, two joins on presence");
      NatsMessages.flush(service);
      // Both nodes flushed by now too: a second copy would have been confirmed and delivered already.
      Eventually.until("both bridges idle", () -> cluster.nodes().stream()
          .allMatch(n -> n.get("/ready").body().contains("\"pendingBytes\":0")), idle -> idle);
      NatsMessages.flush(service);
      assertEquals(count, out.all().size(), "each publish once, not once per node");
      assertEquals(2, presence.all().size(), "each join once");
    }
  }

  @Test
  void aStoppingNodesMembersLeaveOnNatsOnceBeforeItsBridgeStops(VertxTestContext test) {
    NatsMessages presence = NatsMessages.subscribe(service, "hub.presence.farewell");
    TestHub leaving = cluster.addNode();
    Eventually.until("the new node's bridge connected", () -> leaving.get("/ready").body(),
        body -> body.contains("\"nats\":\"UP\""));
    WsClient member = leaving.connect("user=leaver");
    member.join("farewell");
    assertEquals("join", NatsMessages.json(presence.await(1).get(0)).get("type").asText());

    Checkpoint left = test.checkpoint();
    presence.first(2).onComplete(test.succeeding(changes -> test.verify(() -> {
      JsonNode leave = NatsMessages.json(changes.get(1));
      assertEquals("leave", leave.get("type").asText());
      assertEquals("leaver", leave.get("user").asText());
      assertEquals(leaving.hub().name(), leave.get("node").asText(), "sent by the node itself, while draining");
      left.flag();
    })));
    leaving.close();
    AsyncChecks.await(test, "the stopped node's member's leave on hub.presence");
    NatsMessages.flush(service);
    assertEquals(2, presence.all().size(), () -> "one join, one leave: " + presence.all());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

package dev.hub.cluster;

import static dev.hub.test.AsyncChecks.expectClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.TestCluster;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three real nodes in one JVM, clustered through Hazelcast, behaving as one hub. Each node has its own clustered
 * Vert.x, stopped after the class; the clients run on the class's Vert.x from the extension, and what arrives at
 * many members is a checkpoint per member.
 */
@ExtendWith(VertxExtension.class)
class ClusterTest {
  private static TestCluster cluster;

  @BeforeAll
  static void startCluster(Vertx clients) {
    cluster = TestCluster.start(clients, 3);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Test
  void broadcastsReachEveryMemberOnEveryNodeExactlyOnceAndInOrder(VertxTestContext test) {
    List<WsClient> members = new ArrayList<>();
    try {
      for (TestHub node : cluster.nodes()) {
        for (int i = 0; i < 2; i++) {
          WsClient member = node.connect();
          member.join("fanout");
          members.add(member);
        }
      }
      WsClient publisher = members.get(0);
      int count = 300;
      Checkpoint delivered = test.checkpoint(members.size());
      for (WsClient member : members) {
        member.nextEvents("fanout", count + 1).onComplete(test.succeeding(events -> test.verify(() -> {
          for (int i = 0; i < count; i++) {
            assertEquals(i, events.get(i).get("data").asInt(), "event " + i + " in order");
          }
          // The one published after the 300 proves nothing extra was queued behind them.
          assertEquals("end", events.get(count).get("event").asText());
          assertEquals(count + 1, events.size(), "no batch ran past the end");
          delivered.flag();
        })));
      }
      for (int i = 0; i < count; i++) {
        publisher.send("type", "publish", "room", "fanout", "event", "tick", "data", i);
      }
      publisher.request("type", "publish", "room", "fanout", "event", "end");
      AsyncChecks.await(test, count + 1 + " events at each of " + members.size() + " members");
    } finally {
      members.forEach(WsClient::close);
    }
  }

  @Test
  void publishersOnEveryNodeKeepTheirOwnOrder(VertxTestContext test) {
    List<WsClient> clients = new ArrayList<>();
    try {
      for (TestHub node : cluster.nodes()) {
        WsClient client = node.connect();
        client.join("many-publishers");
        clients.add(client);
      }
      int perPublisher = 100;
      int total = perPublisher * clients.size();
      Checkpoint delivered = test.checkpoint(clients.size());
      for (WsClient client : clients) {
        client.nextEvents("many-publishers", total).onComplete(test.succeeding(events -> test.verify(() -> {
          int[] next = new int[clients.size()];
          for (JsonNode event : events) {
            int p = Integer.parseInt(event.get("event").asText().substring(1));
            assertEquals(next[p]++, event.get("data").asInt(), "publisher " + p + " order");
          }
          assertEquals(total, events.size());
          delivered.flag();
        })));
      }
      for (int i = 0; i < perPublisher; i++) {
        for (int p = 0; p < clients.size(); p++) {
          clients.get(p).send("type", "publish", "room", "many-publishers", "event", "p" + p, "data", i);
        }
      }
      AsyncChecks.await(test, total + " events at each of " + clients.size() + " members");
    } finally {
      clients.forEach(WsClient::close);
    }
  }

  @Test
  void joinAcksCountMembersClusterWideAndDiffsCrossNodes() {
    try (WsClient a = cluster.node(0).connect("user=ca"); WsClient b = cluster.node(1).connect("user=cb");
        WsClient c = cluster.node(2).connect("user=cc")) {
      assertEquals(1, a.join("counted").get("members").asInt());
      assertEquals(2, b.join("counted").get("members").asInt());
      assertEquals(3, c.join("counted").get("members").asInt());
      assertEquals("cb", a.await("presence_diff").get("joins").get(0).get("user").asText());
      assertEquals("cc", a.await("presence_diff").get("joins").get(0).get("user").asText());
      c.request("type", "leave", "room", "counted");
      assertEquals("cc", a.await("presence_diff").get("leaves").get(0).get("user").asText());
      assertEquals("cc", b.await(f -> "presence_diff".equals(f.path("type").asText())
          && f.path("leaves").size() == 1).get("leaves").get(0).get("user").asText());
    }
  }

  @Test
  void everyNodeAnswersTheSamePresence() {
    try (WsClient a = cluster.node(0).connect("user=pa"); WsClient b = cluster.node(1).connect("user=pb");
        WsClient b2 = cluster.node(1).connect("user=pa")) {
      a.join("agree");
      b.join("agree");
      b2.join("agree-too");
      for (TestHub node : cluster.nodes()) {
        JsonNode room = Frames.parse(node.get("/api/rooms/agree/presence").body());
        assertEquals(2, room.get("count").asInt(), "room presence on " + node.hub().name());
        Set<String> users = new TreeSet<>();
        room.get("members").forEach(m -> users.add(m.get("user").asText()));
        assertEquals(Set.of("pa", "pb"), users);
        JsonNode user = Frames.parse(node.get("/api/users/pa/presence").body());
        assertTrue(user.get("online").asBoolean());
        assertEquals(2, user.get("sessions").size());
        JsonNode nodes = Frames.parse(node.get("/api/nodes").body());
        assertEquals(3, nodes.get("nodes").size());
        JsonNode totals = Frames.parse(node.get("/api/presence").body());
        assertEquals(3, totals.get("nodes").asInt());
        assertTrue(totals.get("connections").asInt() >= 3);
        JsonNode rooms = Frames.parse(node.get("/api/rooms?prefix=agree").body());
        assertEquals(2, rooms.get("rooms").size());
        assertEquals("agree", rooms.get("rooms").get(0).get("room").asText());
        assertEquals("agree-too", rooms.get("rooms").get(1).get("room").asText());
      }
      JsonNode fromNodes = Frames.parse(cluster.node(2).get("/api/nodes").body());
      int connections = 0;
      for (JsonNode node : fromNodes.get("nodes")) {
        connections += node.get("connections").asInt();
        assertTrue(node.get("address").asText().startsWith("127.0.0.1:"));
      }
      assertTrue(connections >= 3);
    }
  }

  @Test
  void aRetryThroughAnotherNodeIsRecognisedAsARepeat() {
    try (WsClient watcher = cluster.node(2).connect()) {
      watcher.join("retry");
      try (WsClient first = cluster.node(0).connect("user=retrier")) {
        first.join("retry");
        assertEquals("once", first.request("type", "publish", "room", "retry", "event", "e", "id", "once",
            "data", 1).get("id").asText());
      }
      // The client lost its connection and retries the same publish through another node.
      try (WsClient retry = cluster.node(1).connect("user=retrier")) {
        retry.join("retry");
        JsonNode ack = retry.request("type", "publish", "room", "retry", "event", "e", "id", "once", "data", 2);
        assertEquals("once", ack.get("id").asText(), "acknowledged again with the same id");
        retry.request("type", "publish", "room", "retry", "event", "e", "id", "next", "data", 3);
      }
      List<JsonNode> events = watcher.events("retry", 2);
      assertEquals(1, events.get(0).get("data").asInt());
      assertEquals(3, events.get(1).get("data").asInt(), "the retry was not delivered a second time");
    }
  }

  @Test
  void anHttpPublishOnAnyNodeReachesMembersOnAllNodes() {
    try (WsClient a = cluster.node(0).connect(); WsClient c = cluster.node(2).connect()) {
      a.join("from-http");
      c.join("from-http");
      String body = Frames.object("event", "notice", "data", "hello").toString();
      assertEquals(202, cluster.node(1).post("/api/rooms/from-http/events", body).statusCode());
      for (WsClient member : List.of(a, c)) {
        JsonNode event = member.events("from-http", 1).get(0);
        assertEquals("hello", event.get("data").asText());
        assertTrue(!event.has("from"));
      }
    }
  }

  @Test
  void aNodeThatJoinsLaterAndThenStopsGracefullyTakesItsSessionsAlong(VertxTestContext test) {
    TestHub late = cluster.addNode();
    try (WsClient early = cluster.node(0).connect("user=early")) {
      early.join("late-room");
      WsClient lateMember = late.connect("user=late");
      assertEquals(2, lateMember.join("late-room").get("members").asInt());
      early.request("type", "publish", "room", "late-room", "event", "to-late", "echo", false);
      assertEquals("to-late", lateMember.events("late-room", 1).get(0).get("event").asText());
      lateMember.request("type", "publish", "room", "late-room", "event", "from-late");
      assertEquals("from-late", early.events("late-room", 1).get(0).get("event").asText());

      expectClose(test, test.checkpoint(), lateMember, 1001);
      late.stop();
      AsyncChecks.await(test, "close 1001 of the stopped node's session");
      // Read your writes: once the stop is done, every node already shows the sessions gone.
      for (int i = 0; i < 3; i++) {
        JsonNode room = Frames.parse(cluster.node(i).get("/api/rooms/late-room/presence").body());
        assertEquals(1, room.get("count").asInt());
        assertEquals(3, Frames.parse(cluster.node(i).get("/api/nodes").body()).get("nodes").size());
      }
      JsonNode leave = early.await(f -> "presence_diff".equals(f.path("type").asText()) && f.path("leaves").size() > 0);
      assertEquals("late", leave.get("leaves").get(0).get("user").asText());
    }
  }

  @Test
  void presenceUnderChurnEndsWithExactlyTheExpectedMembers(VertxTestContext test) {
    int perNode = 8;
    int cycles = 40;
    List<String> rooms = List.of("churn-0", "churn-1", "churn-2", "churn-3");
    List<WsClient> clients = new ArrayList<>();
    try {
      for (TestHub node : cluster.nodes()) {
        for (int i = 0; i < perNode; i++) {
          clients.add(node.connect("user=churner-" + clients.size()));
        }
      }
      Checkpoint acked = test.checkpoint(clients.size());
      for (WsClient client : clients) {
        client.next(f -> "final".equals(f.path("ref").asText())).onComplete(test.succeeding(ack -> test.verify(() -> {
          assertEquals("ack", ack.get("type").asText(), ack::toString);
          acked.flag();
        })));
      }
      // Each client joins and leaves every room many times without waiting, ending in room (index mod 4).
      for (int c = 0; c < clients.size(); c++) {
        WsClient client = clients.get(c);
        for (int cycle = 0; cycle < cycles; cycle++) {
          String room = rooms.get((c + cycle) % rooms.size());
          client.send("type", "join", "room", room);
          client.send("type", "leave", "room", room);
        }
        client.send("type", "join", "room", rooms.get(c % rooms.size()), "ref", "final");
      }
      AsyncChecks.await(test, "the final join acknowledged at each of " + clients.size() + " clients");
      for (int r = 0; r < rooms.size(); r++) {
        Set<String> expected = new HashSet<>();
        for (int c = r; c < clients.size(); c += rooms.size()) {
          expected.add("churner-" + c);
        }
        for (TestHub node : cluster.nodes()) {
          JsonNode presence = Frames.parse(node.get("/api/rooms/" + rooms.get(r) + "/presence").body());
          Set<String> users = new HashSet<>();
          presence.get("members").forEach(m -> users.add(m.get("user").asText()));
          assertEquals(expected, users, rooms.get(r) + " on " + node.hub().name());
        }
      }
    } finally {
      clients.forEach(WsClient::close);
    }
    Eventually.until("churn rooms empty after the clients closed", 10_000,
        () -> Frames.parse(cluster.node(0).get("/api/rooms?prefix=churn").body()).get("rooms").size(),
        size -> size == 0);
  }
}

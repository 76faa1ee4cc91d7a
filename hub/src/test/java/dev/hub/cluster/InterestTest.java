package dev.hub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
import dev.hub.test.HeapCensus;
import dev.hub.test.TestCluster;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A join is acknowledged only once a publish from any node reaches it, whatever is starting at the time: joins
 * made while a node joins the cluster, and during a cold start of three, all get every node's publishes. The
 * nodes run on their own clustered Vert.x, stopped at the end of each test; the clients on the test's Vert.x,
 * and every member's events are a checkpoint.
 */
@ExtendWith(VertxExtension.class)
class InterestTest {
  private static final int MAX_JOINS = 150;
  /** Room names a client walks through on one node, each joined and left. */
  private static final int WALKED_ROOMS = 2_000;
  /** Joins and leaves sent at once, so the walk takes seconds, not minutes. */
  private static final int WALK_CHUNK = 50;
  /** Rooms joined, left and joined again in a row on one node, each then published to from the other. */
  private static final int REJOINED_ROOMS = 40;

  @Test
  void joinsWhileANodeStartsGetThatNodesPublishes(Vertx vertx, VertxTestContext test) {
    try (TestCluster cluster = TestCluster.start(vertx, 2)) {
      Future<TestHub> starting = cluster.addNodeAsync();
      List<WsClient> members = new ArrayList<>();
      try {
        for (int i = 0; i < MAX_JOINS && !starting.isComplete(); i++) {
          WsClient member = cluster.node(i % 2).connect();
          member.join("starting");
          members.add(member);
        }
        TestHub third = starting.await(90, TimeUnit.SECONDS);
        awaitReady(third);
        WsClient late = third.connect();
        late.join("starting");
        members.add(late);
        assertTrue(members.size() >= 2, "a join was made while the node started, and one after");
        expectOneEventFromEachNode(test, members, "starting", 3);
        for (TestHub publisher : cluster.nodes()) {
          try (WsClient client = publisher.connect()) {
            client.join("starting");
            client.request("type", "publish", "room", "starting", "event", "from", "data", publisher.hub().name());
          }
        }
        AsyncChecks.await(test, "an event from each node at each of " + members.size() + " members");
      } catch (Exception e) {
        throw new AssertionError("the third node did not start", e);
      } finally {
        members.forEach(WsClient::close);
      }
    }
  }

  @Test
  void joinsDuringAColdStartOfThreeGetEveryNodesPublishes(Vertx vertx, VertxTestContext test) {
    List<Future<TestHub>> nodes = new ArrayList<>();
    try (TestCluster cluster = TestCluster.starting(vertx, 3, nodes)) {
      List<WsClient> members = new ArrayList<>();
      try {
        Eventually.until("a first node up", 90_000, () -> cluster.nodes().size(), n -> n > 0);
        for (int i = 0; i < MAX_JOINS && cluster.nodes().size() < 3; i++) {
          List<TestHub> up = cluster.nodes();
          WsClient member = up.get(i % up.size()).connect();
          member.join("cold");
          members.add(member);
        }
        TestCluster.awaitAll(nodes);
        cluster.nodes().forEach(InterestTest::awaitReady);
        expectOneEventFromEachNode(test, members, "cold", 3);
        for (TestHub publisher : cluster.nodes()) {
          try (WsClient client = publisher.connect()) {
            client.join("cold");
            client.request("type", "publish", "room", "cold", "event", "from", "data", publisher.hub().name());
          }
        }
        AsyncChecks.await(test, "an event from each node at each of " + members.size() + " members");
      } finally {
        members.forEach(WsClient::close);
      }
    }
  }

  /**
   * A peer keeps interest only while it is on: after a client walked through {@value #WALKED_ROOMS} room names on
   * one node, the other node's interest table is back to what it was (counted in the heap after a full GC, both
   * nodes being in this JVM). And forgetting loses nothing: a room joined, left and joined again at once on one
   * node gets the other node's publish made right after the second join's ack, each of {@value #REJOINED_ROOMS}
   * times (the "off" and the newer "on" may reach the peer in either order).
   */
  @Test
  void interestTurnedOffIsForgottenByPeersAndARoomJoinedAgainStillGetsEveryNodesPublishes(Vertx vertx,
      VertxTestContext test) throws Exception {
    try (TestCluster cluster = TestCluster.start(vertx, 2, "limits.joinsPerSecond", "100000",
        "limits.joinBurst", "100000")) {
      cluster.nodes().forEach(InterestTest::awaitReady);
      Class<?> entry = Class.forName(PeerInterest.class.getName() + "$Known");
      long baseline = HeapCensus.liveInstances(entry);
      try (WsClient walker = cluster.node(0).connect()) {
        for (int from = 0; from < WALKED_ROOMS; from += WALK_CHUNK) {
          List<String> rooms = IntStream.range(from, from + WALK_CHUNK).mapToObj(i -> "walked-" + i).toList();
          expectAcks(rooms.stream().map(room -> walker.requestAsync("type", "join", "room", room)).toList());
          expectAcks(rooms.stream().map(room -> walker.requestAsync("type", "leave", "room", room)).toList());
        }
      }
      Eventually.until("the peers' interest back to its baseline of " + baseline + " entries", 30_000,
          () -> HeapCensus.liveInstances(entry), live -> live <= baseline);

      try (WsClient member = cluster.node(1).connect()) {
        Checkpoint delivered = test.checkpoint(REJOINED_ROOMS);
        for (int i = 0; i < REJOINED_ROOMS; i++) {
          String room = "walked-" + i;
          member.join(room);
          member.request("type", "leave", "room", room);
          member.join(room);
          member.nextEvents(room, 1).onComplete(test.succeeding(events -> test.verify(() -> {
            assertEquals("after-rejoin", events.get(0).get("event").asText());
            delivered.flag();
          })));
          assertEquals(202, cluster.node(0).post("/api/rooms/" + room + "/events",
              "{\"event\":\"after-rejoin\",\"data\":" + i + "}").statusCode());
        }
        AsyncChecks.await(test, "the publish after each rejoin at the member on the other node");
      }
    }
  }

  private static void expectAcks(List<Future<JsonNode>> replies) throws Exception {
    for (Future<JsonNode> reply : replies) {
      JsonNode frame = reply.await(30, TimeUnit.SECONDS);
      assertEquals("ack", frame.path("type").asText(), frame::toString);
    }
  }

  private static void awaitReady(TestHub node) {
    Eventually.until(node.hub().name() + " ready", 30_000, () -> node.get("/ready").statusCode(), s -> s == 200);
  }

  /** A checkpoint per member, flagged once its first {@code publishers} events are from as many nodes. */
  private static void expectOneEventFromEachNode(VertxTestContext test, List<WsClient> members, String room,
      int publishers) {
    Checkpoint delivered = test.checkpoint(members.size());
    for (WsClient member : members) {
      member.nextEvents(room, publishers).onComplete(test.succeeding(events -> test.verify(() -> {
        assertEquals(publishers, events.stream().map(e -> e.get("data").asText()).distinct().count(),
            () -> "one event from each node: " + events);
        delivered.flag();
      })));
    }
  }
}

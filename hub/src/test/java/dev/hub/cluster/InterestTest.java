package dev.hub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
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

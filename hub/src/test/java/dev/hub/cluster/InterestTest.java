package dev.hub.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.Eventually;
import dev.hub.test.TestCluster;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A join is acknowledged only once a publish from any node reaches it, whatever is starting at the time: joins
 * made while a node joins the cluster, and during a cold start of three, all get every node's publishes.
 */
class InterestTest {
  private static final int MAX_JOINS = 150;

  @Test
  void joinsWhileANodeStartsGetThatNodesPublishes() {
    try (TestCluster cluster = TestCluster.start(2)) {
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
        for (TestHub publisher : cluster.nodes()) {
          try (WsClient client = publisher.connect()) {
            client.join("starting");
            client.request("type", "publish", "room", "starting", "event", "from", "data", publisher.hub().name());
          }
        }
        assertEveryMemberGot(members, "starting", 3);
      } catch (Exception e) {
        throw new AssertionError("the third node did not start", e);
      } finally {
        members.forEach(WsClient::close);
      }
    }
  }

  @Test
  void joinsDuringAColdStartOfThreeGetEveryNodesPublishes() {
    List<Future<TestHub>> nodes = new ArrayList<>();
    try (TestCluster cluster = TestCluster.starting(3, nodes)) {
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
        for (TestHub publisher : cluster.nodes()) {
          try (WsClient client = publisher.connect()) {
            client.join("cold");
            client.request("type", "publish", "room", "cold", "event", "from", "data", publisher.hub().name());
          }
        }
        assertEveryMemberGot(members, "cold", 3);
      } finally {
        members.forEach(WsClient::close);
      }
    }
  }

  private static void awaitReady(TestHub node) {
    Eventually.until(node.hub().name() + " ready", 30_000, () -> node.get("/ready").statusCode(), s -> s == 200);
  }

  private static void assertEveryMemberGot(List<WsClient> members, String room, int publishers) {
    for (WsClient member : members) {
      List<JsonNode> events = member.events(room, publishers);
      assertEquals(publishers, events.stream().map(e -> e.get("data").asText()).distinct().count(),
          () -> "one event from each node: " + events);
    }
  }
}

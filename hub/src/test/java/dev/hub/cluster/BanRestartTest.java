package dev.hub.cluster;

import static dev.hub.test.BanChecks.assertAdmitted;
import static dev.hub.test.BanChecks.assertBanned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.Frames;
import dev.hub.test.TestCluster;
import dev.hub.test.TestHub;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A ban survives the restart of any one node (PROTOCOL.md section 6): three nodes with auth off, the user named by
 * {@code ?user=}; the node that took the ban stops and a fresh node joins, and every node, the fresh one included,
 * still refuses the user, while others come in.
 */
@ExtendWith(VertxExtension.class)
class BanRestartTest {
  private TestCluster cluster;

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aBanOutlivesTheNodeThatTookItAndReachesANodeThatJoinsLater(Vertx clients) {
    cluster = TestCluster.start(clients, 3);
    TestHub taker = cluster.node(0);
    HttpResponse<String> banned = taker.post("/api/users/mallory/disconnect", "{\"banForMs\":600000}");
    assertEquals(200, banned.statusCode(), banned::body);
    long until = Frames.parse(banned.body()).path("bannedUntil").asLong();
    for (TestHub node : cluster.nodes()) {
      assertBanned(node, "user=mallory");
    }

    taker.stop();
    TestHub fresh = cluster.addNode();
    List<TestHub> live = List.of(cluster.node(1), cluster.node(2), fresh);
    for (TestHub node : live) {
      assertBanned(node, "user=mallory");
      assertAdmitted(node, "user=trent");
    }
    JsonNode bans = Frames.parse(fresh.get("/api/bans").body()).path("bans");
    assertEquals(1, bans.size(), bans::toString);
    assertEquals("mallory", bans.path(0).path("user").asText());
    assertEquals(until, bans.path(0).path("until").asLong());

    HttpResponse<String> lifted = fresh.send(java.net.http.HttpRequest.newBuilder(fresh.uri("/api/users/mallory/ban"))
        .DELETE());
    assertEquals(200, lifted.statusCode(), lifted::body);
    assertTrue(Frames.parse(lifted.body()).path("lifted").asBoolean(), lifted::body);
    for (TestHub node : live) {
      assertAdmitted(node, "user=mallory");
    }
  }
}

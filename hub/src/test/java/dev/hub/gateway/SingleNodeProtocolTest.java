package dev.hub.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hub.test.AsyncChecks;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The protocol suite against one node on the class's Vert.x: both clients of each test on it. */
class SingleNodeProtocolTest extends ProtocolSuite {
  private static TestHub hub;

  @BeforeAll
  static void startHub(Vertx vertx) {
    hub = TestHub.start(vertx, SETTINGS);
  }

  @AfterAll
  static void stopHub() {
    hub.close();
  }

  @Override
  TestHub first() {
    return hub;
  }

  @Override
  TestHub second() {
    return hub;
  }

  @Test
  void noDiffsAboveDiffMaxMembers(Vertx vertx, VertxTestContext test) {
    try (TestHub small = TestHub.start(vertx, "presence.diffMaxMembers", "1");
        WsClient ann = small.connect(); WsClient bob = small.connect()) {
      ann.join("big");
      assertEquals(2, bob.join("big").get("members").asInt());
      ann.request("type", "publish", "room", "big", "event", "marker");
      Checkpoint delivered = test.checkpoint();
      ann.nextEvents("big", 1).onComplete(test.succeeding(events -> delivered.flag()));
      AsyncChecks.await(test, "the marker event, which follows any diff of bob's join");
      assertTrue(ann.waiting().stream().noneMatch(f -> "presence_diff".equals(f.path("type").asText())));
    }
  }
}

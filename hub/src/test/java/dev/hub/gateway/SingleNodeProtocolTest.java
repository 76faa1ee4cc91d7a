package dev.hub.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The protocol suite against one node: both clients of each test on it. */
class SingleNodeProtocolTest extends ProtocolSuite {
  private static TestHub hub;

  @BeforeAll
  static void startHub() {
    hub = TestHub.start(SETTINGS);
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
  void noDiffsAboveDiffMaxMembers() {
    try (TestHub small = TestHub.start("presence.diffMaxMembers", "1");
        WsClient ann = small.connect(); WsClient bob = small.connect()) {
      ann.join("big");
      assertEquals(2, bob.join("big").get("members").asInt());
      ann.request("type", "publish", "room", "big", "event", "marker");
      ann.events("big", 1);
      assertTrue(ann.waiting().stream().noneMatch(f -> "presence_diff".equals(f.path("type").asText())));
    }
  }
}

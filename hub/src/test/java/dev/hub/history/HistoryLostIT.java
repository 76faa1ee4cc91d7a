package dev.hub.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.Frames;
import dev.hub.test.HubProcess;
import dev.hub.test.ProcessCluster;
import dev.hub.test.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three processes of the built jar; two of them killed with SIGKILL at once, so whatever copies of a history room
 * they held are gone, and the survivor may be one side of a split for all it knows. Its member of the room is not
 * left waiting for events that will never come (PROTOCOL.md section 5, rule 3): the next publish begins a new
 * line, the member gets {@code reset} and then the new events; a join with a point of the old line is told
 * {@code recovered:false}.
 */
class HistoryLostIT {
  private static final String ROOM = "kept:lost";

  @Test
  void theSurvivorOfTwoNodesKilledAtOnceResetsItsMembersAndGoesOn() {
    try (ProcessCluster cluster = ProcessCluster.start(3, "lost", Map.of(
        "HUB_CLUSTER_FAILURE_DETECTION_MS", "3000",
        "HUB_HISTORY_ROOMS", "kept:*"))) {
      List<HubProcess> nodes = cluster.nodes();
      HubProcess survivor = nodes.get(2);
      try (WsClient member = survivor.connect("user=member"); WsClient publisher = nodes.get(0).connect(
          "user=publisher")) {
        String oldEpoch = member.join(ROOM).get("epoch").asText();
        publisher.join(ROOM);
        for (int i = 1; i <= 20; i++) {
          publisher.request("type", "publish", "room", ROOM, "event", "e", "data", i);
        }
        assertEquals(20, member.events(ROOM, 20).get(19).get("seq").asLong());

        nodes.get(0).kill();
        nodes.get(1).kill();
        assertEquals(137, nodes.get(0).awaitExit(10_000), "SIGKILL");
        assertEquals(137, nodes.get(1).awaitExit(10_000), "SIGKILL");

        try (WsClient local = survivor.connect("user=local")) {
          local.join(ROOM);
          JsonNode ack = local.request("type", "publish", "room", ROOM, "event", "e", "data", 21);
          assertEquals("ack", ack.get("type").asText(), ack::toString);
          JsonNode reset = member.await("reset");
          assertEquals(ROOM, reset.get("room").asText());
          assertNotEquals(oldEpoch, reset.get("epoch").asText(), "a new line: " + reset);
          JsonNode next = member.events(ROOM, 1).get(0);
          assertEquals(reset.get("seq").asLong() + 1, next.get("seq").asLong(), "the events after the reset");
          assertEquals(21, next.get("data").asInt());
        }
        try (WsClient back = survivor.connect("user=back")) {
          JsonNode ack = back.request("type", "join", "room", ROOM, "since", Frames.object("seq", 20, "epoch", oldEpoch));
          assertFalse(ack.get("recovered").asBoolean(), "the old line is gone: " + ack);
        }
      }
    }
  }
}

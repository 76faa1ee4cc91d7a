package dev.hub.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.presence.Totals;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Frames;
import dev.hub.test.RawWebSocket;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Graceful shutdown, in one JVM (DESIGN.md, PROTOCOL.md section 1): held batches are flushed, every client gets
 * {@code bye} and close 1001, presence is cleaned up, the stop fits in {@code shutdown.graceMs}, and a draining
 * node refuses new upgrades with 503 and reports itself not ready. The hub and its clients run on the test's
 * Vert.x; each client's close and the refused upgrade are checkpoints.
 */
@ExtendWith(VertxExtension.class)
class ShutdownTest {
  private static final long GRACE_MS = 5_000;
  private static final JsonNode BYE = Frames.object("type", "bye", "reason", "shutdown", "reconnect", true);

  @Test
  void stopFlushesSaysByeAndClosesEveryClientWith1001WithinTheGracePeriod(Vertx vertx, VertxTestContext test)
      throws Exception {
    TestHub hub = TestHub.start(vertx, "shutdown.graceMs", Long.toString(GRACE_MS), "batch.events", "logs:*",
        "batch.maxEvents", "100", "batch.maxDelayMs", "60000");
    List<WsClient> members = new ArrayList<>();
    WsClient loner = null;
    try (RawWebSocket silent = RawWebSocket.connect(hub.port(), "user=silent")) {
      for (int i = 0; i < 6; i++) {
        WsClient member = hub.connect("user=member-" + i);
        member.join("shutdown-" + (i % 2));
        member.join("shutdown-all");
        members.add(member);
      }
      // Each member first hears of everyone who joined after it: a presence_diff arriving after the publish
      // would flush the held batch before the drain does.
      for (int i = 0; i < members.size(); i++) {
        for (int j = i + 1; j < members.size(); j++) {
          awaitJoinDiff(members.get(i), "shutdown-all", "member-" + j);
          if (i % 2 == j % 2) {
            awaitJoinDiff(members.get(i), "shutdown-" + (i % 2), "member-" + j);
          }
        }
      }
      JsonNode sharedAck = members.get(0).request("type", "publish", "room", "shutdown-all", "event", "logs:last",
          "data", "shared");
      // The loner is in no room with anyone, so no presence_diff of a leaving member can flush what it holds:
      // only the drain itself can.
      loner = hub.connect("user=loner");
      loner.join("shutdown-loner");
      JsonNode lonerAck = loner.request("type", "publish", "room", "shutdown-loner", "event", "logs:mine",
          "data", "own");
      // Held by every member (a minute's delay, room for 100); the replies are not.
      for (WsClient client : allOf(members, loner)) {
        assertEquals("pong", client.request("type", "ping").get("type").asText());
        assertTrue(client.waiting().stream().noneMatch(f -> "batch".equals(f.path("type").asText())),
            () -> "the events are still held, the replies came first: " + client.waiting());
      }

      Checkpoint closed = test.checkpoint(members.size() + 1);
      for (WsClient member : members) {
        expectByeAnd1001(test, closed, member, frames -> {
          // Leave diffs of members drained first may come before this member's own bye; they flush too.
          JsonNode batch = frames.stream().filter(f -> "batch".equals(f.path("type").asText())).findFirst()
              .orElseThrow(() -> new AssertionError("the held batch was flushed before bye: " + frames));
          assertEquals(1, batch.get("events").size());
          assertEquals(sharedAck.get("id").asText(), batch.get("events").get(0).get("id").asText());
          assertEquals("shared", batch.get("events").get(0).get("data").asText());
        });
      }
      expectByeAnd1001(test, closed, loner, lonerFrames -> {
        JsonNode lonerBatch = lonerFrames.get(lonerFrames.size() - 2);
        assertEquals("batch", lonerBatch.path("type").asText(), () -> "the drain flushed first: " + lonerFrames);
        assertEquals(lonerAck.get("id").asText(), lonerBatch.get("events").get(0).get("id").asText());
      });

      long started = System.nanoTime();
      hub.stop();
      long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(stopMs < GRACE_MS, "stop took " + stopMs + " ms, more than shutdown.graceMs " + GRACE_MS);
      AsyncChecks.await(test, "the held batches, bye and close 1001 at every client");
      // A client that never answers the close handshake neither holds up the stop nor misses its code.
      assertEquals(1001, silent.readUntilClose());

      Totals left = hub.hub().presence().totals().await(5, TimeUnit.SECONDS);
      assertEquals(0, left.connections(), "every session's presence was removed");
      assertEquals(0, left.rooms(), "no room is left with members");
    } finally {
      members.forEach(WsClient::close);
      if (loner != null) {
        loner.close();
      }
      hub.close();
    }
  }

  @Test
  void aDrainingNodeRefusesUpgradesWith503AndIsNotReady(Vertx vertx, VertxTestContext test) {
    try (TestHub hub = TestHub.start(vertx, "shutdown.graceMs", Long.toString(GRACE_MS));
        WsClient connected = hub.connect()) {
      connected.join("draining");
      assertEquals(200, hub.get("/ready").statusCode());
      Checkpoint refused = test.checkpoint();
      expectByeAnd1001(test, test.checkpoint(), connected, frames -> { });

      hub.hub().startDraining();

      hub.webSockets().connect(WsClient.options(hub.port(), "user=late")).onComplete(test.failing(refusal ->
          test.verify(() -> {
            assertTrue(refusal instanceof UpgradeRejectedException, refusal::toString);
            assertEquals(503, ((UpgradeRejectedException) refusal).getStatus());
            refused.flag();
          })));
      HttpResponse<String> ready = hub.get("/ready");
      assertEquals(503, ready.statusCode());
      assertEquals("DOWN", Frames.parse(ready.body()).get("status").asText(), ready::body);
      assertEquals(200, hub.get("/health").statusCode(), "the process still serves");
      assertEquals("pong", connected.request("type", "ping").get("type").asText(),
          "sessions already open are served until the drain closes them");

      hub.stop();
      AsyncChecks.await(test, "the late upgrade refused with 503, the open session closed with bye and 1001");
    }
  }

  @Test
  void aStopOnTheTestsVertxUndeploysTheHubAndLeavesThatVertxRunning(Vertx vertx, VertxTestContext test) {
    TestHub hub = TestHub.start(vertx, "shutdown.graceMs", Long.toString(GRACE_MS));
    assertFalse(vertx.deploymentIDs().isEmpty(), "the hub's verticles run on the test's Vert.x");
    hub.stop();

    assertEquals(Set.of(), vertx.deploymentIDs(), "nothing of the hub is left deployed");
    Checkpoint portClosed = test.checkpoint();
    hub.webSockets().connect(WsClient.options(hub.port(), "")).onComplete(test.failing(refusal ->
        test.verify(() -> {
          assertTrue(refusal instanceof ConnectException, () -> "nothing listens any more: " + refusal);
          portClosed.flag();
        })));
    AsyncChecks.await(test, "the stopped hub's port refusing connections, on the still running Vert.x");
  }

  private static void awaitJoinDiff(WsClient member, String room, String joiner) {
    member.await(f -> "presence_diff".equals(f.path("type").asText()) && room.equals(f.path("room").asText())
        && joiner.equals(f.path("joins").path(0).path("user").asText()));
  }

  /**
   * Flags {@code closed} once {@code client} is closed with 1001, {@code bye} its last frame, and the frames it
   * received pass {@code check}.
   */
  private static void expectByeAnd1001(VertxTestContext test, Checkpoint closed, WsClient client,
      Consumer<List<JsonNode>> check) {
    client.closed().onComplete(test.succeeding(code -> test.verify(() -> {
      List<JsonNode> frames = client.waiting();
      assertEquals(1001, code, () -> "close code; frames received: " + frames);
      assertTrue(!frames.isEmpty() && BYE.equals(frames.get(frames.size() - 1)),
          () -> "bye is the last frame before the close: " + frames);
      check.accept(frames);
      closed.flag();
    })));
  }

  private static List<WsClient> allOf(List<WsClient> some, WsClient one) {
    List<WsClient> all = new ArrayList<>(some);
    all.add(one);
    return all;
  }
}

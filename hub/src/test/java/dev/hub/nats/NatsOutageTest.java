package dev.hub.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.test.AsyncChecks;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.HubQueries;
import dev.hub.test.JetStreams;
import dev.hub.test.NatsServer;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * nats-server is killed with SIGKILL while a client keeps publishing, and restarted on the same port and store.
 * A JetStream stream made before the kill records what the server stored: afterwards it must hold every event
 * the hub acknowledged, each once, in the order the hub acknowledged them, in core and in JetStream mode. And an
 * outage longer than the buffer, at a steady rate. Each hub and its client run on the test's Vert.x; the client
 * publishes as a chain of requests, each sent once the one before is acknowledged, and the chain's end is a
 * checkpoint.
 */
@ExtendWith(VertxExtension.class)
class NatsOutageTest {
  private static final int TOTAL = 300;
  private static final int KILL_AFTER = 100;
  private static final int RESTART_AFTER = 200;
  private static final int STEADY_EVENTS = 600;
  private static final long STEADY_PERIOD_NANOS = 5_000_000;
  private static final long SAMPLE_EVERY_NANOS = 10_000_000;
  private static final String STEADY_PADDING = "x".repeat(200);
  /** Every publish acknowledged, the outage included: several reconnect rounds and a JetStream retry or two. */
  private static final long PUBLISHING_WAIT_MS = 60_000;

  @ParameterizedTest(name = "jetstream={0}")
  @ValueSource(booleans = {false, true})
  void killingAndRestartingNatsLosesNothingTheHubAcknowledged(boolean jetstream, Vertx vertx,
      VertxTestContext test) {
    try (NatsServer nats = NatsServer.startJetStream()) {
      Connection service = nats.connect();
      JetStreams.create(service, "OUTAGE", "hub.events.outage");
      JetStreams.create(service, "PRESENCE", "hub.presence.>");
      try (TestHub hub = TestHub.start(vertx, nats.hubFlags("nats.jetstream", Boolean.toString(jetstream),
          "nats.ackTimeoutMs", "1000", "nats.maxAttempts", "1000"));
          WsClient client = hub.connect("user=steady")) {
        Eventually.until("the bridge connected", () -> state(hub), "connected"::equals);
        client.join("outage");

        List<String> acked = Collections.synchronizedList(new ArrayList<>());
        Checkpoint published = test.checkpoint();
        publishInTurn(client, "outage", 0, acked).onComplete(test.succeeding(v -> published.flag()));
        Eventually.until("publishes before the kill", acked::size, n -> n >= KILL_AFTER);
        nats.kill();
        Eventually.until("the hub noticed the outage", () -> state(hub), "reconnecting"::equals);
        Eventually.until("publishes during the outage", acked::size, n -> n >= RESTART_AFTER);
        nats.restart();
        AsyncChecks.await(test, TOTAL + " publishes acknowledged across the outage", PUBLISHING_WAIT_MS);

        Eventually.until("the bridge reconnected and sent everything", 30_000, () -> link(hub),
            link -> "connected".equals(link.path("state").asText()) && link.path("pendingBytes").asLong() == 0);
        // The test's own connection went through the outage too: read once it is back and the stream caught up.
        List<String> stored = Eventually.until("the stream read back after the service reconnected", 30_000,
            () -> JetStreams.messages(service, "OUTAGE").stream()
                .map(MessageInfo::getHeaders).map(h -> h.getFirst("Nats-Msg-Id")).toList(),
            ids -> ids.size() >= acked.size());
        assertEquals(acked, stored, "every acknowledged event once, in order");
        List<MessageInfo> messages = JetStreams.messages(service, "OUTAGE");
        for (int i = 0; i < TOTAL; i++) {
          assertEquals(i, Frames.parse(new String(messages.get(i).getData())).get("data").asInt());
        }
        assertEquals(0, Frames.parse(hub.get("/api/dlq").body()).get("count").asInt(), "nothing dead-lettered");
      }
    }
  }

  /**
   * An outage that outlasts the buffer at a steady 200 events/s: the buffer holds what fits, the file takes the
   * rest as fast as it comes, neither grows past its bound, and afterwards the stream holds each event once, in
   * order: the held ones, then the replayed file.
   */
  @Test
  void anOutageLongerThanTheBufferKeepsMemoryBoundedAndAccountsForEveryEvent(Vertx vertx, VertxTestContext test)
      throws Exception {
    long bufferBytes = 16_384;
    // Room for about a second of the file's queue at this rate: more than the disk's slowest fsync here.
    long queueBytes = 131_072;
    try (NatsServer nats = NatsServer.startJetStream()) {
      Connection service = nats.connect();
      JetStreams.create(service, "STEADY", "hub.events.steady");
      try (TestHub hub = TestHub.start(vertx, nats.hubFlags("nats.bufferBytes", Long.toString(bufferBytes),
          "nats.dlqQueueBytes", Long.toString(queueBytes), "nats.connectTimeoutMs", "300"));
          WsClient client = hub.connect("user=steady")) {
        Eventually.until("the bridge connected", () -> state(hub), "connected"::equals);
        client.join("steady");
        nats.kill();
        Eventually.until("the hub noticed the outage", () -> state(hub), "reconnecting"::equals);

        AtomicLong mostPending = new AtomicLong();
        AtomicLong mostQueued = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> {
          while (sampling.get()) {
            mostPending.accumulateAndGet((long) HubQueries.metric(hub, "hub_nats_pending_bytes"), Math::max);
            mostQueued.accumulateAndGet((long) HubQueries.metric(hub, "hub_nats_dlq_queued_bytes"), Math::max);
            LockSupport.parkNanos(SAMPLE_EVERY_NANOS);
          }
        });
        List<String> acked = Collections.synchronizedList(new ArrayList<>());
        Checkpoint published = test.checkpoint();
        steadily(vertx, client, System.nanoTime(), 0, acked).onComplete(test.succeeding(v -> published.flag()));
        AsyncChecks.await(test, STEADY_EVENTS + " publishes acknowledged at a steady rate", PUBLISHING_WAIT_MS);
        sampling.set(false);
        sampler.get(10, TimeUnit.SECONDS);
        assertTrue(mostPending.get() <= bufferBytes, () -> "buffer past its bound: " + mostPending);
        // The queue's bound admits; an event admitted just under it may pass it by its own size.
        assertTrue(mostQueued.get() <= queueBytes + 1024, () -> "file queue past its bound: " + mostQueued);

        nats.restart();
        Eventually.until("the held ones sent", 30_000, () -> link(hub),
            link -> "connected".equals(link.path("state").asText()) && link.path("pendingBytes").asLong() == 0);
        int filed = Frames.parse(hub.get("/api/dlq").body()).get("count").asInt();
        assertTrue(filed > 0 && filed < STEADY_EVENTS, () -> "some held, the rest filed: " + filed);
        assertEquals(202, hub.post("/api/dlq/replay", "").statusCode());
        List<String> stored = Eventually.until("all stored", 30_000, () -> JetStreams.messages(service, "STEADY")
            .stream().map(MessageInfo::getHeaders).map(h -> h.getFirst("Nats-Msg-Id")).toList(),
            ids -> ids.size() >= acked.size());
        assertEquals(acked, stored, "every acknowledged event once, in order");
      }
    }
  }

  /** Publishes the events from {@code i} on to {@link #TOTAL}, each once the one before is acknowledged. */
  private static Future<Void> publishInTurn(WsClient client, String room, int i, List<String> acked) {
    if (i == TOTAL) {
      return Future.succeededFuture();
    }
    return client.requestAsync("type", "publish", "room", room, "event", "n", "data", i)
        .compose(ack -> acknowledged(ack, acked))
        .compose(v -> publishInTurn(client, room, i + 1, acked));
  }

  /**
   * Publishes the events from {@code i} on to {@link #STEADY_EVENTS}, event {@code i} at {@code start} plus
   * {@code i} periods or, when the one before took longer to be acknowledged, as soon as it was.
   */
  private static Future<Void> steadily(Vertx vertx, WsClient client, long start, int i, List<String> acked) {
    if (i == STEADY_EVENTS) {
      return Future.succeededFuture();
    }
    Promise<Void> due = Promise.promise();
    long delayMs = TimeUnit.NANOSECONDS.toMillis(start + i * STEADY_PERIOD_NANOS - System.nanoTime());
    if (delayMs >= 1) {
      vertx.setTimer(delayMs, id -> due.complete());
    } else {
      due.complete();
    }
    return due.future()
        .compose(v -> client.requestAsync("type", "publish", "room", "steady", "event", "s", "data", STEADY_PADDING))
        .compose(ack -> acknowledged(ack, acked))
        .compose(v -> steadily(vertx, client, start, i + 1, acked));
  }

  private static Future<Void> acknowledged(JsonNode reply, List<String> acked) {
    if (!"ack".equals(reply.path("type").asText())) {
      return Future.failedFuture(new AssertionError("not acknowledged: " + reply));
    }
    acked.add(reply.get("id").asText());
    return Future.succeededFuture();
  }

  private static JsonNode link(TestHub hub) {
    return Frames.parse(hub.get("/ready").body()).path("details").path("nats");
  }

  private static String state(TestHub hub) {
    return link(hub).path("state").asText();
  }
}

package dev.hub.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hub.test.AsyncChecks;
import dev.hub.test.RawWebSocket;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coalescing of PROTOCOL.md section 4 as clients see it: events that are ready for a session in the same
 * event-loop turn leave as one {@code batch} frame, in publish order and within {@code limits.maxFrameBytes};
 * replies neither wait for them nor are held behind them. A publisher sends its publishes in one write, so the
 * hub reads them in one turn; a subscriber on the publisher's event loop then has all their events ready at
 * once. Connections are spread over the loops in turn, so of as many subscribers as there are loops, one
 * shares the publisher's. The hubs and the subscribers run on the class's Vert.x; what each subscriber receives is
 * a checkpoint. The publisher is a bare socket, so that its publishes leave in one write.
 */
@ExtendWith(VertxExtension.class)
class CoalescingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_FRAME_BYTES = 1024;

  private static TestHub hub;
  /** A hub whose frames, in and out, are at most {@link #MAX_FRAME_BYTES}. */
  private static TestHub smallFrames;

  @BeforeAll
  static void startHubs(Vertx vertx) {
    hub = TestHub.start(vertx);
    smallFrames = TestHub.start(vertx, "limits.maxFrameBytes", Integer.toString(MAX_FRAME_BYTES));
  }

  @AfterAll
  static void stopHubs() {
    hub.close();
    smallFrames.close();
  }

  @Test
  void eventsReadyInOneTurnLeaveAsOneBatchInPublishOrder(VertxTestContext test) throws Exception {
    String room = "coalesce-order";
    int events = 5;
    List<Integer> frameCounts = new CopyOnWriteArrayList<>();
    publishAtOnceAndCheckEachSubscriber(test, hub, room, events, 10, frames -> {
      assertEquals(List.of(0, 1, 2, 3, 4), numbers(frames), () -> "out of order: " + frames);
      frameCounts.add(frames.size());
    });
    assertEquals(1, frameCounts.stream().mapToInt(Integer::intValue).min().orElseThrow(),
        () -> "the subscriber on the publisher's event loop got the five events in one frame: " + frameCounts);
  }

  @Test
  void repliesDoNotWaitForCoalescedEvents() throws Exception {
    String room = "coalesce-replies";
    try (RawWebSocket publisher = joined(hub, room)) {
      publisher.sendTextsAtOnce(publishes(room, 3, 10, true));
      List<String> acks = new ArrayList<>();
      List<JsonNode> echoes = new ArrayList<>();
      int echoed = 0;
      while (echoed < 3) {
        JsonNode frame = JSON.readTree(publisher.readText());
        if ("ack".equals(frame.path("type").asText())) {
          assertEquals(0, echoed, () -> "an ack after the echoes it need not wait for: " + frame);
          acks.add(frame.path("ref").asText());
        } else {
          echoes.add(frame);
          echoed += "batch".equals(frame.path("type").asText()) ? frame.path("events").size() : 1;
        }
      }
      assertEquals(List.of("p0", "p1", "p2"), acks);
      assertEquals(List.of(0, 1, 2), numbers(echoes), () -> "echoes out of order: " + echoes);
    }
  }

  @Test
  void aCoalescedFrameStaysWithinTheFrameLimit(VertxTestContext test) throws Exception {
    String room = "coalesce-bound";
    int events = 12;
    publishAtOnceAndCheckEachSubscriber(test, smallFrames, room, events, 200, frames -> {
      assertEquals(IntStream.range(0, events).boxed().toList(), numbers(frames), () -> "out of order: " + frames);
      for (JsonNode frame : frames) {
        int bytes = frame.toString().getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes <= MAX_FRAME_BYTES, () -> "a frame of " + bytes + " bytes: " + frame);
      }
    });
  }

  /**
   * A raw publisher in {@code room} sends {@code events} publishes in one write, and each of the room's
   * subscribers (one per event loop) has its event frames checked by {@code check} once all have come.
   */
  private static void publishAtOnceAndCheckEachSubscriber(VertxTestContext test, TestHub on, String room,
      int events, int padding, Consumer<List<JsonNode>> check) throws Exception {
    try (RawWebSocket publisher = joined(on, room)) {
      List<WsClient> subscribers = subscribers(on, room);
      try {
        Checkpoint delivered = test.checkpoint(subscribers.size());
        for (WsClient subscriber : subscribers) {
          eventFrames(subscriber, room, events).onComplete(test.succeeding(frames -> test.verify(() -> {
            check.accept(frames);
            delivered.flag();
          })));
        }
        publisher.sendTextsAtOnce(publishes(room, events, padding, false));
        AsyncChecks.await(test, events + " events at each of " + subscribers.size() + " subscribers");
      } finally {
        subscribers.forEach(WsClient::close);
      }
    }
  }

  /** A raw client in {@code room}, its welcome and ack read. */
  private static RawWebSocket joined(TestHub on, String room) throws Exception {
    RawWebSocket raw = RawWebSocket.connect(on.port(), "user=publisher");
    assertEquals("welcome", JSON.readTree(raw.readText()).path("type").asText());
    raw.sendText(("{\"type\":\"join\",\"room\":\"" + room + "\",\"ref\":\"j\"}").getBytes(StandardCharsets.UTF_8));
    assertEquals("ack", JSON.readTree(raw.readText()).path("type").asText());
    return raw;
  }

  /** As many subscribers of {@code room} as the hub has event loops (it runs in this JVM). */
  private static List<WsClient> subscribers(TestHub on, String room) {
    List<WsClient> subscribers = new ArrayList<>();
    for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
      WsClient subscriber = on.connect("user=s" + i);
      subscriber.join(room);
      subscribers.add(subscriber);
    }
    return subscribers;
  }

  /** Publishes of {@code {"n":i,"pad":...}}, refs {@code p0}, {@code p1}, ... */
  private static List<byte[]> publishes(String room, int count, int padding, boolean echo) {
    String pad = "x".repeat(padding);
    return IntStream.range(0, count).mapToObj(i -> ("{\"type\":\"publish\",\"room\":\"" + room
        + "\",\"event\":\"tick\",\"echo\":" + echo + ",\"data\":{\"n\":" + i + ",\"pad\":\"" + pad
        + "\"},\"ref\":\"p" + i + "\"}").getBytes(StandardCharsets.UTF_8)).toList();
  }

  /**
   * Frames carrying events of {@code room} (single or batch), whole and in arrival order, until {@code events}
   * came: a subscriber is in that room only, so a batch is all its.
   */
  private static Future<List<JsonNode>> eventFrames(WsClient client, String room, int events) {
    return eventFrames(client, room, events, new ArrayList<>());
  }

  private static Future<List<JsonNode>> eventFrames(WsClient client, String room, int left, List<JsonNode> frames) {
    if (left <= 0) {
      return Future.succeededFuture(frames);
    }
    return client.next(f -> ("event".equals(f.path("type").asText()) && room.equals(f.path("room").asText()))
        || "batch".equals(f.path("type").asText())).compose(frame -> {
          frames.add(frame);
          int carried = "batch".equals(frame.path("type").asText()) ? frame.path("events").size() : 1;
          return eventFrames(client, room, left - carried, frames);
        });
  }

  private static List<Integer> numbers(List<JsonNode> frames) {
    List<Integer> numbers = new ArrayList<>();
    for (JsonNode frame : frames) {
      if ("batch".equals(frame.path("type").asText())) {
        frame.path("events").forEach(e -> numbers.add(e.path("data").path("n").asInt()));
      } else {
        numbers.add(frame.path("data").path("n").asInt());
      }
    }
    return numbers;
  }
}

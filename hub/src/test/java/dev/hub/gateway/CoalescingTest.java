package dev.hub.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hub.test.RawWebSocket;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Coalescing of PROTOCOL.md section 4 as clients see it: events that are ready for a session in the same
 * event-loop turn leave as one {@code batch} frame, in publish order and within {@code limits.maxFrameBytes};
 * replies neither wait for them nor are held behind them. A publisher sends its publishes in one write, so the
 * hub reads them in one turn; a subscriber on the publisher's event loop then has all their events ready at
 * once. Connections are spread over the loops in turn, so of as many subscribers as there are loops, one
 * shares the publisher's.
 */
class CoalescingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_FRAME_BYTES = 1024;

  private static TestHub hub;
  /** A hub whose frames, in and out, are at most {@link #MAX_FRAME_BYTES}. */
  private static TestHub smallFrames;

  @BeforeAll
  static void startHubs() {
    hub = TestHub.start();
    smallFrames = TestHub.start("limits.maxFrameBytes", Integer.toString(MAX_FRAME_BYTES));
  }

  @AfterAll
  static void stopHubs() {
    hub.close();
    smallFrames.close();
  }

  @Test
  void eventsReadyInOneTurnLeaveAsOneBatchInPublishOrder() throws Exception {
    String room = "coalesce-order";
    int events = 5;
    try (RawWebSocket publisher = joined(hub, room)) {
      List<WsClient> subscribers = subscribers(hub, room);
      try {
        publisher.sendTextsAtOnce(publishes(room, events, 10, false));
        int fewestFrames = Integer.MAX_VALUE;
        for (WsClient subscriber : subscribers) {
          List<JsonNode> frames = eventFrames(subscriber, room, events);
          assertEquals(List.of(0, 1, 2, 3, 4), numbers(frames), () -> "out of order: " + frames);
          fewestFrames = Math.min(fewestFrames, frames.size());
        }
        assertEquals(1, fewestFrames, "the subscriber on the publisher's event loop got the five events in one frame");
      } finally {
        subscribers.forEach(WsClient::close);
      }
    }
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
  void aCoalescedFrameStaysWithinTheFrameLimit() throws Exception {
    String room = "coalesce-bound";
    int events = 12;
    try (RawWebSocket publisher = joined(smallFrames, room)) {
      List<WsClient> subscribers = subscribers(smallFrames, room);
      try {
        publisher.sendTextsAtOnce(publishes(room, events, 200, false));
        for (WsClient subscriber : subscribers) {
          List<JsonNode> frames = eventFrames(subscriber, room, events);
          assertEquals(IntStream.range(0, events).boxed().toList(), numbers(frames), () -> "out of order: " + frames);
          for (JsonNode frame : frames) {
            int bytes = frame.toString().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes <= MAX_FRAME_BYTES, () -> "a frame of " + bytes + " bytes: " + frame);
          }
        }
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

  /** Frames carrying events of {@code room} (single or batch), in arrival order, until {@code events} came. */
  private static List<JsonNode> eventFrames(WsClient client, String room, int events) {
    List<JsonNode> frames = new ArrayList<>();
    int seen = 0;
    while (seen < events) {
      JsonNode frame = client.await(f -> ("event".equals(f.path("type").asText())
          && room.equals(f.path("room").asText())) || "batch".equals(f.path("type").asText()));
      frames.add(frame);
      seen += "batch".equals(frame.path("type").asText()) ? frame.path("events").size() : 1;
    }
    return frames;
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

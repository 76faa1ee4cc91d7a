package dev.hub.sse;

import static dev.hub.test.HubQueries.metricOrZero;
import static dev.hub.test.HubQueries.roomPresenceCount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.session.SseTransport;
import dev.hub.test.Eventually;
import dev.hub.test.Frames;
import dev.hub.test.HeapCensus;
import dev.hub.test.SseReader;
import dev.hub.test.TcpSockets;
import dev.hub.test.TestHub;
import dev.hub.test.WsClient;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Readers that stop reading (PROTOCOL.md section 6): an SSE stream closed as a slow consumer (4008) is closed down
 * to its TCP connection, so nothing of it stays in the hub's memory or its socket buffers, and any other HTTP
 * response a client stops reading is cut by {@code http.idleTimeoutMs}, while streams and WebSockets that do read
 * live on. The stalled clients are bare sockets with small receive buffers that never read after the response's
 * head; whether the hub closed its end is read from the kernel's socket table, not from the hub.
 */
@ExtendWith(VertxExtension.class)
class SseSlowReaderTest {
  private static final int STALLED_STREAMS = 20;
  private static final int EVENT_PAD_CHARS = 60_000;
  /** Far more than the socket buffers and the queue bound of every stream hold; stops once all are closed. */
  private static final int MAX_EVENTS = 1_000;
  private static final int PUBLISH_CHUNK = 10;
  /** A client's receive buffer: small, so the hub's side fills first. */
  private static final int CLIENT_RECEIVE_BUFFER = 4096;
  private static final long DRAIN_MS = 15_000;

  @Test
  void stalledStreamsClosedAsSlowConsumersAreClosedDownToTheirTcpConnection(Vertx vertx) throws IOException {
    stalledStreamsAreClosedDownToTheirTcpConnection(vertx);
  }

  /** On the public API alone a dropped stream's close waits behind its writes: the idle timeout ends it. */
  @Test
  void withoutVertxInternalsTheIdleTimeoutClosesThem(Vertx vertx) throws IOException {
    stalledStreamsAreClosedDownToTheirTcpConnection(vertx, "http.vertxInternals", "false",
        "heartbeat.intervalMs", "500", "http.idleTimeoutMs", "2000");
  }

  private static void stalledStreamsAreClosedDownToTheirTcpConnection(Vertx vertx, String... config)
      throws IOException {
    String room = "slow-sse";
    long transportsBefore = HeapCensus.liveInstances(SseTransport.class);
    List<StalledClient> streams = new ArrayList<>();
    try (TestHub hub = TestHub.start(vertx, config); WsClient publisher = hub.connect("user=publisher")) {
      publisher.join(room);
      for (int i = 0; i < STALLED_STREAMS; i++) {
        StalledClient stream = StalledClient.open(hub.port(), "/sse?rooms=" + room + "&user=stalled-" + i);
        assertTrue(stream.head().startsWith("HTTP/1.1 200"), stream::head);
        streams.add(stream);
      }
      Eventually.until("every stalled reader in the room", () -> roomPresenceCount(hub, room),
          n -> n == STALLED_STREAMS + 1);

      String pad = "x".repeat(EVENT_PAD_CHARS);
      int published = 0;
      // Each stalled stream goes as a slow consumer (4008) or, when its writes stop completing first, by the idle
      // timeout: whichever comes first on this machine, it leaves the room.
      while (roomPresenceCount(hub, room) > 1) {
        if (published >= MAX_EVENTS) {
          fail("the stalled readers were not all closed after " + published + " events");
        }
        for (int i = 0; i < PUBLISH_CHUNK; i++, published++) {
          JsonNode ack = publisher.request("type", "publish", "room", room, "event", "bulk", "echo", false,
              "data", Frames.object("n", published, "pad", pad));
          assertEquals("ack", ack.get("type").asText(), ack::toString);
        }
      }
      assertEquals(1, roomPresenceCount(hub, room), "only the publisher is left in the room");
      if (!Arrays.asList(config).contains("http.idleTimeoutMs")) {
        Eventually.until("every stalled reader counted as a slow consumer",
            () -> metricOrZero(hub, "hub_closes_total{code=\"4008\"}"), n -> n == STALLED_STREAMS);
      }

      List<Integer> clientPorts = streams.stream().map(StalledClient::localPort).toList();
      Eventually.until("the hub's end of every stalled stream closed",
          () -> TcpSockets.openServerEnds(hub.port(), clientPorts), List::isEmpty);
      for (StalledClient stream : streams) {
        // What was already in flight arrives, then the end: the connection does not wait on the client.
        assertTrue(stream.drainToEnd(DRAIN_MS) >= 0);
      }
      Eventually.until("no SSE transport of the stalled streams left on the heap",
          () -> HeapCensus.liveInstances(SseTransport.class), n -> n <= transportsBefore);
      assertEquals(1, Frames.parse(hub.get("/api/presence").body()).get("connections").asInt());
    } finally {
      for (StalledClient stream : streams) {
        stream.close();
      }
    }
  }

  @Test
  void anyResponseAClientStopsReadingIsCutByTheIdleTimeoutWhileReadersLiveOn(Vertx vertx) throws IOException {
    try (TestHub hub = TestHub.start(vertx, "heartbeat.intervalMs", "200", "http.idleTimeoutMs", "1000");
        WsClient webSocket = hub.connect("user=ws-reader");
        SseReader stream = SseReader.open(hub.port(), "rooms=alive&user=sse-reader", Map.of())) {
      webSocket.join("alive");
      Eventually.until("both readers in the room", () -> roomPresenceCount(hub, "alive"), n -> n == 2);
      // Requests for the browser client, pipelined on one connection far past what its buffers hold, never read.
      String request = "GET /client/hub-client.js HTTP/1.1\r\nHost: 127.0.0.1:" + hub.port() + "\r\n\r\n";
      try (StalledClient stalled = StalledClient.open(hub.port(), request.repeat(2_000))) {
        Eventually.until("the hub's end of the stalled download closed",
            () -> TcpSockets.openServerEnds(hub.port(), List.of(stalled.localPort())), List::isEmpty);
      }

      // Both readers lived as long as the stalled client did, past the idle timeout, and still do.
      assertEquals(2, roomPresenceCount(hub, "alive"));
      String id = webSocket.request("type", "publish", "room", "alive", "event", "still", "echo", false)
          .get("id").asText();
      assertEquals(id, stream.message().id());
      assertEquals("pong", webSocket.request("type", "ping").get("type").asText());
    }
  }

  /** A client on a bare socket that sends its request, reads the response's head, and then never reads. */
  private static final class StalledClient implements AutoCloseable {
    private final Socket socket;
    private final String head;

    private StalledClient(Socket socket, String head) {
      this.socket = socket;
      this.head = head;
    }

    /** Sends {@code GET path} (or, when it already reads as requests, those bytes) and reads the head. */
    static StalledClient open(int port, String pathOrRequests) throws IOException {
      Socket socket = new Socket();
      socket.setReceiveBufferSize(CLIENT_RECEIVE_BUFFER);
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout((int) WsClient.WAIT_MS);
      String requests = pathOrRequests.startsWith("GET ") ? pathOrRequests
          : "GET " + pathOrRequests + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(requests.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new StalledClient(socket, readHead(socket.getInputStream()));
    }

    String head() {
      return head;
    }

    int localPort() {
      return socket.getLocalPort();
    }

    /** Reads on until the server ends the connection; fails if it has not within {@code waitMs}. */
    long drainToEnd(long waitMs) throws IOException {
      long deadline = System.nanoTime() + waitMs * 1_000_000;
      socket.setSoTimeout(200);
      byte[] chunk = new byte[64 * 1024];
      long read = 0;
      InputStream in = socket.getInputStream();
      while (System.nanoTime() - deadline < 0) {
        try {
          int n = in.read(chunk);
          if (n < 0) {
            return read;
          }
          read += n;
        } catch (SocketTimeoutException e) {
          // Nothing more came within the poll: the server may still be sending, or may hold the connection.
        } catch (SocketException e) {
          // Reset: the server dropped the connection with data still unread, an end as good as a FIN.
          return read;
        }
      }
      return fail("the connection was still open " + waitMs + " ms after the client began reading again ("
          + read + " bytes read)");
    }

    private static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException("connection closed before the response's head: " + head);
        }
        head.write(b);
        matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : 0;
      }
      return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}

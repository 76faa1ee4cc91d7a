package dev.hub.examples.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Starts the example, logs in over HTTP, and connects to its hub with the cookie, and without. */
@ExtendWith(VertxExtension.class)
class EmbeddedExampleTest {
  private EmbeddedExample example;
  private WebClient http;
  private WebSocketClient webSockets;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    example = EmbeddedExample.start(vertx, 0, 0).await(60, TimeUnit.SECONDS);
    http = WebClient.create(vertx);
    webSockets = vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() throws Exception {
    example.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void aLoggedInBrowserGetsWhatTheApplicationsRoutePublishes() throws Exception {
    HttpResponse<Buffer> login = http.post(example.appPort(), "127.0.0.1", "/login?user=erin").send()
        .await(10, TimeUnit.SECONDS);
    assertEquals(200, login.statusCode());
    String cookie = login.cookies().get(0).split(";")[0];
    assertTrue(cookie.startsWith(EmbeddedExample.COOKIE + "="), cookie);

    LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    WebSocket socket = webSockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(example.hubPort()).setURI("/ws").addHeader("Cookie", cookie)).await(10, TimeUnit.SECONDS);
    socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
    socket.writeTextMessage(new JsonObject().put("type", "join").put("room", "news").put("ref", 1).encode());
    JsonObject welcome = next(frames, "welcome");
    assertEquals("erin", welcome.getString("user"), "the application's cookie says who it is");
    next(frames, "ack");

    HttpResponse<Buffer> announced = http.post(example.appPort(), "127.0.0.1", "/announce?room=news")
        .sendBuffer(Buffer.buffer("lunch is served")).await(10, TimeUnit.SECONDS);
    assertEquals(202, announced.statusCode());
    JsonObject event = next(frames, "event");
    assertEquals("news", event.getString("room"));
    assertEquals("lunch is served", event.getString("data"));
    socket.close();
  }

  @Test
  void aWebSocketWithoutTheCookieIsRefused401() {
    Exception refused = assertInstanceOf(Exception.class, catching(() -> webSockets.connect(
        new WebSocketConnectOptions().setHost("127.0.0.1").setPort(example.hubPort()).setURI("/ws"))
        .await(10, TimeUnit.SECONDS)));
    assertEquals(401, assertInstanceOf(UpgradeRejectedException.class, refused).getStatus());
  }

  /** The next frame of {@code type} (frames may come batched: a batch's events are looked into). */
  private static JsonObject next(LinkedBlockingQueue<JsonObject> frames, String type) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject frame = frames.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
      if (frame != null && type.equals(frame.getString("type"))) {
        return frame;
      }
    }
    throw new AssertionError("no " + type + " frame within 10 s");
  }

  private static Throwable catching(ThrowingRunnable run) {
    try {
      run.run();
    } catch (Throwable e) {
      return e;
    }
    throw new AssertionError("the upgrade was accepted");
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}

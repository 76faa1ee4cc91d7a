package dev.hub.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hub.api.ConnectHook;
import dev.hub.api.Hooks;
import dev.hub.api.HubOptions;
import dev.hub.api.HubServer;
import dev.hub.api.JoinHook;
import dev.hub.api.PublishHook;
import dev.hub.api.RequestHook;
import dev.hub.api.RoomMember;
import dev.hub.protocol.Json;
import dev.hub.test.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same decisions as {@link HttpHooksTest}, by the embedding application's own objects, through the public
 * API: {@link HubServer#start} on the test's Vert.x, and its publish, presence and disconnect.
 */
@ExtendWith(VertxExtension.class)
class InProcessHooksTest {
  private static HubServer hub;
  private static WebSocketClient webSockets;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    ConnectHook connect = asked -> {
      String cookie = asked.header("cookie");
      if (cookie == null || cookie.contains("sid=banned")) {
        return Future.succeededFuture(ConnectHook.Decision.refuse(cookie == null ? 401 : 403));
      }
      if (cookie.contains("sid=slow")) {
        return Promise.<ConnectHook.Decision>promise().future();
      }
      return Future.succeededFuture(ConnectHook.Decision.allow("dave")
          .withMeta(Json.MAPPER.createObjectNode().put("name", "Dave"))
          .withRooms(List.of("open.>"), List.of("open.>")).withRequests(List.of(">")));
    };
    JoinHook join = asked -> Future.succeededFuture(asked.room().startsWith("secret.")
        ? JoinHook.Decision.REFUSE : JoinHook.Decision.ALLOW);
    PublishHook publish = asked -> Future.succeededFuture(switch (asked.event()) {
      case "bad" -> PublishHook.Decision.REFUSE;
      case "shout" -> PublishHook.Decision.replace(TextNode.valueOf(asked.data().asText().toUpperCase()));
      default -> PublishHook.Decision.ALLOW;
    });
    // Answered from another thread, as an application's database client might: the hub takes it back.
    RequestHook request = asked -> {
      Promise<RequestHook.Reply> reply = Promise.promise();
      new Thread(() -> reply.complete(new RequestHook.Reply(TextNode.valueOf("hi " + asked.user())))).start();
      return reply.future();
    };
    hub = HubServer.start(vertx, new HubOptions().setPort(0).setConfig(withHooks(1000))
            .setHooks(new Hooks().setConnect(connect).setJoin(join).setPublish(publish).setRequest(request)))
        .await(60, TimeUnit.SECONDS);
    webSockets = WsClient.clientOn(vertx);
  }

  /** The defaults with {@code hooks.timeoutMs} and the join hook's rooms, {@code vip.*} and {@code secret.*}. */
  private static dev.hub.config.HubConfig withHooks(long timeoutMs) {
    dev.hub.config.HubConfig defaults = dev.hub.config.HubConfig.defaults();
    dev.hub.config.HooksConfig hooks = defaults.hooks();
    return new dev.hub.config.HubConfig(defaults.node(), defaults.http(), defaults.heartbeat(), defaults.limits(),
        defaults.presence(), defaults.batch(), defaults.history(), defaults.dedup(), defaults.shutdown(),
        defaults.cluster(), defaults.auth(), defaults.nats(), new dev.hub.config.HooksConfig(null, timeoutMs,
            hooks.maxInFlight(), hooks.connect(), new dev.hub.config.HooksConfig.Rooms(null, List.of("vip.*",
                "secret.*")), hooks.publish(), hooks.request()));
  }

  @AfterAll
  static void stop() throws Exception {
    hub.close().await(30, TimeUnit.SECONDS);
  }

  private static WsClient connect(String cookie) {
    return WsClient.connect(webSockets, hub.port(), "", Map.of("Cookie", cookie));
  }

  private static int refusedStatus(String cookie) {
    WebSocketConnectOptions options = WsClient.options(hub.port(), "");
    if (cookie != null) {
      options.addHeader("Cookie", cookie);
    }
    try {
      webSockets.connect(options).await(WsClient.WAIT_MS, TimeUnit.MILLISECONDS).close();
    } catch (Exception e) {
      return assertInstanceOf(UpgradeRejectedException.class, e).getStatus();
    }
    throw new AssertionError("the upgrade was accepted");
  }

  @Test
  void theConnectHookDecidesAndRefuses() throws Exception {
    assertEquals(401, refusedStatus(null));
    assertEquals(403, refusedStatus("sid=banned"));
    long started = System.nanoTime();
    assertEquals(503, refusedStatus("sid=slow"));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(tookMs >= 900 && tookMs < 4000, "503 after hooks.timeoutMs (1000), took " + tookMs);
    try (WsClient dave = connect("sid=ok")) {
      assertEquals("dave", dave.await("welcome").get("user").asText());
      dave.join("open.room");
      List<RoomMember> members = hub.members("open.room").await(5, TimeUnit.SECONDS);
      assertEquals("Dave", members.get(0).meta().get("name").asText());
      assertEquals(1, hub.count("open.room").await(5, TimeUnit.SECONDS));
      assertTrue(hub.user("dave").await(5, TimeUnit.SECONDS).online());
    }
  }

  @Test
  void joinPublishAndRequestHooksDecideAsOverHttp() {
    try (WsClient dave = connect("sid=ok")) {
      dave.await("welcome");
      assertEquals("ack", dave.request("type", "join", "room", "vip.lounge").get("type").asText());
      assertEquals("forbidden", dave.request("type", "join", "room", "secret.x").get("code").asText());
      dave.join("open.news");
      assertEquals("forbidden",
          dave.request("type", "publish", "room", "open.news", "event", "bad", "data", "x").get("code").asText());
      dave.request("type", "publish", "room", "open.news", "event", "shout", "data", "hello");
      assertEquals("HELLO", dave.events("open.news", 1).get(0).get("data").asText());
      JsonNode reply = dave.request("type", "request", "event", "greet");
      assertEquals("hi dave", reply.get("data").asText(), reply.toString());
    }
  }

  @Test
  void theApplicationPublishesAndDisconnects() throws Exception {
    try (WsClient dave = connect("sid=ok")) {
      dave.await("welcome");
      dave.join("open.app");
      String id = hub.publish("open.app", "notice", TextNode.valueOf("from the app")).await(5, TimeUnit.SECONDS);
      JsonNode event = dave.events("open.app", 1).get(0);
      assertEquals(id, event.get("id").asText());
      assertEquals("from the app", event.get("data").asText());
      assertEquals(1, hub.disconnectUser("dave").await(5, TimeUnit.SECONDS));
      assertEquals(4003, dave.awaitClose());
    }
  }
}

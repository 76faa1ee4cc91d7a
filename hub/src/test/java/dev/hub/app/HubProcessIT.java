package dev.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.config.ShutdownConfig;
import dev.hub.test.Frames;
import dev.hub.test.HubProcess;
import dev.hub.test.WsClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar ({@code hub.jar} system property, set by failsafe) run as a real process, as an operator runs
 * it: it comes up and serves the README's scenario, drains on SIGTERM and exits 0, and refuses a bad
 * configuration with one line on stderr.
 */
class HubProcessIT {
  private static final long START_MS = 30_000;
  /** What a process that only parses its arguments may take, JVM start included. */
  private static final long QUICK_EXIT_MS = 30_000;
  private static final long SHUTDOWN_MARGIN_MS = 5_000;
  @TempDir
  Path dir;

  private final List<HubProcess> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    started.forEach(HubProcess::close);
  }

  @Test
  void twoClientsInARoomGetEachPublishAndTheApiShowsBoth() throws Exception {
    int port = HubProcess.freePort();
    HubProcess hub = start(port, "--node", "p1").awaitHealthy(START_MS);

    try (WsClient ann = WsClient.connect(port, "user=ann"); WsClient bob = WsClient.connect(port, "user=bob")) {
      assertEquals("p1", ann.await("welcome").get("node").asText());
      ann.join("done-when");
      assertEquals(2, bob.join("done-when").get("members").asInt());

      JsonNode ack = ann.request("type", "publish", "room", "done-when", "event", "chat:msg",
          "data", Frames.object("text", "hello"));
      String id = ack.get("id").asText();
      for (WsClient member : List.of(ann, bob)) {
        JsonNode event = member.events("done-when", 1).get(0);
        assertEquals(id, event.get("id").asText());
        assertEquals("hello", event.get("data").get("text").asText());
        assertEquals("ann", event.get("from").asText());
      }

      HttpResponse<String> response = hub.get("/api/rooms/done-when/presence");
      assertEquals(200, response.statusCode(), response::body);
      JsonNode presence = Frames.parse(response.body());
      assertEquals(2, presence.get("count").asInt());
      Set<String> users = new HashSet<>();
      for (JsonNode member : presence.get("members")) {
        users.add(member.get("user").asText());
        assertEquals("p1", member.get("node").asText());
      }
      assertEquals(Set.of("ann", "bob"), users);
    }
    hub.terminate();
    hub.assertExit(0, ShutdownConfig.DEFAULT_GRACE_MS + SHUTDOWN_MARGIN_MS);
  }

  @Test
  void sigtermSaysByeClosesWith1001AndExitsZero() throws Exception {
    int port = HubProcess.freePort();
    HubProcess hub = start(port, "--node", "p1").awaitHealthy(START_MS);

    try (WsClient ann = WsClient.connect(port, "user=ann"); WsClient bob = WsClient.connect(port, "user=bob")) {
      ann.join("draining");
      bob.join("draining");

      hub.terminate();
      for (WsClient client : List.of(ann, bob)) {
        JsonNode bye = client.await("bye");
        assertEquals("shutdown", bye.get("reason").asText(), bye::toString);
        assertTrue(bye.get("reconnect").asBoolean(), bye::toString);
        assertEquals(1001, client.awaitClose(), () -> "close code after bye; " + hub.output());
      }
      hub.assertExit(0, ShutdownConfig.DEFAULT_GRACE_MS + SHUTDOWN_MARGIN_MS);
    }
  }

  @Test
  void unknownKeyInTheConfigFileStopsWithOneLineNamingIt() throws Exception {
    Path config = Files.writeString(dir.resolve("bad.yaml"), "http:\n  prot: 8080\n");
    HubProcess hub = start(HubProcess.freePort(), "--config", config.toString());
    int status = hub.awaitExit(QUICK_EXIT_MS);
    assertNotEquals(0, status, hub::output);
    String line = onlyStderrLine(hub);
    assertTrue(line.contains("http.prot"), () -> "stderr does not name the key: " + line);
  }

  @Test
  void badFlagValueStopsWithOneLineNamingTheKey() throws Exception {
    HubProcess hub = startWithArgs("--port", "abc");
    assertNotEquals(0, hub.awaitExit(QUICK_EXIT_MS), hub::output);
    String line = onlyStderrLine(hub);
    assertTrue(line.contains("http.port"), () -> "stderr does not name the key: " + line);
  }

  @Test
  void helpPrintsUsageAndExitsZero() throws Exception {
    HubProcess hub = startWithArgs("--help");
    assertEquals(0, hub.awaitExit(QUICK_EXIT_MS), hub::output);
    String usage = hub.stdout();
    for (String part : List.of("Usage: hub", "--config", "--port", "--node", "--host")) {
      assertTrue(usage.contains(part), () -> "usage lacks " + part + ":\n" + usage);
    }
  }

  /** The one non-blank line the process wrote on stderr. */
  private static String onlyStderrLine(HubProcess hub) {
    List<String> lines = hub.stderrLines();
    assertEquals(1, lines.size(), () -> "expected one line on stderr; " + hub.output());
    return lines.get(0);
  }

  private HubProcess start(int port, String... args) {
    HubProcess hub = HubProcess.start(port, Map.of(), args);
    started.add(hub);
    return hub;
  }

  private HubProcess startWithArgs(String... args) {
    HubProcess hub = HubProcess.startWithArgs(args);
    started.add(hub);
    return hub;
  }
}

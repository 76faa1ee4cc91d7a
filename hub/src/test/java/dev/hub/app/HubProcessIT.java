package dev.hub.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hub.config.ShutdownConfig;
import dev.hub.test.Frames;
import dev.hub.test.WsClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path dir;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process process : started) {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void twoClientsInARoomGetEachPublishAndTheApiShowsBoth() throws Exception {
    int port = freePort();
    HubProcess hub = start("--port", Integer.toString(port), "--node", "p1");
    hub.awaitHealthy(port);

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

      HttpResponse<String> response = get(port, "/api/rooms/done-when/presence");
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
    hub.process.destroy();
    hub.assertExit(0, ShutdownConfig.DEFAULT_GRACE_MS + SHUTDOWN_MARGIN_MS);
  }

  @Test
  void sigtermSaysByeClosesWith1001AndExitsZero() throws Exception {
    int port = freePort();
    HubProcess hub = start("--port", Integer.toString(port), "--node", "p1");
    hub.awaitHealthy(port);

    try (WsClient ann = WsClient.connect(port, "user=ann"); WsClient bob = WsClient.connect(port, "user=bob")) {
      ann.join("draining");
      bob.join("draining");

      hub.process.destroy();
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
    HubProcess hub = start("--config", config.toString(), "--port", Integer.toString(freePort()));
    int status = hub.awaitExit(QUICK_EXIT_MS);
    assertNotEquals(0, status, hub::output);
    String line = hub.onlyStderrLine();
    assertTrue(line.contains("http.prot"), () -> "stderr does not name the key: " + line);
  }

  @Test
  void badFlagValueStopsWithOneLineNamingTheKey() throws Exception {
    HubProcess hub = start("--port", "abc");
    assertNotEquals(0, hub.awaitExit(QUICK_EXIT_MS), hub::output);
    String line = hub.onlyStderrLine();
    assertTrue(line.contains("http.port"), () -> "stderr does not name the key: " + line);
  }

  @Test
  void helpPrintsUsageAndExitsZero() throws Exception {
    HubProcess hub = start("--help");
    assertEquals(0, hub.awaitExit(QUICK_EXIT_MS), hub::output);
    String usage = Files.readString(hub.stdout);
    for (String part : List.of("Usage: hub", "--config", "--port", "--node", "--host")) {
      assertTrue(usage.contains(part), () -> "usage lacks " + part + ":\n" + usage);
    }
  }

  // Helpers

  /** A started {@code java -jar hub.jar} with its output in files. */
  private static final class HubProcess {
    final Process process;
    final Path stdout;
    final Path stderr;

    HubProcess(Process process, Path stdout, Path stderr) {
      this.process = process;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    /** Polls {@code /health} until it answers 200; fails with the output if the process dies or is too slow. */
    void awaitHealthy(int port) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MS);
      while (System.nanoTime() - deadline < 0) {
        if (!process.isAlive()) {
          fail("the hub exited with " + process.exitValue() + " before serving; " + output());
        }
        try {
          if (get(port, "/health").statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // Not listening yet.
        }
        Thread.sleep(100);
      }
      fail("the hub did not answer /health within " + START_MS + " ms; " + output());
    }

    int awaitExit(long waitMs) throws InterruptedException {
      if (!process.waitFor(waitMs, TimeUnit.MILLISECONDS)) {
        fail("the process did not exit within " + waitMs + " ms; " + output());
      }
      return process.exitValue();
    }

    void assertExit(int status, long waitMs) throws InterruptedException {
      assertEquals(status, awaitExit(waitMs), this::output);
    }

    /** The one non-blank line the process wrote on stderr. */
    String onlyStderrLine() throws IOException {
      List<String> lines = Files.readAllLines(stderr).stream().filter(l -> !l.isBlank()).toList();
      assertEquals(1, lines.size(), () -> "expected one line on stderr; " + output());
      return lines.get(0);
    }

    String output() {
      try {
        return "stdout:\n" + Files.readString(stdout) + "\nstderr:\n" + Files.readString(stderr);
      } catch (IOException e) {
        return "output unreadable: " + e;
      }
    }
  }

  private HubProcess start(String... args) throws IOException {
    String jar = System.getProperty("hub.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      fail("system property hub.jar must name the built jar (mvn verify sets it); it is " + jar);
    }
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
    command.addAll(List.of(args));
    int n = started.size();
    Path stdout = dir.resolve("hub-" + n + ".out");
    Path stderr = dir.resolve("hub-" + n + ".err");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith(ConfigLoader.ENV_PREFIX));
    Process process = builder.start();
    process.getOutputStream().close();
    started.add(process);
    return new HubProcess(process, stdout, stderr);
  }

  private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }
}

package dev.hub.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Hub nodes as processes of the built jar, each in its own namespace of a {@link SplitNetwork}, clustered over
 * it with a static member list: node N binds HTTP and Hazelcast to 198.18.0.N, on the same ports everywhere.
 * Their logs go to temporary files, named when a node fails to start.
 */
final class SplitNodes implements AutoCloseable {
  static final int HTTP_PORT = 8080;
  private static final int MEMBER_PORT = 5701;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final List<Process> processes = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();

  /**
   * Starts {@code count} nodes with the {@code HUB_*} variables of {@code env} on top of the cluster's own, and
   * waits until each sees all of them.
   */
  static SplitNodes start(String jar, int count, Map<String, String> env, long boundMs) {
    if (!new File(jar).isFile()) {
      throw new IllegalStateException("no hub jar at " + jar + " (build it with mvn -B -q package -DskipTests)");
    }
    String cluster = "split-" + UUID.randomUUID();
    String members = IntStream.rangeClosed(1, count).mapToObj(n -> SplitNetwork.address(n) + ":" + MEMBER_PORT)
        .collect(Collectors.joining(","));
    String hosts = IntStream.rangeClosed(1, count).mapToObj(SplitNetwork::address).collect(Collectors.joining(","));
    SplitNodes nodes = new SplitNodes();
    try {
      for (int n = 1; n <= count; n++) {
        Map<String, String> vars = new HashMap<>(env);
        vars.put("HUB_HTTP_HOST", SplitNetwork.address(n));
        // Auth off on a non-loopback address must be asked for: these nodes are on a network of the test's own.
        vars.put("HUB_AUTH_ALLOW_ANONYMOUS", "true");
        // The Host check with auth off takes loopback names only, and these clients name the node's address.
        vars.put("HUB_HTTP_ALLOWED_HOSTS", hosts);
        vars.put("HUB_CLUSTER_NAME", cluster);
        // A node that stops drains its sessions for shutdown.graceMs: nobody is left to drain at the end of a run.
        vars.put("HUB_SHUTDOWN_GRACE_MS", "1000");
        vars.put("HUB_CLUSTER_HOST", SplitNetwork.address(n));
        vars.put("HUB_CLUSTER_PORT", Integer.toString(MEMBER_PORT));
        vars.put("HUB_CLUSTER_MEMBERS", members);
        nodes.launch(jar, n, vars);
      }
      long deadline = System.currentTimeMillis() + boundMs;
      for (int n = 1; n <= count; n++) {
        int node = n;
        nodes.await("node " + n + " to see " + count + " nodes", deadline, () -> nodes.nodesSeen(node) == count);
      }
      return nodes;
    } catch (RuntimeException e) {
      nodes.close();
      throw e;
    }
  }

  private void launch(String jar, int n, Map<String, String> env) {
    List<String> java = List.of(Processes.java(), "-Xmx512m", "-jar", jar, "--cluster", "--port",
        Integer.toString(HTTP_PORT), "--node", "split-" + n);
    try {
      Path log = Files.createTempFile("split-node-" + n + "-", ".log");
      ProcessBuilder builder = new ProcessBuilder(SplitNetwork.inNamespace(n, java)).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().keySet().removeIf(variable -> variable.startsWith("HUB_"));
      builder.environment().putAll(env);
      processes.add(builder.start());
      logs.add(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many nodes node {@code n} lists in {@code GET /api/nodes}, or -1 when it does not answer in time. */
  int nodesSeen(int n) {
    try {
      HttpResponse<String> answer = get(n, "/api/nodes");
      return answer.statusCode() == 200 ? new JsonObject(answer.body()).getJsonArray("nodes").size() : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Node {@code n}'s answer to {@code GET /api/rooms/ROOM/history?limit=LIMIT}: its epoch, latest seq and events
   * by seq.
   */
  History history(int n, String room, int limit) throws IOException {
    HttpResponse<String> answer = get(n, "/api/rooms/" + room + "/history?limit=" + limit);
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("node " + n + ": history of " + room + " answered " + answer.statusCode()
          + ": " + answer.body());
    }
    JsonObject body = new JsonObject(answer.body());
    Map<Long, String> events = new LinkedHashMap<>();
    JsonArray list = body.getJsonArray("events");
    for (int i = 0; i < list.size(); i++) {
      events.put(list.getJsonObject(i).getLong("seq"), list.getJsonObject(i).getString("id"));
    }
    return new History(body.getString("epoch"), body.getLong("seq"), events);
  }

  /** A history read. */
  record History(String epoch, long latestSeq, Map<Long, String> events) {
  }

  private HttpResponse<String> get(int n, String path) throws IOException {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + SplitNetwork.address(n) + ":" + HTTP_PORT
          + path)).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Polls {@code condition} every 200 ms until it holds; fails naming {@code what} and the logs after the deadline. */
  void await(String what, long deadline, java.util.function.BooleanSupplier condition) {
    while (System.currentTimeMillis() < deadline) {
      for (int i = 0; i < processes.size(); i++) {
        if (!processes.get(i).isAlive()) {
          throw new IllegalStateException("node " + (i + 1) + " exited with " + processes.get(i).exitValue()
              + " while waiting for " + what + "; its log: " + logs.get(i));
        }
      }
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("timed out waiting for " + what + "; the nodes' logs: " + logs);
  }

  /** The nodes' log files. */
  List<Path> logs() {
    return List.copyOf(logs);
  }

  /** SIGTERM, then SIGKILL for any node still running after 15 s. */
  @Override
  public void close() {
    processes.forEach(Process::destroy);
    processes.forEach(process -> Processes.stop(process, 15));
  }
}

package dev.hub.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** Hub nodes started as processes of the built jar, clustered on loopback, for one benchmark run. */
final class HubNodes implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final List<Integer> httpPorts = new ArrayList<>();
  private final List<String> jvmFlags = new ArrayList<>();
  /** The CPU every node is pinned to with {@code taskset}, or -1 for none. */
  private int cpu = -1;

  /** Starts {@code count} clustered nodes and waits until each sees all of them. */
  static HubNodes startCluster(String jar, int count) {
    return startCluster(jar, count, List.of(), java.util.Map.of());
  }

  /**
   * Starts {@code count} clustered nodes, each JVM with {@code jvmFlags} (e.g. system properties) and the
   * cluster's {@code HUB_*} variables on top of {@code env}, and waits until each sees all of them.
   */
  static HubNodes startCluster(String jar, int count, List<String> jvmFlags, java.util.Map<String, String> env) {
    return startCluster(jar, count, jvmFlags, env, -1);
  }

  /**
   * As {@link #startCluster(String, int, List, java.util.Map)}, every node pinned to {@code cpu} (-1: not
   * pinned), so that together they get the one core a single pinned server gets.
   */
  static HubNodes startCluster(String jar, int count, List<String> jvmFlags, java.util.Map<String, String> env,
      int cpu) {
    HubNodes nodes = new HubNodes();
    nodes.jvmFlags.addAll(jvmFlags);
    nodes.cpu = cpu;
    String cluster = "bench-" + UUID.randomUUID();
    List<Integer> memberPorts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      memberPorts.add(Processes.freePort());
      nodes.httpPorts.add(Processes.freePort());
    }
    String members = memberPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    return nodes.startedOrClosed(() -> {
      for (int i = 0; i < count; i++) {
        java.util.Map<String, String> nodeEnv = new java.util.HashMap<>(env);
        nodeEnv.putAll(java.util.Map.of(
            "HUB_CLUSTER_ENABLED", "true",
            "HUB_CLUSTER_NAME", cluster,
            "HUB_CLUSTER_PORT", memberPorts.get(i).toString(),
            "HUB_CLUSTER_MEMBERS", members));
        nodes.launch(jar, nodes.httpPorts.get(i), "bench-" + (i + 1), nodeEnv);
      }
      for (int port : nodes.httpPorts) {
        awaitNodes(port, count, 120_000);
      }
    });
  }

  /** Starts one node, not clustered, with extra environment variables. */
  static HubNodes startSingle(String jar, java.util.Map<String, String> env) {
    HubNodes nodes = new HubNodes();
    nodes.httpPorts.add(Processes.freePort());
    return nodes.startedOrClosed(() -> {
      nodes.launch(jar, nodes.httpPorts.get(0), "bench-single", env);
      await(nodes.httpPorts.get(0), "/health", body -> body.contains("UP"), 60_000);
    });
  }

  /** What starting takes; may fail with I/O. */
  private interface StartSteps {
    void run() throws IOException;
  }

  /** These nodes once {@code steps} succeeded; on any failure every process started so far is stopped. */
  private HubNodes startedOrClosed(StartSteps steps) {
    try {
      steps.run();
      return this;
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Starts {@code java -jar JAR --port PORT --node NAME} with exactly the given {@code HUB_*} variables. */
  private void launch(String jar, int port, String name, java.util.Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>();
    if (cpu >= 0) {
      command.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
    }
    command.addAll(List.of(Processes.java(), "-Xmx1g"));
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", jar, "--port", Integer.toString(port), "--node", name));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(File.createTempFile("bench-node-", ".log"));
    builder.environment().keySet().removeIf(variable -> variable.startsWith("HUB_"));
    builder.environment().putAll(env);
    processes.add(builder.start());
  }

  int port(int node) {
    return httpPorts.get(node);
  }

  /** Waits until the node's {@code /ready} answers 200, e.g. once its required NATS is connected. */
  HubNodes awaitReady(int node) {
    await(port(node), "/ready", body -> true, 60_000);
    return this;
  }

  /** The node's process id, e.g. to attach to its JVM. */
  long pid(int node) {
    return processes.get(node).pid();
  }

  /** Nodes started. */
  int count() {
    return processes.size();
  }

  /** Kills node {@code node} with SIGKILL, as a crash would: no bye, no leave, its sockets reset by the kernel. */
  void kill(int node) throws InterruptedException {
    Process process = processes.get(node);
    process.destroyForcibly();
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new IllegalStateException("node " + (node + 1) + " did not die of SIGKILL within 30 s");
    }
  }

  /** CPU time the node's process has used so far, in ms. */
  long cpuMillis(int node) {
    return processes.get(node).info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
  }

  private static void awaitNodes(int port, int count, long boundMs) {
    await(port, "/api/nodes", body -> body.split("\"node\":").length - 1 == count, boundMs);
  }

  /** Polls {@code path} until it answers 200 with a body that passes {@code check}. */
  private static void await(int port, String path, java.util.function.Predicate<String> check, long boundMs) {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.currentTimeMillis() + boundMs;
    while (System.currentTimeMillis() < deadline) {
      try {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200 && check.test(answer.body())) {
          return;
        }
      } catch (IOException e) {
        // Not up yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("node on port " + port + ": " + path + " not as expected in time");
  }

  @Override
  public void close() {
    processes.forEach(Process::destroy);
    processes.forEach(process -> Processes.stop(process, 15));
  }
}

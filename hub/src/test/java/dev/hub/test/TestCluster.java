package dev.hub.test;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Several real hub nodes in one JVM, each with its own Hazelcast member on a free loopback port, joined into
 * a cluster with a random name so that tests never meet each other's members. Each node runs on its own
 * clustered Vert.x (built with the cluster manager), which its stop closes: {@link #close} stops every node, from
 * the {@code @AfterEach} or {@code @AfterAll} of the test that started them. The clients connect through the
 * test's Vert.x when one is given.
 */
public final class TestCluster implements AutoCloseable {
  static {
    // Members that find each other at once need not wait the default 5 s before joining.
    System.setProperty("hazelcast.wait.seconds.before.join", "1");
  }

  private final String name = "test-" + UUID.randomUUID();
  private final List<Integer> memberPorts = new ArrayList<>();
  private final List<TestHub> nodes = new ArrayList<>();
  private final String[] overrides;
  /** The WebSocket client of the test's Vert.x, for every node's clients. */
  private final WebSocketClient webSockets;

  private TestCluster(WebSocketClient webSockets, int size, String... overrides) {
    this.webSockets = webSockets;
    this.overrides = overrides;
    for (int i = 0; i < size + 1; i++) {
      memberPorts.add(freePort());
    }
  }

  /**
   * Starts {@code size} nodes together, their clients on {@code clients} (the test's Vert.x); one more member port
   * is reserved for {@link #addNode()}.
   */
  public static TestCluster start(Vertx clients, int size, String... overrides) {
    return start(new TestCluster(WsClient.clientOn(clients), size, overrides), size);
  }

  private static TestCluster start(TestCluster cluster, int size) {
    List<Future<dev.hub.boot.Hub>> starting = IntStream.range(0, size)
        .mapToObj(cluster::startNode).toList();
    try {
      for (Future<dev.hub.boot.Hub> node : starting) {
        cluster.nodes.add(cluster.wrap(node.await(180, TimeUnit.SECONDS)));
      }
    } catch (Exception e) {
      cluster.close();
      throw new IllegalStateException("cluster did not start", e);
    }
    return cluster;
  }

  /**
   * Starts {@code size} nodes together without waiting for them: {@link #nodes()} has each once it is up, in the
   * order they came up, and {@link #awaitAll} waits for the rest.
   */
  public static TestCluster starting(int size, List<Future<TestHub>> nodes, String... overrides) {
    return starting(new TestCluster(null, size, overrides), size, nodes);
  }

  /** {@link #starting(int, List, String...)} with the clients on {@code clients} (the test's Vert.x). */
  public static TestCluster starting(Vertx clients, int size, List<Future<TestHub>> nodes, String... overrides) {
    return starting(new TestCluster(WsClient.clientOn(clients), size, overrides), size, nodes);
  }

  private static TestCluster starting(TestCluster cluster, int size, List<Future<TestHub>> nodes) {
    for (int i = 0; i < size; i++) {
      nodes.add(cluster.startNode(i).map(hub -> {
        TestHub node = cluster.wrap(hub);
        synchronized (cluster.nodes) {
          cluster.nodes.add(node);
        }
        return node;
      }));
    }
    return cluster;
  }

  /** Waits for nodes started with {@link #starting}. */
  public static void awaitAll(List<Future<TestHub>> nodes) {
    try {
      for (Future<TestHub> node : nodes) {
        node.await(180, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("cluster did not start", e);
    }
  }

  /** Starts one more node without waiting; it joins the running cluster and is in {@link #nodes()} once up. */
  public Future<TestHub> addNodeAsync() {
    return startNode(nodes.size()).map(hub -> {
      TestHub node = wrap(hub);
      synchronized (nodes) {
        nodes.add(node);
      }
      return node;
    });
  }

  /** Starts one more node, which joins the running cluster. */
  public TestHub addNode() {
    try {
      TestHub node = wrap(startNode(nodes.size()).await(180, TimeUnit.SECONDS));
      synchronized (nodes) {
        nodes.add(node);
      }
      return node;
    } catch (Exception e) {
      throw new IllegalStateException("node did not join", e);
    }
  }

  private TestHub wrap(dev.hub.boot.Hub hub) {
    return TestHub.of(hub, webSockets);
  }

  private Future<dev.hub.boot.Hub> startNode(int index) {
    List<String> flags = new ArrayList<>(List.of(
        "node.name", "node-" + (index + 1),
        "cluster.enabled", "true",
        "cluster.name", name,
        "cluster.port", Integer.toString(memberPorts.get(index)),
        "cluster.members", memberPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")),
        "cluster.failureDetectionMs", "3000"));
    flags.addAll(List.of(overrides));
    return TestHub.startAsync(flags.toArray(String[]::new));
  }

  public TestHub node(int index) {
    synchronized (nodes) {
      return nodes.get(index);
    }
  }

  public List<TestHub> nodes() {
    synchronized (nodes) {
      return List.copyOf(nodes);
    }
  }

  @Override
  public void close() {
    for (TestHub node : nodes()) {
      try {
        node.close();
      } catch (RuntimeException e) {
        // Keep closing the others; a node that failed to stop is reported by the test that stopped it.
      }
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

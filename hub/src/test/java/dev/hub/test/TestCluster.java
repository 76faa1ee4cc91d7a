package dev.hub.test;

import io.vertx.core.Future;
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
 * a cluster with a random name so that tests never meet each other's members.
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

  private TestCluster(int size, String... overrides) {
    this.overrides = overrides;
    for (int i = 0; i < size + 1; i++) {
      memberPorts.add(freePort());
    }
  }

  /** Starts {@code size} nodes together; one more member port is reserved for {@link #addNode()}. */
  public static TestCluster start(int size, String... overrides) {
    TestCluster cluster = new TestCluster(size, overrides);
    List<Future<dev.hub.app.Hub>> starting = IntStream.range(0, size)
        .mapToObj(cluster::startNode).toList();
    try {
      for (Future<dev.hub.app.Hub> node : starting) {
        cluster.nodes.add(TestHub.of(node.await(180, TimeUnit.SECONDS)));
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
    TestCluster cluster = new TestCluster(size, overrides);
    for (int i = 0; i < size; i++) {
      nodes.add(cluster.startNode(i).map(hub -> {
        TestHub node = TestHub.of(hub);
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
      TestHub node = TestHub.of(hub);
      synchronized (nodes) {
        nodes.add(node);
      }
      return node;
    });
  }

  /** Starts one more node, which joins the running cluster. */
  public TestHub addNode() {
    try {
      TestHub node = TestHub.of(startNode(nodes.size()).await(180, TimeUnit.SECONDS));
      nodes.add(node);
      return node;
    } catch (Exception e) {
      throw new IllegalStateException("node did not join", e);
    }
  }

  private Future<dev.hub.app.Hub> startNode(int index) {
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
    for (TestHub node : nodes) {
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

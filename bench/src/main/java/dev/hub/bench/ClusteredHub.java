package dev.hub.bench;

import java.util.stream.IntStream;

/**
 * Hub nodes clustered on loopback ({@link HubNodes}) measured as one server: the generator spreads its
 * subscribers over the nodes, and the CPU time and memory are those of all nodes together.
 */
final class ClusteredHub implements ServerUnderTest {
  private final String name;
  private final HubNodes nodes;

  ClusteredHub(String name, HubNodes nodes) {
    this.name = name;
    this.nodes = nodes;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int nodes() {
    return nodes.count();
  }

  @Override
  public int port(int node) {
    return nodes.port(node);
  }

  @Override
  public long cpuMillis() {
    return IntStream.range(0, nodes()).mapToLong(nodes::cpuMillis).sum();
  }

  @Override
  public double rssMib() {
    return IntStream.range(0, nodes()).mapToDouble(node -> ProcessStats.rssMib(nodes.pid(node))).sum();
  }

  @Override
  public void settleHeaps() {
    IntStream.range(0, nodes()).forEach(node -> HeapProbe.settleBoth(nodes.pid(node)));
  }

  @Override
  public void close() {
    nodes.close();
  }
}

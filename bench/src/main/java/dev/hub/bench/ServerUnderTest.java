package dev.hub.bench;

/**
 * A server the broadcast scenarios measure: one process ({@link PinnedServer}) or several clustered nodes
 * ({@link ClusteredHub}) that the generator's connections are spread over.
 */
interface ServerUnderTest extends AutoCloseable {

  /** The name the tables show, e.g. {@code hub-cluster-history}; it also picks the {@link Dialect}. */
  String name();

  /** Nodes a connection may be opened to: 1 for a single process. */
  int nodes();

  /** The WebSocket port of node {@code node}, from 0. */
  int port(int node);

  /** User plus system CPU time of all its processes so far, in milliseconds. */
  long cpuMillis();

  /** Resident memory of all its processes, in MiB. */
  double rssMib();

  /**
   * Fully collects the heap of every JVM of the server and of this generator, so that what the setup left is
   * tenured or gone before the measured phases.
   */
  void settleHeaps();

  @Override
  void close();
}

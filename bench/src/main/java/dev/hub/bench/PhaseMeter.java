package dev.hub.bench;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Measures phases of one load on one server: what was offered and delivered, what was lost, publish-to-receipt
 * latency, the server's CPU and memory, and the generator's own CPU. After each phase it waits until every
 * delivery owed has arrived, or a bound has passed.
 */
final class PhaseMeter {
  /** How long a phase may take to drain before what has not arrived counts as lost. */
  private static final long DRAIN_MS = 5000;

  /** A phase's sending, run on the generator's main thread. */
  interface Load {
    void run() throws Exception;
  }

  private final ServerUnderTest server;
  private final List<LatencyClient> subscribers;
  private final Publishers publishers;
  private final Recorder latencies;

  PhaseMeter(ServerUnderTest server, List<LatencyClient> subscribers, Publishers publishers, Recorder latencies) {
    this.server = server;
    this.subscribers = List.copyOf(subscribers);
    this.publishers = publishers;
    this.latencies = latencies;
  }

  /** Runs {@code load}, drains, and returns the phase's figures. */
  ThroughputPhase phase(String name, Load load) throws Exception {
    latencies.reset();
    long receivedBefore = received();
    long framesBefore = frames();
    long sentBefore = publishers.sent();
    long owedBefore = publishers.owed();
    long cpuBefore = server.cpuMillis();
    long generatorCpuBefore = ProcessStats.ownCpuMillis();
    long start = System.nanoTime();
    load.run();
    double sendSeconds = (System.nanoTime() - start) / 1e9;
    drain();
    double elapsed = (System.nanoTime() - start) / 1e9;
    long cpu = server.cpuMillis() - cpuBefore;
    long generatorCpu = ProcessStats.ownCpuMillis() - generatorCpuBefore;
    long sent = publishers.sent() - sentBefore;
    long owed = publishers.owed() - owedBefore;
    long delivered = received() - receivedBefore;
    long frames = frames() - framesBefore;
    Histogram h = latencies.getIntervalHistogram();
    return new ThroughputPhase(server.name(), name, sent / sendSeconds, delivered / sendSeconds, owed - delivered,
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)), 100.0 * cpu / (elapsed * 1000), server.rssMib(), frames / sendSeconds,
        100.0 * generatorCpu / (elapsed * 1000));
  }

  /** Waits until every delivery owed so far has arrived, or the bound passes (then some are lost). */
  void drain() throws InterruptedException {
    long deadline = System.currentTimeMillis() + DRAIN_MS;
    while (System.currentTimeMillis() < deadline && received() < publishers.owed()) {
      Thread.sleep(10);
    }
  }

  private long received() {
    return subscribers.stream().mapToLong(LatencyClient::received).sum();
  }

  private long frames() {
    return subscribers.stream().mapToLong(LatencyClient::frames).sum();
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}

package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Scenario 4: a publisher on node 1 of a two-node cluster; subscribers on node 1 (same-node path) and on
 * node 2 (cross-node path) in one room. Prints latency percentiles of both paths at a fixed, moderate rate.
 */
@Command(name = "cross-node", mixinStandardHelpOptions = true,
    description = "Broadcast latency to subscribers on the publisher's node and on another node of a cluster.")
final class CrossNodeLatency implements Callable<Integer> {

  @Mixin
  private LatencyOptions options = new LatencyOptions();

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/cross-node.json");

  @Option(names = "--jar", description = "LABEL=PATH of a hub jar; repeat to measure builds in turn in one run "
      + "(default: --hub-jar, unlabelled)")
  private Map<String, String> jars = new java.util.LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    LatencyReport report = new LatencyReport("cross-node", Map.of("nodes", 2, "subscribersPerNode",
        options.subscribers, "eventsPerSecond", options.rate, "payloadBytes", options.payload,
        "measuredSeconds", options.seconds));
    Map<String, String> builds = jars.isEmpty() ? Map.of("", options.hubJar) : jars;
    for (Map.Entry<String, String> build : builds.entrySet()) {
      measure(build.getKey().isEmpty() ? "" : build.getKey() + " ", build.getValue(), report);
    }
    report.print();
    report.write(out);
    return 0;
  }

  /** One cluster of {@code jar}: its two paths' rows, named with {@code label} first. */
  private void measure(String label, String jar, LatencyReport report) throws Exception {
    Vertx vertx = Vertx.vertx();
    WebSocketClient client = LatencyClient.webSocketClient(vertx);
    Recorder sameNode = new Recorder(3);
    Recorder crossNode = new Recorder(3);
    List<LatencyClient> subscribed = new ArrayList<>();
    try (HubNodes nodes = HubNodes.startCluster(jar, 2)) {
      List<Future<LatencyClient>> joins = new ArrayList<>();
      for (int i = 0; i < options.subscribers; i++) {
        joins.add(LatencyClient.join(client, nodes.port(0), "bench", sameNode));
        joins.add(LatencyClient.join(client, nodes.port(1), "bench", crossNode));
      }
      for (Future<LatencyClient> join : joins) {
        subscribed.add(join.await(30, TimeUnit.SECONDS));
      }
      ClientWebSocket publisher = client.webSocket();
      publisher.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(nodes.port(0)).setURI("/ws"))
          .await(10, TimeUnit.SECONDS);
      publisher.writeTextMessage("{\"type\":\"join\",\"room\":\"bench\"}").await(5, TimeUnit.SECONDS);

      String padding = "x".repeat(options.payload);
      long periodNanos = 1_000_000_000L / options.rate;
      long[] next = {System.nanoTime()};
      long timer = vertx.setPeriodic(1, id -> {
        long now = System.nanoTime();
        while (next[0] <= now) {
          publisher.writeTextMessage("{\"type\":\"publish\",\"room\":\"bench\",\"event\":\"tick\",\"echo\":false,"
              + "\"data\":{\"t\":" + System.nanoTime() + ",\"p\":\"" + padding + "\"}}");
          next[0] += periodNanos;
        }
      });
      Thread.sleep(options.warmup * 1000L);
      sameNode.reset();
      crossNode.reset();
      long started = System.nanoTime();
      Thread.sleep(options.seconds * 1000L);
      Histogram same = sameNode.getIntervalHistogram();
      Histogram cross = crossNode.getIntervalHistogram();
      double elapsed = (System.nanoTime() - started) / 1e9;
      vertx.cancelTimer(timer);

      report.add(LatencyReport.Row.of(label + "same-node", same, elapsed));
      report.add(LatencyReport.Row.of(label + "cross-node", cross, elapsed));
    } finally {
      subscribed.forEach(LatencyClient::close);
      vertx.close();
    }
  }
}

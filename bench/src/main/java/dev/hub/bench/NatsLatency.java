package dev.hub.bench;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * A service publishes on {@code hub.rooms.bench} through a real nats-server; subscribers on one hub node (the
 * built jar, bridge on) receive. Prints NATS-to-client latency and delivered events per second. With
 * {@code --noise}, the service also publishes that many messages per second to rooms nobody on the node is in,
 * which every node receives under the whole-prefix subscription: the cost shows as the hub's CPU.
 */
@Command(name = "nats-latency", mixinStandardHelpOptions = true,
    description = "Latency from a NATS publish on hub.rooms.<room> to WebSocket clients of one node.")
final class NatsLatency implements Callable<Integer> {

  @Mixin
  private LatencyOptions options = new LatencyOptions();

  @Option(names = "--nats-server",
      description = "nats-server binary (default: as tools/ensure-nats-server.sh finds it)")
  private String natsServer;

  @Option(names = "--noise", description = "messages per second to rooms without members (default: ${DEFAULT-VALUE})")
  private int noise = 0;

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/nats-latency.json");

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    WebSocketClient client = LatencyClient.webSocketClient(vertx);
    Recorder latencies = new Recorder(3);
    List<LatencyClient> subscribed = new ArrayList<>();
    try (NatsServerProcess nats = NatsServerProcess.start(natsServer);
        HubNodes hub = HubNodes.startSingle(options.hubJar,
            Map.of("HUB_NATS_URL", nats.url(), "HUB_NATS_REQUIRED", "true"));
        Connection service = Nats.connect(nats.url())) {
      hub.awaitReady(0);
      List<Future<LatencyClient>> joins = new ArrayList<>();
      for (int i = 0; i < options.subscribers; i++) {
        joins.add(LatencyClient.join(client, hub.port(0), "bench", latencies));
      }
      for (Future<LatencyClient> join : joins) {
        subscribed.add(join.await(30, TimeUnit.SECONDS));
      }
      Thread publisher = new Thread(() -> publish(service), "bench-nats-publisher");
      publisher.setDaemon(true);
      publisher.start();
      Thread.sleep(options.warmup * 1000L);
      latencies.reset();
      long hubCpu = hub.cpuMillis(0);
      long natsCpu = nats.cpuMillis();
      long started = System.nanoTime();
      Thread.sleep(options.seconds * 1000L);
      Histogram measured = latencies.getIntervalHistogram();
      double elapsed = (System.nanoTime() - started) / 1e9;
      long hubCpuMs = hub.cpuMillis(0) - hubCpu;
      long natsCpuMs = nats.cpuMillis() - natsCpu;
      publisher.interrupt();

      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("subscribers", options.subscribers);
      settings.put("eventsPerSecond", options.rate);
      settings.put("noisePerSecond", noise);
      settings.put("payloadBytes", options.payload);
      settings.put("measuredSeconds", options.seconds);
      settings.put("hubCpuPercent", Math.round(hubCpuMs / elapsed / 10.0));
      settings.put("natsServerCpuPercent", Math.round(natsCpuMs / elapsed / 10.0));
      LatencyReport report = new LatencyReport("nats-latency", settings);
      report.add(LatencyReport.Row.of("nats-to-ws", measured, elapsed));
      report.print();
      report.write(out);
    } finally {
      subscribed.forEach(LatencyClient::close);
      vertx.close();
    }
    return 0;
  }

  /** Fixed rate, stamped with {@code System.nanoTime()} in {@code data.t}; noise interleaved at its own rate. */
  private void publish(Connection service) {
    String padding = "x".repeat(options.payload);
    long periodNanos = 1_000_000_000L / options.rate;
    long noisePeriod = noise > 0 ? 1_000_000_000L / noise : 0;
    long next = System.nanoTime();
    long nextNoise = next;
    long noiseCount = 0;
    byte[] noiseBody = ("{\"event\":\"noise\",\"data\":\"" + padding + "\"}").getBytes(StandardCharsets.UTF_8);
    while (!Thread.currentThread().isInterrupted()) {
      long now = System.nanoTime();
      while (next <= now) {
        service.publish("hub.rooms.bench", ("{\"event\":\"tick\",\"data\":{\"t\":" + System.nanoTime()
            + ",\"p\":\"" + padding + "\"}}").getBytes(StandardCharsets.UTF_8));
        next += periodNanos;
      }
      while (noise > 0 && nextNoise <= now) {
        service.publish("hub.rooms.noise-" + (noiseCount++ % 1000), noiseBody);
        nextNoise += noisePeriod;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(200_000);
    }
  }
}

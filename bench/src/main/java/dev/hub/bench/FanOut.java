package dev.hub.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Scenario 1: many subscribers in one room, one publisher; fixed rates, then as fast as the server keeps up
 * (a window of events in flight, paced by the publisher's own copy). Runs against the bare Vert.x broadcast
 * server and against the hub in the same run, each pinned to one CPU with the generator on the other, and
 * prints the hub's figures as a ratio of the bare server's.
 */
@Command(name = "fan-out", mixinStandardHelpOptions = true,
    description = "One room, many subscribers: the hub against a bare Vert.x broadcast server.")
final class FanOut implements Callable<Integer> {

  @Option(names = "--hub-jar", description = "the hub's fat jar (default: ${DEFAULT-VALUE})")
  private String hubJar = "hub/target/hub.jar";

  @Option(names = "--bench-jar", description = "this jar, for the bare server (default: ${DEFAULT-VALUE})")
  private String benchJar = "bench/target/bench.jar";

  @Option(names = "--subscribers", description = "subscribers in the room (default: ${DEFAULT-VALUE})")
  private int subscribers = 1000;

  @Option(names = "--rates", split = ",", description = "fixed publish rates, events/s (default: ${DEFAULT-VALUE})")
  private List<Integer> rates = List.of(20, 50, 100);

  @Option(names = "--window", description = "events in flight in the max phase (default: ${DEFAULT-VALUE})")
  private int window = 16;

  @Option(names = "--seconds", description = "seconds per phase (default: ${DEFAULT-VALUE})")
  private int seconds = 5;

  @Option(names = "--payload", description = "bytes of padding per event (default: ${DEFAULT-VALUE})")
  private int payload = 100;

  @Option(names = "--sources", description = "loopback source addresses to spread connections over (default: ${DEFAULT-VALUE})")
  private int sources = 4;

  @Option(names = "--server-cpu", description = "CPU the server is pinned to (default: ${DEFAULT-VALUE})")
  private int serverCpu = 1;

  @Option(names = "--client-cpu", description = "CPU the generator is pinned to (default: ${DEFAULT-VALUE})")
  private int clientCpu = 0;

  @Option(names = "--out", description = "JSON result file (default: ${DEFAULT-VALUE})")
  private Path out = Path.of("bench-results/fan-out.json");

  /** One measured phase. */
  record Phase(String server, String phase, double offeredPerSecond, double deliveredPerSecond, long lost,
      double p50Ms, double p90Ms, double p99Ms, double p999Ms, double serverCpuPercent, double serverRssMib) {
  }

  @Override
  public Integer call() throws Exception {
    new ProcessBuilder("taskset", "-p", "-c", Integer.toString(clientCpu), Long.toString(ProcessHandle.current().pid()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    List<Phase> phases = new ArrayList<>();
    try (PinnedServer bare = PinnedServer.start("bare", serverCpu,
        List.of(java(), "-Xmx1g", "-cp", benchJar, "dev.hub.bench.BareBroadcastServer", "PORT"), Map.of())) {
      phases.addAll(measure(bare, false));
    }
    try (PinnedServer hub = PinnedServer.start("hub", serverCpu,
        List.of(java(), "-Xmx1g", "-jar", hubJar, "--port", "PORT"), Map.of(
            "HUB_LIMITS_PUBLISH_PER_SECOND", "100000000", "HUB_LIMITS_PUBLISH_BURST", "100000000",
            "HUB_LIMITS_MAX_QUEUED_BYTES", "16777216",
            // Diffs for 1000 joins are setup noise here, not what this scenario measures.
            "HUB_PRESENCE_DIFF_MAX_MEMBERS", "0"))) {
      phases.addAll(measure(hub, true));
    }
    print(phases);
    LatencyReport report = new LatencyReport("fan-out", Map.of("subscribers", subscribers, "rates", rates,
        "window", window, "secondsPerPhase", seconds, "payloadBytes", payload, "sources", sources));
    report.writeRows(out, phases);
    return 0;
  }

  private List<Phase> measure(PinnedServer server, boolean hub) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Recorder latencies = new Recorder(3);
    List<LatencyClient> subscribed = new ArrayList<>();
    List<WebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < sources; i++) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 24)
          .setMaxMessageSize(1 << 24).setMaxConnections(subscribers + 10).setLocalAddress("127.0.0." + (2 + i))));
    }
    try {
      List<Future<LatencyClient>> joining = new ArrayList<>();
      for (int i = 0; i < subscribers; i++) {
        WebSocketClient client = clients.get(i % clients.size());
        joining.add(hub ? LatencyClient.join(client, server.port(), "fan", latencies)
            : LatencyClient.connect(client, server.port(), latencies));
      }
      for (Future<LatencyClient> join : joining) {
        subscribed.add(join.await(60, TimeUnit.SECONDS));
      }
      Publisher publisher = Publisher.connect(clients.get(0), server.port(), hub, payload);
      List<Phase> phases = new ArrayList<>();
      publisher.runAtRate(vertx, rates.get(0), seconds * 1000L);
      drain(subscribed, publisher, 5000);
      for (int rate : rates) {
        phases.add(phase(server, "rate " + rate, subscribed, latencies, publisher,
            () -> publisher.runAtRate(vertx, rate, seconds * 1000L)));
      }
      phases.add(phase(server, "max", subscribed, latencies, publisher,
          () -> publisher.runWindowed(window, seconds * 1000L)));
      publisher.close();
      return phases;
    } finally {
      subscribed.forEach(LatencyClient::close);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private interface Load {
    void run() throws Exception;
  }

  private Phase phase(PinnedServer server, String name, List<LatencyClient> subscribed, Recorder latencies,
      Publisher publisher, Load load) throws Exception {
    latencies.reset();
    long receivedBefore = received(subscribed);
    long sentBefore = publisher.sent();
    long cpuBefore = server.cpuMillis();
    long start = System.nanoTime();
    load.run();
    double sendSeconds = (System.nanoTime() - start) / 1e9;
    drain(subscribed, publisher, 5000);
    double elapsed = (System.nanoTime() - start) / 1e9;
    long cpu = server.cpuMillis() - cpuBefore;
    long sent = publisher.sent() - sentBefore;
    long delivered = received(subscribed) - receivedBefore;
    Histogram h = latencies.getIntervalHistogram();
    return new Phase(server.name(), name, sent / sendSeconds, delivered / sendSeconds,
        sent * subscribed.size() - delivered, ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
        ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), 100.0 * cpu / (elapsed * 1000),
        server.rssMib());
  }

  /** Waits until every subscriber has every event sent so far, or the bound passes (then some are lost). */
  private static void drain(List<LatencyClient> subscribed, Publisher publisher, long boundMs)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + boundMs;
    while (System.currentTimeMillis() < deadline
        && subscribed.stream().anyMatch(s -> s.received() < publisher.sent())) {
      Thread.sleep(10);
    }
  }

  private static long received(List<LatencyClient> subscribed) {
    return subscribed.stream().mapToLong(LatencyClient::received).sum();
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private void print(List<Phase> phases) {
    System.out.println();
    System.out.printf("scenario fan-out {subscribers=%d, payload=%d B, %d s per phase, server on CPU %d, generator on CPU %d}%n",
        subscribers, payload, seconds, serverCpu, clientCpu);
    System.out.printf("%-5s %-9s %10s %13s %8s %8s %8s %8s %9s %8s %8s%n", "server", "phase", "offered/s",
        "delivered/s", "lost", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "CPU %", "RSS MiB");
    for (Phase p : phases) {
      System.out.printf("%-5s %-9s %10.0f %13.0f %8d %8.2f %8.2f %8.2f %9.2f %8.0f %8.0f%n", p.server(), p.phase(),
          p.offeredPerSecond(), p.deliveredPerSecond(), p.lost(), p.p50Ms(), p.p90Ms(), p.p99Ms(), p.p999Ms(),
          p.serverCpuPercent(), p.serverRssMib());
    }
    for (Phase hub : phases) {
      if (hub.server().equals("hub")) {
        phases.stream().filter(b -> b.server().equals("bare") && b.phase().equals(hub.phase())).findFirst()
            .ifPresent(bare -> System.out.printf("hub / bare, %-9s delivered/s %.2f, p99 %.2f%n", hub.phase(),
                hub.deliveredPerSecond() / bare.deliveredPerSecond(), hub.p99Ms() / Math.max(0.01, bare.p99Ms())));
      }
    }
  }

  /** The one publishing connection: fixed-rate or windowed, counting its own copies of what it sent. */
  private static final class Publisher {
    private final ClientWebSocket socket;
    private final boolean hub;
    private final String padding;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong echoed = new AtomicLong();

    private Publisher(ClientWebSocket socket, boolean hub, int payload) {
      this.socket = socket;
      this.hub = hub;
      this.padding = "x".repeat(payload);
    }

    static Publisher connect(WebSocketClient client, int port, boolean hub, int payload) throws Exception {
      ClientWebSocket socket = client.webSocket();
      Publisher publisher = new Publisher(socket, hub, payload);
      socket.textMessageHandler(text -> {
        for (int at = text.indexOf("\"t\":"); at >= 0; at = text.indexOf("\"t\":", at + 1)) {
          publisher.echoed.incrementAndGet();
        }
      });
      socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
          .await(10, TimeUnit.SECONDS);
      if (hub) {
        socket.writeTextMessage("{\"type\":\"join\",\"room\":\"fan\"}").await(5, TimeUnit.SECONDS);
      }
      return publisher;
    }

    long sent() {
      return sent.get();
    }

    void send() {
      sent.incrementAndGet();
      String data = "{\"t\":" + System.nanoTime() + ",\"p\":\"" + padding + "\"}";
      socket.writeTextMessage(hub
          ? "{\"type\":\"publish\",\"room\":\"fan\",\"event\":\"tick\",\"data\":" + data + "}"
          : "{\"type\":\"event\",\"room\":\"fan\",\"event\":\"tick\",\"data\":" + data + "}");
    }

    /** Sends {@code rate} events a second for {@code ms}, on the generator's event loop. */
    void runAtRate(Vertx vertx, int rate, long ms) throws Exception {
      long period = 1_000_000_000L / rate;
      long[] next = {System.nanoTime()};
      long end = System.nanoTime() + ms * 1_000_000;
      io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
      long timer = vertx.setPeriodic(1, id -> {
        long now = System.nanoTime();
        while (next[0] <= now && next[0] < end) {
          send();
          next[0] += period;
        }
        if (now >= end) {
          done.tryComplete();
        }
      });
      done.future().await(ms + 10_000, TimeUnit.MILLISECONDS);
      vertx.cancelTimer(timer);
    }

    /** Keeps {@code window} events in flight, the next sent when the publisher's own copy of one arrives. */
    void runWindowed(int window, long ms) throws InterruptedException {
      long end = System.currentTimeMillis() + ms;
      while (System.currentTimeMillis() < end) {
        while (sent.get() - echoed.get() < window) {
          send();
        }
        Thread.sleep(0, 200_000);
      }
    }

    void close() {
      socket.close();
    }
  }
}
